import { SwitchyardError } from '@switchyard/errors';
import { describe, expect, it } from 'vitest';
import { CodecError, REMOTE_ERROR, RemoteError, decode, encode, encodeValue } from '../src/index.js';

class NotOwnerError extends SwitchyardError {
  constructor(
    readonly handle: { kind: string; id: number },
    readonly pid: string,
    readonly owner: string,
  ) {
    super('NOT_OWNER', `process ${pid} does not own ${handle.kind} #${handle.id} (owner ${owner})`);
  }
}

const revive = (e: unknown): RemoteError => {
  const back = decode(encode(e));
  if (!(back instanceof RemoteError)) throw new Error('not revived as a RemoteError');
  return back;
};

describe('errors travel as { name, message, code, data } and revive as RemoteError', () => {
  it('a SwitchyardError keeps its code, name, message and fields', () => {
    const original = new NotOwnerError({ kind: 'sql.db', id: 3 }, '{local|0x00002}', '{local|0x00001}');
    const back = revive(original);
    expect(back).toBeInstanceOf(RemoteError);
    expect(back).toBeInstanceOf(SwitchyardError);
    expect(back).toBeInstanceOf(Error);
    expect(back.code).toBe('NOT_OWNER');
    expect(back.name).toBe('NotOwnerError');
    expect(back.message).toBe(original.message);
    expect(back.handle).toEqual({ kind: 'sql.db', id: 3 });
    expect(back.pid).toBe('{local|0x00002}');
    expect(back.owner).toBe('{local|0x00001}');
    expect(back.omitted).toEqual([]);
  });

  it('the wire record', () => {
    const original = new NotOwnerError({ kind: 'k', id: 1 }, 'p', 'o');
    expect(encodeValue(original)).toStrictEqual({
      $sy: 'err',
      v: { name: 'NotOwnerError', message: original.message, code: 'NOT_OWNER', data: { handle: { kind: 'k', id: 1 }, pid: 'p', owner: 'o' } },
    });
  });

  it('a plain Error has no code on the wire and revives with REMOTE_ERROR', () => {
    const back = revive(new TypeError('x is not a function'));
    expect(back.code).toBe(REMOTE_ERROR);
    expect(back.name).toBe('TypeError');
    expect(back.message).toBe('x is not a function');
  });

  it("a Node error keeps its string code and its errno/syscall fields", () => {
    const e = Object.assign(new Error('ENOENT: no such file'), { code: 'ENOENT', errno: -2, syscall: 'open', path: '/nope' });
    const back = revive(e);
    expect(back).toMatchObject({ code: 'ENOENT', errno: -2, syscall: 'open', path: '/nope', name: 'Error' });
  });

  it('a numeric code travels as its decimal string', () => {
    expect(revive(Object.assign(new Error('not found'), { code: 404 })).code).toBe('404');
  });

  it('data fields may hold any codec value, and errors nest', () => {
    const inner = Object.assign(new RangeError('inner'), { code: 'E_IN', at: new Date(5) });
    const e = Object.assign(new Error('outer'), { code: 'E_OUT', detail: { n: 1n, bytes: new Uint8Array([1]), missing: undefined }, inner });
    const back = revive(e);
    expect(back.detail).toStrictEqual({ n: 1n, bytes: new Uint8Array([1]), missing: undefined });
    expect(back.inner).toBeInstanceOf(RemoteError);
    expect(back.inner).toMatchObject({ code: 'E_IN', name: 'RangeError', message: 'inner', at: new Date(5) });
  });

  it('cause travels, recursively, and need not be an error', () => {
    const root = Object.assign(new Error('disk full'), { code: 'ENOSPC' });
    const mid = new SwitchyardError('WRITE_FAILED', 'could not write the journal', { cause: root });
    const top = new Error('step 3 failed', { cause: mid });
    const back = revive(top);
    const c1 = back.cause as RemoteError;
    expect(c1).toBeInstanceOf(RemoteError);
    expect(c1).toMatchObject({ code: 'WRITE_FAILED', name: 'SwitchyardError', message: 'could not write the journal' });
    expect(c1.cause).toMatchObject({ code: 'ENOSPC', message: 'disk full' });
    expect(revive(new Error('x', { cause: { status: 503 } })).cause).toStrictEqual({ status: 503 });
    expect(Object.hasOwn(revive(new Error('no cause')), 'cause')).toBe(false);
    expect(Object.hasOwn(revive(new Error('undefined cause', { cause: undefined })), 'cause')).toBe(true);
  });

  it('AggregateError keeps its member errors', () => {
    const back = revive(new AggregateError([new Error('a'), Object.assign(new Error('b'), { code: 'B' })], 'two failed'));
    expect(back.name).toBe('AggregateError');
    const errors = back.errors as RemoteError[];
    expect(errors.map((e) => [e.message, e.code])).toEqual([['a', REMOTE_ERROR], ['b', 'B']]);
  });

  it('a field the codec cannot carry is left out and named in omitted; the error still travels', () => {
    const e = Object.assign(new Error('with junk'), { code: 'E_JUNK', ok: 1, fn: () => 0, sock: new (class Socket {})() });
    const self = Object.assign(new Error('self cause'), { code: 'E_SELF' });
    Object.defineProperty(self, 'cause', { value: self, enumerable: false });
    const back = revive(e);
    expect(back.ok).toBe(1);
    expect('fn' in back).toBe(false);
    expect(back.omitted).toEqual(['fn', 'sock']);
    expect(revive(self).omitted).toEqual(['cause']);
    // And on the wire, so another implementation sees it too.
    expect(encode(e)).toContain('"omitted":["fn","sock"]');
  });

  it('an error forwarded a second time keeps what was omitted the first time', () => {
    const once = revive(Object.assign(new Error('x'), { fn: () => 0, code: 'E' }));
    const twice = revive(once);
    expect(twice.omitted).toEqual(['fn']);
    expect(twice.code).toBe('E');
    expect(encode(once)).toBe(encode(twice));
  });

  it('omitted is not a data field: it does not show among the own enumerable keys', () => {
    const back = revive(Object.assign(new Error('x'), { fn: () => 0, a: 1 }));
    expect(Object.keys(back).sort()).toEqual(['a', 'code', 'name']);
  });

  it('a data field named omitted shadows the list and still travels as data', () => {
    const back = revive(Object.assign(new Error('x'), { omitted: 5, fn: () => 0 }));
    expect(back.omitted).toBe(5);
    const again = revive(back);
    expect(again.omitted).toBe(5);
  });

  it('a CodecError itself crosses the wire with its path', () => {
    let caught: unknown;
    try {
      encode({ f: () => 0 });
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(CodecError);
    const back = revive(caught);
    expect(back).toMatchObject({ code: 'CODEC_UNSUPPORTED', name: 'CodecError', path: '$.f', kind: 'function' });
  });

  it('data fields named like the reserved ones never overwrite name, message or code', () => {
    const back = decode(
      JSON.stringify({ $sy: 'err', v: { name: 'E', message: 'm', code: 'C', data: { name: 'X', message: 'Y', code: 'Z', stack: 'S', extra: 1 } } }),
    ) as RemoteError;
    expect(back).toMatchObject({ name: 'E', message: 'm', code: 'C', extra: 1 });
    expect(back.stack).not.toBe('S');
  });

  it('RemoteError can be built directly (e.g. by a relay that reads another format)', () => {
    const e = new RemoteError({ name: 'Timeout', message: 'took too long', code: 'TIMEOUT', data: { ms: 50 } });
    expect(e).toMatchObject({ name: 'Timeout', code: 'TIMEOUT', ms: 50 });
    expect(revive(e)).toMatchObject({ name: 'Timeout', code: 'TIMEOUT', ms: 50 });
  });
});
