import { describe, expect, it } from 'vitest';
import { list, set, type ListPage } from '../src/index.js';
import { BACKENDS, failure, setup } from './helpers.js';

describe.each(BACKENDS)('list (%s)', (backend) => {
  async function seeded(keys: string[]) {
    const t = await setup(backend);
    await t.rt.run(function* () {
      for (const k of keys) yield* set('s', k, k.length);
    });
    return t;
  }

  it('returns entries with values and versions, in key order, filtered by prefix', async () => {
    await using t = await seeded(['user:2', 'order:1', 'user:10', 'user:1', 'users', 'use']);
    const page = await t.rt.run(function* () {
      return yield* list('s', { prefix: 'user:' });
    });
    expect(page.entries.map((e) => e.key)).toEqual(['user:1', 'user:10', 'user:2']);
    expect(page.entries[0]).toEqual({ key: 'user:1', value: 6, version: 4, expiresAt: null });
    expect(page.cursor).toBeUndefined();
  });

  it('pages with a cursor until the last page, which has none', async () => {
    const keys = Array.from({ length: 25 }, (_, i) => `item:${String(i).padStart(3, '0')}`);
    await using t = await seeded([...keys, 'other']);
    const seen: string[] = [];
    const pages = await t.rt.run(function* () {
      let cursor: string | undefined;
      let n = 0;
      do {
        const page: ListPage = yield* list('s', { prefix: 'item:', limit: 10, cursor });
        seen.push(...page.entries.map((e) => e.key));
        cursor = page.cursor;
        n++;
      } while (cursor !== undefined);
      return n;
    });
    expect(pages).toBe(3);
    expect(seen).toEqual(keys);
  });

  it('gives 100 entries by default and up to 1000 on request', async () => {
    await using t = await seeded(Array.from({ length: 1001 }, (_, i) => `k${String(i).padStart(4, '0')}`));
    const [dflt, max] = await t.rt.run(function* () {
      return [yield* list('s'), yield* list('s', { limit: 1000 })];
    });
    expect(dflt.entries).toHaveLength(100);
    expect(dflt.cursor).toBe('k0099');
    expect(max.entries).toHaveLength(1000);
    expect(max.cursor).toBe('k0999');
  });

  it('orders by Unicode code point, the same in both backends', async () => {
    const keys = ['b', 'a', '\uFF01wide', '😀emoji', 'é', 'Z', 'a😀', 'a\uFFFF'];
    await using t = await seeded(keys);
    const page = await t.rt.run(function* () {
      return yield* list('s');
    });
    expect(page.entries.map((e) => e.key)).toEqual(['Z', 'a', 'a\uFFFF', 'a😀', 'b', 'é', '\uFF01wide', '😀emoji']);
  });

  it('matches prefixes ending in the highest characters', async () => {
    await using t = await seeded(['x\uFFFF1', 'x\uFFFF2', 'x😀', 'y']);
    const page = await t.rt.run(function* () {
      return yield* list('s', { prefix: 'x\uFFFF' });
    });
    expect(page.entries.map((e) => e.key)).toEqual(['x\uFFFF1', 'x\uFFFF2']);
  });

  it.each<[string, object, RegExp]>([
    ['a limit of 0', { limit: 0 }, /limit must be an integer from 1 to 1000, got 0/],
    ['a limit over 1000', { limit: 1001 }, /limit must be an integer from 1 to 1000, got 1001/],
    ['a numeric prefix', { prefix: 5 }, /prefix must be a string/],
    ['a numeric cursor', { cursor: 5 }, /cursor must be the string a previous page returned/],
  ])('refuses %s with STORE_BAD_ARGUMENT', async (_what, options, message) => {
    await using t = await setup(backend);
    const error = await failure(t.rt.run(function* () {
      yield* list('s', options);
    }));
    expect(error).toMatchObject({ code: 'STORE_BAD_ARGUMENT', store: 's' });
    expect(String(error.message)).toMatch(message);
  });
});
