import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { del, entry, get, has, list, put, set } from '../src/index.js';
import { BACKENDS, setup, tempDir } from './helpers.js';

describe.each(BACKENDS)('expiry (%s)', (backend) => {
  it('hides a value once its TTL has passed on the runtime clock', async () => {
    await using t = await setup(backend);
    const read = () =>
      t.rt.run(function* () {
        return { value: yield* get('s', 'session'), has: yield* has('s', 'session'), keys: (yield* list('s')).entries.map((e) => e.key) };
      });
    const expiresAt = await t.rt.run(function* () {
      yield* set('s', 'session', { user: 7 }, { ttlMs: 1000 });
      yield* set('s', 'forever', 1);
      return (yield* entry('s', 'session'))!.expiresAt;
    });
    expect(expiresAt).toBeGreaterThan(Date.now() - 60_000);
    await t.advance(999);
    expect(await read()).toEqual({ value: { user: 7 }, has: true, keys: ['forever', 'session'] });
    await t.advance(1);
    expect(await read()).toEqual({ value: undefined, has: false, keys: ['forever'] });
  });

  it('drops a TTL on a plain set, and lets put() set a new one', async () => {
    await using t = await setup(backend);
    await t.rt.run(function* () {
      yield* set('s', 'a', 1, { ttlMs: 100 });
      yield* set('s', 'a', 2);
      yield* set('s', 'b', 1);
      const v = (yield* entry('s', 'b'))!.version;
      yield* put('s', 'b', 2, { version: v, ttlMs: 50 });
    });
    await t.advance(200);
    const out = await t.rt.run(function* () {
      return { a: yield* entry('s', 'a'), b: yield* get('s', 'b'), delB: yield* del('s', 'b'), putB: yield* put('s', 'b', 3, { ifAbsent: true }) };
    });
    expect(out.a).toMatchObject({ value: 2, expiresAt: null });
    expect(out.b).toBeUndefined();
    expect(out.delB).toBe(false);
    expect(out.putB).toBeGreaterThan(0);
  });

  it('sweeps expired values from the backend with one timer, armed only while something can expire', async () => {
    await using t = await setup(backend, { sweepIntervalMs: 10_000 });
    expect(t.stats()).toEqual({ stores: 1, keys: 0, sweepTimers: 0, 'keys.s': 0 });
    await t.rt.run(function* () {
      for (let i = 0; i < 5; i++) yield* set('s', `tmp:${i}`, i, { ttlMs: 1000 + i });
      yield* set('s', 'keep', true);
    });
    expect(t.stats()).toEqual({ stores: 1, keys: 6, sweepTimers: 1, 'keys.s': 6 });
    expect(t.clock.pending).toBe(1);
    await t.advance(5000);
    // Expired but not read: still held until the sweep.
    expect(t.stats()['keys.s']).toBe(6);
    await t.advance(5000);
    expect(t.stats()).toEqual({ stores: 1, keys: 1, sweepTimers: 0, 'keys.s': 1 });
    expect(t.clock.pending).toBe(0);
  });

  it('clears its timer when the runtime stops', async () => {
    const t = await setup(backend);
    await t.rt.run(function* () {
      yield* set('s', 'x', 1, { ttlMs: 60_000 });
    });
    expect(t.clock.pending).toBe(1);
    await t.stop();
    expect(t.clock.pending).toBe(0);
  });
});

describe('expiry timers', () => {
  it('do not keep the Node process alive (a program that never stops its runtime still exits)', () => {
    using tmp = tempDir();
    const program = `
      import { createRuntime } from '@switchyard/runtime';
      import { storePlugin, set } from ${JSON.stringify(fileURLToPath(new URL('../src/index.ts', import.meta.url)))};
      const rt = createRuntime({ plugins: [storePlugin({ stores: {
        m: { backend: 'memory' },
        q: { backend: 'sqlite', file: ${JSON.stringify(tmp.file('s.db'))} },
      } })] });
      await rt.start();
      await rt.run(function* () {
        yield* set('m', 'k', 1, { ttlMs: 3_600_000 });
        yield* set('q', 'k', 1, { ttlMs: 3_600_000 });
      });
      console.log('set with TTL, exiting without rt.stop()');
    `;
    const r = spawnSync(process.execPath, ['--conditions=@switchyard/source', '--import', 'tsx', '--input-type=module', '-e', program], {
      cwd: fileURLToPath(new URL('..', import.meta.url)),
      encoding: 'utf8',
      timeout: 15_000,
    });
    expect(r.error).toBeUndefined();
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('exiting without rt.stop()');
    expect(r.status).toBe(0);
  });
});
