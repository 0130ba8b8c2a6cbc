import { describe, expect, it } from 'vitest';
import { decode, decodeValue, encode, encodeValue, type JsonValue } from '../src/index.js';

const roundTrip = (v: unknown): unknown => decode(encode(v));

describe('round trip of every supported type', () => {
  it.each([
    ['null', null],
    ['true', true],
    ['false', false],
    ['an integer', 42],
    ['a fraction', -1.5],
    ['the largest double', Number.MAX_VALUE],
    ['the smallest denormal', Number.MIN_VALUE],
    ['an empty string', ''],
    ['unicode, escapes and a lone surrogate', 'é 日本 \u0000 \n "q" \\ \ud800'],
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['-Infinity', Number.NEGATIVE_INFINITY],
    ['-0', -0],
    ['undefined', undefined],
    ['a bigint', 123456789012345678901234567890n],
    ['a negative bigint', -(2n ** 100n)],
    ['0n', 0n],
    ['a Date', new Date('2024-02-29T12:34:56.789Z')],
    ['a Date before 1970', new Date(-1e12)],
    ['a Date past year 9999', new Date(8.64e15)],
    ['an invalid Date', new Date(Number.NaN)],
    ['bytes', new Uint8Array([0, 1, 2, 250, 255])],
    ['no bytes', new Uint8Array(0)],
    ['a Map', new Map<unknown, unknown>([[1, 'one'], ['k', { deep: [1n] }], [{ obj: 'key' }, undefined]])],
    ['a Set', new Set<unknown>([1, 'a', 2n, null, undefined])],
    ['an empty array', []],
    ['an empty object', {}],
  ])('%s', (_name, value) => {
    expect(roundTrip(value)).toStrictEqual(value);
  });

  it('nested: every type inside objects, arrays, Maps and Sets', () => {
    const value = {
      n: [1, -0, Number.NaN, Number.POSITIVE_INFINITY, undefined, null, 'x'],
      big: { a: 1n, b: [2n, [3n]] },
      when: [new Date(0), { at: new Date(1700000000000) }],
      bytes: { file: new Uint8Array([9, 8, 7]), parts: [new Uint8Array([1]), new Uint8Array(300).fill(7)] },
      map: new Map<unknown, unknown>([['set', new Set([new Date(5), new Map([[1n, [undefined]]])])]]),
      absent: undefined,
      deep: { a: { b: { c: { d: [[[{ e: -0 }]]] } } } },
    };
    expect(roundTrip(value)).toStrictEqual(value);
  });

  it('a key whose value is undefined stays present, unlike JSON', () => {
    const back = roundTrip({ a: undefined }) as Record<string, unknown>;
    expect(Object.keys(back)).toEqual(['a']);
    expect(JSON.parse(JSON.stringify({ a: undefined }))).toEqual({});
  });

  it('Buffer travels as bytes and comes back as a Uint8Array that owns its memory', () => {
    const buf = Buffer.from('hello, world');
    const back = roundTrip({ buf }) as { buf: Uint8Array };
    expect(back.buf).toBeInstanceOf(Uint8Array);
    expect(Buffer.isBuffer(back.buf)).toBe(false);
    expect(Buffer.from(back.buf).toString()).toBe('hello, world');
    // A view into Node's shared Buffer pool would expose its other bytes through `.buffer`.
    expect(back.buf.byteOffset).toBe(0);
    expect(back.buf.buffer.byteLength).toBe(12);
  });

  it('a Uint8Array view carries only its own window of the underlying memory', () => {
    const whole = new Uint8Array([1, 2, 3, 4, 5, 6]);
    const view = whole.subarray(2, 4);
    expect(encode(view)).toBe('{"$sy":"bin","v":"AwQ="}');
    expect(roundTrip(view)).toStrictEqual(new Uint8Array([3, 4]));
  });

  it('a hole in an array comes back as undefined', () => {
    // eslint-disable-next-line no-sparse-arrays
    const back = roundTrip([1, , 3]) as unknown[];
    expect(back).toHaveLength(3);
    expect(1 in back).toBe(true);
    expect(back[1]).toBeUndefined();
  });

  it('a shared (non-cyclic) reference is carried twice and comes back as two copies', () => {
    const shared = { x: 1 };
    const back = roundTrip({ a: shared, b: shared }) as { a: object; b: object };
    expect(back.a).toEqual(shared);
    expect(back.a).not.toBe(back.b);
  });

  it('a null-prototype object travels as a plain object', () => {
    const o = Object.assign(Object.create(null) as Record<string, unknown>, { a: 1 });
    expect(roundTrip(o)).toStrictEqual({ a: 1 });
  });

  it('only own enumerable string keys travel, as with JSON', () => {
    const o: Record<string | symbol, unknown> = { a: 1, [Symbol('s')]: 2 };
    Object.defineProperty(o, 'hidden', { value: 3, enumerable: false });
    expect(roundTrip(o)).toStrictEqual({ a: 1 });
  });

  it('keeps key order, including integer-like keys', () => {
    const back = roundTrip({ b: 1, 2: 'two', a: undefined, 1: 'one' }) as object;
    expect(Object.keys(back)).toEqual(['1', '2', 'b', 'a']);
  });
});

describe('wire format', () => {
  it('plain JSON is written exactly as JSON.stringify writes it', () => {
    const v = { id: 7, name: 'x', tags: ['a', 'b'], nested: { ok: true, none: null } };
    expect(encode(v)).toBe(JSON.stringify(v));
    expect(encodeValue(v)).toStrictEqual(v);
  });

  it('every tag, as documented in the README', () => {
    expect(encode(undefined)).toBe('{"$sy":"u"}');
    expect(encode([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0])).toBe(
      '[{"$sy":"num","v":"NaN"},{"$sy":"num","v":"Infinity"},{"$sy":"num","v":"-Infinity"},{"$sy":"num","v":"-0"}]',
    );
    expect(encode(-12n)).toBe('{"$sy":"big","v":"-12"}');
    expect(encode(new Uint8Array([104, 105]))).toBe('{"$sy":"bin","v":"aGk="}');
    expect(encode(new Date(0))).toBe('{"$sy":"date","v":"1970-01-01T00:00:00.000Z"}');
    expect(encode(new Date(Number.NaN))).toBe('{"$sy":"date","v":null}');
    expect(encode(new Map([['a', 1]]))).toBe('{"$sy":"map","v":[["a",1]]}');
    expect(encode(new Set([1, 2]))).toBe('{"$sy":"set","v":[1,2]}');
    expect(encode({ $sy: 1, v: 2 })).toBe('{"$sy":"obj","v":{"$sy":1,"v":2}}');
    const err = Object.assign(new RangeError('too big'), { code: 'E_BIG', limit: 10 });
    expect(encode(err)).toBe('{"$sy":"err","v":{"name":"RangeError","message":"too big","code":"E_BIG","data":{"limit":10}}}');
    expect(encode(new Error('plain'))).toBe('{"$sy":"err","v":{"name":"Error","message":"plain","code":null,"data":{}}}');
  });

  it("the README's examples", () => {
    expect(encode({ id: 7n, at: new Date(0), seen: new Set(['a']), note: undefined })).toBe(
      '{"id":{"$sy":"big","v":"7"},"at":{"$sy":"date","v":"1970-01-01T00:00:00.000Z"},"seen":{"$sy":"set","v":["a"]},"note":{"$sy":"u"}}',
    );
    expect(encode(new Map<unknown, unknown>([['a', 1], [2n, undefined]]))).toBe('{"$sy":"map","v":[["a",1],[{"$sy":"big","v":"2"},{"$sy":"u"}]]}');
    expect(encode({ $sy: 'looks like a tag', n: 1n })).toBe('{"$sy":"obj","v":{"$sy":"looks like a tag","n":{"$sy":"big","v":"1"}}}');
    expect(encode(new Date(8.64e15))).toBe('{"$sy":"date","v":"+275760-09-13T00:00:00.000Z"}');
  });

  it('encode is JSON.stringify of encodeValue, for tagged values too', () => {
    const v = { a: [1n, new Date(3)], b: { c: undefined } };
    expect(encode(v)).toBe(JSON.stringify(encodeValue(v)));
  });
});

describe('encodeValue / decodeValue on JSON trees', () => {
  it('round-trip through a JSON tree (as a journal column would hold it)', () => {
    const v = { at: new Date(1), n: 5n, list: [undefined, new Set(['x'])] };
    const tree = encodeValue(v);
    expect(decodeValue(JSON.parse(JSON.stringify(tree)) as JsonValue)).toStrictEqual(v);
    expect(decodeValue(tree)).toStrictEqual(v);
  });

  it('encodeValue never shares objects with its input', () => {
    const inner = { a: 1 };
    const v = { inner, list: [inner] };
    const tree = encodeValue(v) as { inner: object; list: object[] };
    expect(tree).toStrictEqual(v);
    expect(tree.inner).not.toBe(inner);
    expect(tree.list).not.toBe(v.list);
  });

  it('decodeValue leaves its input unchanged', () => {
    const tree: JsonValue = { keep: { a: [1, 2] }, big: { $sy: 'big', v: '5' }, list: [{ $sy: 'u' }, 1] };
    const before = structuredClone(tree);
    const back = decodeValue(tree) as Record<string, unknown>;
    expect(tree).toStrictEqual(before);
    expect(back).toStrictEqual({ keep: { a: [1, 2] }, big: 5n, list: [undefined, 1] });
  });
});
