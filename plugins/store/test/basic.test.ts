import { describe, expect, it } from 'vitest';
import { del, entry, get, has, set } from '../src/index.js';
import { BACKENDS, failure, setup } from './helpers.js';

describe.each(BACKENDS)('get, set, del, has, entry (%s)', (backend) => {
  it('stores, reads and deletes values, versions increasing with each write', async () => {
    await using t = await setup(backend);
    const out = await t.rt.run(function* () {
      const v1 = yield* set('s', 'user:1', { name: 'Ada', tags: ['admin'], age: 36, active: true, boss: null });
      const v2 = yield* set('s', 'user:2', 'plain string');
      const v3 = yield* set('s', 'user:1', { name: 'Ada', tags: [] });
      const one = yield* get('s', 'user:1');
      const e = yield* entry('s', 'user:1');
      const hasBefore = yield* has('s', 'user:2');
      const deleted = [yield* del('s', 'user:2'), yield* del('s', 'user:2')];
      return { v1, v2, v3, one, e, hasBefore, deleted, after: yield* get('s', 'user:2'), hasAfter: yield* has('s', 'user:2'), missing: yield* entry('s', 'nope') };
    });
    expect([out.v1, out.v2, out.v3]).toEqual([1, 2, 3]);
    expect(out.one).toEqual({ name: 'Ada', tags: [] });
    expect(out.e).toEqual({ key: 'user:1', value: { name: 'Ada', tags: [] }, version: 3, expiresAt: null });
    expect(out.hasBefore).toBe(true);
    expect(out.deleted).toEqual([true, false]);
    expect(out.after).toBeUndefined();
    expect(out.hasAfter).toBe(false);
    expect(out.missing).toBeUndefined();
  });

  it('hands out copies: changing a value after set or after get does not change the store', async () => {
    await using t = await setup(backend);
    const out = await t.rt.run(function* () {
      const value = { list: [1, 2] };
      yield* set('s', 'k', value);
      value.list.push(3);
      const first = yield* get<{ list: number[] }>('s', 'k');
      first!.list.push(4);
      return yield* get('s', 'k');
    });
    expect(out).toEqual({ list: [1, 2] });
  });

  it.each<[string, unknown]>([
    ['an empty string', ''],
    ['a number', 42],
    ['a string over 1024 characters', 'k'.repeat(1025)],
    ['a lone surrogate', 'bad\uD800key'],
  ])('refuses %s as a key with STORE_BAD_KEY', async (_what, key) => {
    await using t = await setup(backend);
    const error = await failure(t.rt.run(function* () {
      yield* set('s', key as string, 1);
    }));
    expect(error).toMatchObject({ code: 'STORE_BAD_KEY', store: 's' });
    expect(String(error.message)).toMatch(/^store "s": /);
  });

  it('accepts any well-formed key up to 1024 characters, including astral characters', async () => {
    await using t = await setup(backend);
    const keys = ['k'.repeat(1024), '🚀/launch', 'with space', 'ünïcödé', '\u0000nul'];
    const out = await t.rt.run(function* () {
      for (const [i, k] of keys.entries()) yield* set('s', k, i);
      const back: unknown[] = [];
      for (const k of keys) back.push(yield* get('s', k));
      return back;
    });
    expect(out).toEqual([0, 1, 2, 3, 4]);
  });
});
