import { describe, expect, it } from 'vitest';
import { Boot, BootError, defineComponent, ShutdownError, type Component } from '@switchyard/boot';

describe('shutdown', () => {
  it('stops in reverse load order', async () => {
    const log: string[] = [];
    const c = (name: string, ...dependsOn: string[]): Component => defineComponent({ name, dependsOn, stop: () => void log.push(name) });
    const boot = new Boot([c('web', 'api'), c('worker', 'db'), c('api', 'db', 'cache'), c('db'), c('cache')]);
    await boot.boot();
    const loadOrder = boot.order.map((x) => x.name);
    await boot.shutdown();
    expect(log).toEqual([...loadOrder].reverse());
    expect(log).toEqual(['web', 'worker', 'api', 'db', 'cache']);
  });

  it('keeps going past errors and reports every failing component', async () => {
    const log: string[] = [];
    const boot = new Boot([
      defineComponent({ name: 'a', stop: () => void log.push('a') }),
      defineComponent({
        name: 'b',
        dependsOn: ['a'],
        stop: () => {
          log.push('b');
          throw new Error('b: disk gone');
        },
      }),
      defineComponent({ name: 'c', dependsOn: ['b'], stop: () => void log.push('c') }),
      defineComponent({
        name: 'd',
        dependsOn: ['c'],
        stop: async () => {
          log.push('d');
          throw new Error('d: socket stuck');
        },
      }),
    ]);
    await boot.boot();
    const err = await boot.shutdown().catch((e: unknown) => e);
    expect(log).toEqual(['d', 'c', 'b', 'a']);
    expect(err).toBeInstanceOf(ShutdownError);
    expect(err).toBeInstanceOf(BootError);
    const e = err as ShutdownError;
    expect(e.code).toBe('SHUTDOWN_FAILED');
    expect(e.errors.map((x) => x.component)).toEqual(['d', 'b']);
    expect(e.errors.map((x) => (x.error as Error).message)).toEqual(['d: socket stuck', 'b: disk gone']);
    expect(e.message).toContain('2 error(s)');
    expect(e.message).toContain('"d": d: socket stuck');
    expect(e.message).toContain('"b": b: disk gone');
  });

  it('a stop that never resolves is reported as a timeout and the others still stop', async () => {
    const log: string[] = [];
    const boot = new Boot(
      [
        defineComponent({ name: 'a', stop: () => void log.push('a') }),
        defineComponent({ name: 'hang', dependsOn: ['a'], stop: () => new Promise<void>(() => log.push('hang')) }),
        defineComponent({ name: 'z', dependsOn: ['hang'], stop: () => void log.push('z') }),
      ],
      { stopTimeoutMs: 20 },
    );
    await boot.boot();
    const err = await boot.shutdown().catch((e: unknown) => e);
    expect(log).toEqual(['z', 'hang', 'a']);
    expect(err).toBeInstanceOf(ShutdownError);
    const [only, ...rest] = (err as ShutdownError).errors;
    expect(rest).toEqual([]);
    expect(only?.component).toBe('hang');
    expect(only?.error).toBeInstanceOf(BootError);
    expect((only?.error as BootError).code).toBe('STOP_TIMEOUT');
    expect((only?.error as Error).message).toBe('component "hang" did not stop within 20 ms');
  });

  it('a stop that throws synchronously is caught like an async one', async () => {
    const boot = new Boot([
      defineComponent({
        name: 'sync',
        stop: () => {
          throw new Error('sync failure');
        },
      }),
    ]);
    await boot.boot();
    const err = (await boot.shutdown().catch((e: unknown) => e)) as ShutdownError;
    expect(err.errors.map((x) => x.component)).toEqual(['sync']);
  });

  it('a second shutdown does nothing; stop hooks run once', async () => {
    let stops = 0;
    const boot = new Boot([defineComponent({ name: 'a', stop: () => void stops++ })]);
    await boot.boot();
    await boot.shutdown();
    await boot.shutdown();
    expect(stops).toBe(1);
  });

  it('shutdown while a shutdown is in progress is refused with BAD_PHASE', async () => {
    let release!: () => void;
    const boot = new Boot([defineComponent({ name: 'slow', stop: () => new Promise<void>((r) => (release = r)) })]);
    await boot.boot();
    const first = boot.shutdown();
    const second = await boot.shutdown().catch((e: unknown) => e);
    expect(second).toBeInstanceOf(BootError);
    expect((second as BootError).code).toBe('BAD_PHASE');
    release();
    await expect(first).resolves.toBeUndefined();
  });

  it('shutdown before boot does nothing', async () => {
    let stops = 0;
    const boot = new Boot([defineComponent({ name: 'a', stop: () => void stops++ })]);
    await boot.shutdown();
    expect(stops).toBe(0);
  });
});
