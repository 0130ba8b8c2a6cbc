import { describe, expect, it } from 'vitest';
import { createTestRuntime } from '@switchyard/testing';
import { del, entry, get, list, set, storePlugin, type StoreOptions } from '../src/index.js';
import { tempDir } from './helpers.js';

/** One runtime on `stores`, running `body` in a process, then stopped. */
async function session<T>(stores: Record<string, StoreOptions>, body: (t: Awaited<ReturnType<typeof createTestRuntime>>) => Promise<T>): Promise<T> {
  const t = await createTestRuntime({ plugins: [storePlugin({ stores })] });
  try {
    return await body(t);
  } finally {
    await t.stop();
  }
}

describe('sqlite store across restarts', () => {
  it('keeps values, versions and expiry times in the file', async () => {
    using tmp = tempDir();
    const stores = { main: { backend: 'sqlite', file: tmp.file('app.db') } } as const;
    const first = await session(stores, (t) =>
      t.rt.run(function* () {
        yield* set('main', 'config', { theme: 'dark' });
        yield* set('main', 'gone', 1);
        yield* del('main', 'gone');
        yield* set('main', 'token', 'abc', { ttlMs: 60_000 });
        yield* set('main', 'newest', 'deleted before the restart');
        yield* del('main', 'newest');
        return { config: yield* entry('main', 'config'), token: yield* entry('main', 'token') };
      }),
    );
    const second = await session(stores, async (t) => {
      const before = await t.rt.run(function* () {
        return { config: yield* entry('main', 'config'), token: yield* entry('main', 'token'), next: yield* set('main', 'new', true) };
      });
      await t.advance(60_000);
      const after = await t.rt.run(function* () {
        return { token: yield* get('main', 'token'), keys: (yield* list('main')).entries.map((e) => e.key) };
      });
      return { before, after };
    });
    expect(second.before.config).toEqual(first.config);
    expect(second.before.token).toEqual(first.token);
    // Versions 1–4 were handed out; 4 belonged to a key deleted before the restart, and is not reused.
    expect(second.before.next).toBe(5);
    expect(second.after).toEqual({ token: undefined, keys: ['config', 'new'] });
  });

  it('keeps stores apart that share a file in different tables, and memory stores start empty', async () => {
    using tmp = tempDir();
    const file = tmp.file('shared.db');
    const stores = {
      a: { backend: 'sqlite', file },
      b: { backend: 'sqlite', file, table: 'other_kv' },
      m: { backend: 'memory' },
    } as const;
    await session(stores, (t) =>
      t.rt.run(function* () {
        yield* set('a', 'k', 'in a');
        yield* set('b', 'k', 'in b');
        yield* set('m', 'k', 'in memory');
      }),
    );
    const values = await session(stores, (t) =>
      t.rt.run(function* () {
        return [yield* get('a', 'k'), yield* get('b', 'k'), yield* get('m', 'k')];
      }),
    );
    expect(values).toEqual(['in a', 'in b', undefined]);
  });
});
