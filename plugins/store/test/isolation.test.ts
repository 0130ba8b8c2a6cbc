import { describe, expect, it } from 'vitest';
import { createTestRuntime } from '@switchyard/testing';
import { get, list, set, storePlugin, type StoreStats } from '../src/index.js';

describe('one plugin value installed in two runtimes', () => {
  it('each runtime has its own stores and counters; stopping one leaves the other working', async () => {
    const store = storePlugin({ stores: { cache: { backend: 'memory' } } });
    const a = await createTestRuntime({ plugins: [store] });
    await using b = await createTestRuntime({ plugins: [store] });
    const stats = (t: typeof a) => t.rt.stats().plugins.store as StoreStats;
    await a.rt.run(function* () {
      yield* set('cache', 'who', 'a');
      yield* set('cache', 'only-a', 1, { ttlMs: 60_000 });
    });
    await b.rt.run(function* () {
      yield* set('cache', 'who', 'b');
    });
    expect(stats(a)).toMatchObject({ keys: 2, sweepTimers: 1, 'keys.cache': 2 });
    expect(stats(b)).toMatchObject({ keys: 1, sweepTimers: 0, 'keys.cache': 1 });
    await a.rt.stop();
    expect(stats(a)).toMatchObject({ keys: 0, sweepTimers: 0 });
    const seen = await b.rt.run(function* () {
      return { who: yield* get('cache', 'who'), other: yield* get('cache', 'only-a'), keys: (yield* list('cache')).entries.map((e) => e.key) };
    });
    expect(seen).toEqual({ who: 'b', other: undefined, keys: ['who'] });
  });

  it('holds no per-process resources: every command completes at once and leaves nothing behind', async () => {
    await using t = await createTestRuntime({ plugins: [storePlugin({ stores: { s: { backend: 'memory' } } })] });
    await t.rt.run(function* () {
      yield* set('s', 'k', { n: 1 });
      yield* list('s');
      expect(t.rt.stats().resources.live).toBe(0);
    });
  });
});
