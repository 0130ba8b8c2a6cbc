import { describe, expect, it } from 'vitest';
import { Boot, BootError, defineComponent, type Component } from '@switchyard/boot';

/** Components that record every hook call in `log`; `fail` makes the named hooks throw. */
function recorder(log: string[], fail: Record<string, 'load' | 'start' | 'stop'> = {}) {
  return (name: string, ...dependsOn: string[]): Component =>
    defineComponent({
      name,
      dependsOn,
      load: async () => {
        log.push(`load ${name}`);
        if (fail[name] === 'load') throw new Error(`${name} cannot load`);
      },
      start: async () => {
        log.push(`start ${name}`);
        if (fail[name] === 'start') throw new Error(`${name} cannot start`);
      },
      stop: async () => {
        log.push(`stop ${name}`);
        if (fail[name] === 'stop') throw new Error(`${name} cannot stop`);
      },
    });
}

describe('boot lifecycle', () => {
  it('loads all in order, runs afterLoad, then starts all in the same order', async () => {
    const log: string[] = [];
    const c = recorder(log);
    const boot = new Boot([c('web', 'api'), c('api', 'db'), c('db')], { afterLoad: () => void log.push('afterLoad') });
    await boot.boot();
    expect(log).toEqual(['load db', 'load api', 'load web', 'afterLoad', 'start db', 'start api', 'start web']);
  });

  it('hooks are optional', async () => {
    const boot = new Boot([defineComponent({ name: 'empty' }), defineComponent({ name: 'other', dependsOn: ['empty'] })]);
    await expect(boot.boot()).resolves.toBeDefined();
    await expect(boot.shutdown()).resolves.toBeUndefined();
  });

  it('boot() twice is refused with BAD_PHASE', async () => {
    const boot = new Boot([]);
    await boot.boot();
    const err = await boot.boot().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BootError);
    expect((err as BootError).code).toBe('BAD_PHASE');
  });

  it('a failed start stops what already started, in reverse order, and rejects with the cause', async () => {
    const log: string[] = [];
    const c = recorder(log, { c: 'start' });
    const boot = new Boot([c('a'), c('b', 'a'), c('c', 'b'), c('d', 'c')]);
    const err = await boot.boot().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BootError);
    expect((err as BootError).code).toBe('COMPONENT_FAILED');
    expect((err as Error).message).toBe('component "c" failed to start: c cannot start');
    expect(((err as Error).cause as Error).message).toBe('c cannot start');
    expect(log).toEqual(['load a', 'load b', 'load c', 'load d', 'start a', 'start b', 'start c', 'stop b', 'stop a']);
  });

  it('a failed load loads nothing after it, starts nothing and rejects with the cause', async () => {
    const log: string[] = [];
    const c = recorder(log, { b: 'load' });
    const boot = new Boot([c('a'), c('b', 'a'), c('c', 'b')]);
    const err = await boot.boot().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BootError);
    expect((err as Error).message).toBe('component "b" failed to load: b cannot load');
    expect(((err as Error).cause as Error).message).toBe('b cannot load');
    expect(log).toEqual(['load a', 'load b']);
  });

  it('a failing afterLoad starts nothing and rejects with its error', async () => {
    const log: string[] = [];
    const c = recorder(log);
    const boom = new Error('freeze failed');
    const boot = new Boot([c('a')], {
      afterLoad: () => {
        throw boom;
      },
    });
    await expect(boot.boot()).rejects.toBe(boom);
    expect(log).toEqual(['load a']);
  });

  it('an error that already has a code is passed through as it is', async () => {
    class CodedError extends Error {
      readonly code = 'COMMAND_COLLISION';
    }
    const coded = new CodedError('command ID 300 is claimed by "a" and cannot be claimed by "b"');
    const boot = new Boot([
      defineComponent({
        name: 'b',
        load: () => {
          throw coded;
        },
      }),
    ]);
    await expect(boot.boot()).rejects.toBe(coded);
  });

  it('a non-Error throw is reported with its text', async () => {
    const boot = new Boot([
      defineComponent({
        name: 'odd',
        start: () => {
          throw 'just a string';
        },
      }),
    ]);
    const err = await boot.boot().catch((e: unknown) => e);
    expect((err as Error).message).toBe('component "odd" failed to start: just a string');
    expect((err as Error).cause).toBe('just a string');
  });

  it('rollback keeps going past stop errors and attaches them to the boot error', async () => {
    const log: string[] = [];
    const c = recorder(log, { b: 'stop', c: 'start' });
    const boot = new Boot([c('a'), c('b', 'a'), c('c', 'b')]);
    const err = (await boot.boot().catch((e: unknown) => e)) as Error & { rollbackErrors?: { component: string; error: unknown }[] };
    expect(err.message).toBe('component "c" failed to start: c cannot start');
    expect(log.slice(-2)).toEqual(['stop b', 'stop a']);
    expect(err.rollbackErrors?.map((e) => e.component)).toEqual(['b']);
    expect((err.rollbackErrors?.[0]?.error as Error).message).toBe('b cannot stop');
  });

  it('after a failed boot, shutdown() has nothing left to stop', async () => {
    const log: string[] = [];
    const c = recorder(log, { b: 'start' });
    const boot = new Boot([c('a'), c('b', 'a')]);
    await expect(boot.boot()).rejects.toThrow('component "b" failed to start');
    log.length = 0;
    await boot.shutdown();
    expect(log).toEqual([]);
  });
});
