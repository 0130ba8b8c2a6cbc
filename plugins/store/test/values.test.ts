import { describe, expect, it } from 'vitest';
import { get, put, set } from '../src/index.js';
import { BACKENDS, failure, setup } from './helpers.js';

const cyclic: Record<string, unknown> = { name: 'loop' };
cyclic.self = cyclic;
const shared = { n: 1 };
let deep: unknown = 'bottom';
for (let i = 0; i < 600; i++) deep = [deep];

describe.each(BACKENDS)('values (%s)', (backend) => {
  it('stores JSON data exactly: nested objects, arrays, unicode, -0 as 0, null-prototype objects, shared subtrees', async () => {
    await using t = await setup(backend);
    const nullProto = Object.assign(Object.create(null) as Record<string, unknown>, { a: 1 });
    const value = {
      s: 'héllo 🚀 "quoted" \n',
      n: [0, -1.5, 1e300, Number.MAX_SAFE_INTEGER],
      b: [true, false],
      nothing: null,
      nested: { deeper: { list: [[], {}] } },
      nullProto,
      twice: [shared, shared],
      'odd key': 1,
    };
    const out = await t.rt.run(function* () {
      yield* set('s', 'v', value);
      yield* set('s', 'zero', -0);
      return { v: yield* get('s', 'v'), zero: yield* get('s', 'zero') };
    });
    expect(out.v).toEqual({ ...value, nullProto: { a: 1 }, twice: [{ n: 1 }, { n: 1 }] });
    expect(Object.is(out.zero, 0)).toBe(true);
  });

  it.each<[string, unknown, string]>([
    ['undefined', undefined, '$ is undefined'],
    ['a function', () => 1, '$ is a function'],
    ['a bigint', 10n, '$ is a bigint (10n)'],
    ['a symbol', Symbol('s'), '$ is a symbol'],
    ['NaN', Number.NaN, '$ is NaN (only finite numbers)'],
    ['Infinity deep inside', { a: { b: [1, Infinity] } }, '$.a.b[1] is Infinity (only finite numbers)'],
    ['an undefined property', { ok: 1, missing: undefined }, '$.missing is undefined'],
    ['a Date', { at: new Date(0) }, '$.at is a Date (only plain objects and arrays)'],
    ['a Map', new Map(), '$ is a Map (only plain objects and arrays)'],
    ['a Buffer', { data: Buffer.from('x') }, '$.data is a Buffer (only plain objects and arrays)'],
    ['a class instance', new (class Point { x = 1 })(), '$ is a Point (only plain objects and arrays)'],
    ['a sparse array', [1, , 3], '$[1] is a hole in a sparse array'],
    ['a cycle', cyclic, '$.self is a reference back to an enclosing object (a cycle)'],
    ['symbol keys', { [Symbol('k')]: 1 }, '$ has symbol keys'],
    ['an awkward key path', { 'a b': [undefined] }, '$["a b"][0] is undefined'],
    ['nesting deeper than 512', deep, 'is nested deeper than 512 levels'],
  ])('refuses %s, naming the key and the path, and keeps the old value', async (_what, value, where) => {
    await using t = await setup(backend);
    const error = await failure(t.rt.run(function* () {
      yield* set('s', 'doc:1', 'old');
      try {
        yield* set('s', 'doc:1', value);
      } finally {
        expect(yield* get('s', 'doc:1')).toBe('old');
      }
    }));
    expect(error).toMatchObject({ code: 'STORE_BAD_VALUE', store: 's', key: 'doc:1' });
    expect(String(error.message)).toContain('store "s": the value for key "doc:1" is not JSON data: ');
    expect(String(error.message)).toContain(where);
  });

  it('checks values given to put() too', async () => {
    await using t = await setup(backend);
    const error = await failure(t.rt.run(function* () {
      yield* put('s', 'k', { when: new Date() }, { ifAbsent: true });
    }));
    expect(error).toMatchObject({ code: 'STORE_BAD_VALUE', key: 'k' });
  });
});
