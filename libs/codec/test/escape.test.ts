import { describe, expect, it } from 'vitest';
import { decode, encode, encodeValue, TAG } from '../src/index.js';

const roundTrip = (v: unknown): unknown => decode(encode(v));

describe('user objects that use the tag key', () => {
  it('the tag key is "$sy"', () => {
    expect(TAG).toBe('$sy');
  });

  it.each([
    ['looks like the undefined tag', { $sy: 'u' }],
    ['looks like a bigint tag', { $sy: 'big', v: '1' }],
    ['looks like an escaped object', { $sy: 'obj', v: { a: 1 } }],
    ['looks like an error tag', { $sy: 'err', v: { name: 'E', message: 'm', code: null, data: {} } }],
    ['holds an unknown tag name', { $sy: 'nope' }],
    ['holds a non-string under the key', { $sy: 1 }],
    ['holds null under the key', { $sy: null, other: [1] }],
    ['holds a nested tag look-alike', { $sy: { $sy: 'u' } }],
    ['has only a "v"', { v: { $sy: 'u' } }],
  ])('an object that %s comes back as written', (_name, value) => {
    expect(roundTrip(value)).toStrictEqual(value);
    expect(roundTrip([value, { wrap: value }])).toStrictEqual([value, { wrap: value }]);
  });

  it('is written inside an "obj" tag, whose keys are literal and values encoded', () => {
    expect(encodeValue({ $sy: 'u', n: 1n })).toStrictEqual({ $sy: 'obj', v: { $sy: 'u', n: { $sy: 'big', v: '1' } } });
  });

  it('a Map or Set holding tag look-alikes round-trips', () => {
    const m = new Map<unknown, unknown>([[{ $sy: 'u' }, { $sy: 'map', v: [] }]]);
    expect(roundTrip(m)).toStrictEqual(m);
    const s = new Set([{ $sy: 'set', v: [1] }]);
    expect(roundTrip(s)).toStrictEqual(s);
  });

  it('a string equal to a tag is just a string', () => {
    expect(roundTrip(['$sy', 'u', '{"$sy":"u"}'])).toStrictEqual(['$sy', 'u', '{"$sy":"u"}']);
  });

  it('an own "__proto__" key stays data and never becomes a prototype', () => {
    const o = JSON.parse('{"__proto__": {"polluted": true}, "a": 1}') as Record<string, unknown>;
    expect(Object.keys(o)).toEqual(['__proto__', 'a']);
    const back = roundTrip({ o, withTag: { ...o, $sy: 1 }, big: { ...o, n: 1n } }) as Record<string, Record<string, unknown>>;
    for (const k of ['o', 'withTag', 'big']) {
      const x = back[k]!;
      expect(Object.getPrototypeOf(x)).toBe(Object.prototype);
      expect(Object.keys(x)).toContain('__proto__');
      expect(Object.getOwnPropertyDescriptor(x, '__proto__')?.value).toEqual({ polluted: true });
      expect(x.polluted).toBeUndefined();
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
