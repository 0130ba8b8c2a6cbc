import { describe, expect, it } from 'vitest';
import { CodecError, MAX_BIGINT_DIGITS, canEncode, encode, encodeValue, decode } from '../src/index.js';

function failure(value: unknown): CodecError {
  try {
    encode(value);
  } catch (e) {
    if (e instanceof CodecError) return e;
    throw e;
  }
  throw new Error('encode did not fail');
}

class Point {
  constructor(readonly x: number) {}
}
class MyArray extends Array<number> {}

describe('a value the codec cannot carry fails with CODEC_UNSUPPORTED naming its path', () => {
  it.each([
    ['a function', { items: [0, 1, 2, { fn: function handler() {} }] }, '$.items[3].fn', 'function', 'a function (handler)'],
    ['an arrow function', [() => 1], '$[0]', 'function', 'a function'],
    ['a generator function', { g: function* worker() {} }, '$.g', 'function', 'a generator function (worker)'],
    ['a symbol', { s: Symbol('tag') }, '$.s', 'symbol', 'a symbol (Symbol(tag))'],
    ['a class instance', { at: { p: new Point(1) } }, '$.at.p', 'instance', 'a Point'],
    ['a subclass of Array', { a: MyArray.from([1]) }, '$.a', 'instance', 'a MyArray (a subclass of Array)'],
    ['a Promise', { pending: Promise.resolve(1) }, '$.pending', 'instance', 'a Promise'],
    ['a WeakMap', [new WeakMap()], '$[0]', 'instance', 'a WeakMap'],
    ['a WeakSet', { w: new WeakSet() }, '$.w', 'instance', 'a WeakSet'],
    ['a RegExp', { re: /x/ }, '$.re', 'instance', 'a RegExp'],
    ['a DataView', { buf: new DataView(new ArrayBuffer(4)) }, '$.buf', 'instance', 'a DataView'],
    ['a typed array other than Uint8Array', { f: new Float64Array(2) }, '$.f', 'instance', 'a Float64Array'],
    ['a boxed string', { s: new String('x') }, '$.s', 'instance', 'a String'],
    ['an odd key', { 'a b': { 'c-d': () => 0 } }, '$["a b"]["c-d"]', 'function', 'a function (c-d)'],
    ['a Map key', { m: new Map([[Symbol.iterator, 1]]) }, '$.m.keys()[0]', 'symbol', 'a symbol (Symbol(Symbol.iterator))'],
    ['a Map value', { m: new Map<string, unknown>([['ok', 1], ['bad', () => 0]]) }, '$.m.values()[1]', 'function', 'a function'],
    ['a Set member', new Set<unknown>([1, new Point(2)]), '$.values()[1]', 'instance', 'a Point'],
    ['the root', () => 0, '$', 'function', 'a function'],
  ])('%s', (_name, value, path, kind, reason) => {
    const e = failure(value);
    expect(e.code).toBe('CODEC_UNSUPPORTED');
    expect(e.path).toBe(path);
    expect(e.kind).toBe(kind);
    expect(e.reason).toBe(reason);
    expect(e.message).toContain(`cannot encode ${reason} at ${path}`);
    expect(canEncode(value)).toEqual({ ok: false, code: 'CODEC_UNSUPPORTED', kind, path, reason });
    expect(() => encodeValue(value)).toThrow(CodecError);
  });

  it('canEncode says ok for what encodes', () => {
    expect(canEncode({ a: [1n, new Date(0), new Map([[1, new Set([undefined])]])] })).toEqual({ ok: true });
  });

  it('a getter that throws is not a codec failure: its error comes through as is', () => {
    const o = {
      get boom(): never {
        throw new TypeError('getter failed');
      },
    };
    expect(() => encode(o)).toThrow(TypeError);
    expect(() => canEncode(o)).toThrow('getter failed');
  });
});

describe('bigints are bounded', () => {
  it(`a bigint of up to MAX_BIGINT_DIGITS digits travels; a longer one fails with kind "size"`, () => {
    expect(MAX_BIGINT_DIGITS).toBe(10_000);
    const biggest = 10n ** 10_000n - 1n;
    expect(decode(encode([biggest, -biggest]))).toStrictEqual([biggest, -biggest]);
    const e = failure({ n: biggest + 1n });
    expect(e).toMatchObject({ code: 'CODEC_UNSUPPORTED', kind: 'size', path: '$.n', reason: 'a bigint of more than 10000 digits' });
    expect(failure({ n: -biggest - 1n }).kind).toBe('size');
  });

  it('decode refuses more digits before parsing them', () => {
    expect(() => decode(`{"$sy":"big","v":"1${'0'.repeat(10_000)}"}`)).toThrow(expect.objectContaining({ code: 'CODEC_MALFORMED', path: '$.v' }));
    expect(decode(`{"$sy":"big","v":"-${'9'.repeat(10_000)}"}`)).toBe(-(10n ** 10_000n - 1n));
  });
});

describe('cycles', () => {
  it('a direct self-reference names where it closes and where it goes back to', () => {
    const o: Record<string, unknown> = { a: 1 };
    o.self = o;
    const e = failure(o);
    expect(e.code).toBe('CODEC_UNSUPPORTED');
    expect(e.kind).toBe('cycle');
    expect(e.path).toBe('$.self');
    expect(e.reason).toBe('a cycle back to $');
  });

  it('a cycle deep inside arrays, Maps and Sets', () => {
    const inner: unknown[] = [];
    const root = { list: [{ m: new Map([['k', new Set([inner])]]) }] };
    inner.push(root.list[0]);
    const e = failure(root);
    expect(e.kind).toBe('cycle');
    expect(e.path).toBe('$.list[0].m.values()[0].values()[0][0]');
    expect(e.reason).toBe('a cycle back to $.list[0]');
  });

  it('the same object twice side by side is not a cycle', () => {
    const leaf = [1];
    expect(decode(encode([leaf, leaf, { leaf }]))).toStrictEqual([[1], [1], { leaf: [1] }]);
  });
});

describe('the depth guard', () => {
  const nest = (n: number): unknown => {
    let v: unknown = 'leaf';
    for (let i = 0; i < n; i++) v = i % 3 === 0 ? [v] : i % 3 === 1 ? { k: v } : new Map([[1, v]]);
    return v;
  };

  it('256 levels of containers round-trip by default; 257 fail with CODEC_TOO_DEEP', () => {
    expect(decode(encode(nest(256)))).toStrictEqual(nest(256));
    const e = failure(nest(257));
    expect(e.code).toBe('CODEC_TOO_DEEP');
    expect(e.kind).toBe('depth');
    expect(e.message).toMatch(/nested deeper than maxDepth \(256\)/);
    expect(e.path.startsWith('$.k')).toBe(true);
    // The message cuts a very long path; the field keeps it whole.
    expect(e.message.length).toBeLessThan(300);
  });

  it('maxDepth is an option of every call, and whatever encodes under it decodes under it', () => {
    const v = nest(10);
    expect(() => encode(v, { maxDepth: 9 })).toThrow(expect.objectContaining({ code: 'CODEC_TOO_DEEP' }));
    const text = encode(v, { maxDepth: 10 });
    expect(decode(text, { maxDepth: 10 })).toStrictEqual(v);
    expect(() => decode(text, { maxDepth: 9 })).toThrow(expect.objectContaining({ code: 'CODEC_TOO_DEEP' }));
    expect(canEncode(v, { maxDepth: 9 })).toMatchObject({ ok: false, code: 'CODEC_TOO_DEEP' });
  });

  it('a bad option is refused with BAD_OPTION naming it', () => {
    expect(() => encode(1, { maxDepth: 0 })).toThrow(/encode\(\): "maxDepth" must be an integer in 1\.\.2048/);
    expect(() => decode('1', { maxDepth: 1e9 })).toThrow(expect.objectContaining({ code: 'BAD_OPTION', option: 'maxDepth' }));
    expect(() => encode(1, { maxDeph: 3 } as never)).toThrow(/did you mean "maxDepth"/);
  });
});
