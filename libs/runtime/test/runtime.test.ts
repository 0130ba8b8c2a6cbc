import { describe, expect, it } from 'vitest';
import { CommandCollisionError, SystemRangeError } from '@switchyard/dispatcher';
import { createRuntime, definePlugin, receive } from '../src/index.js';
import { Echo, probePlugin } from './probe.js';

describe('createRuntime and plugins', () => {
  it('fails start() on a collision before any plugin sets up or starts', async () => {
    const calls: string[] = [];
    const mk = (name: string, first: number) =>
      definePlugin({
        name,
        commands: { first, last: first + 9 },
        setup: () => {
          calls.push(`setup ${name}`);
          return { start: () => void calls.push(`start ${name}`) };
        },
      });
    const rt = createRuntime({ plugins: [mk('alpha', 300), mk('beta', 305)] });
    const err = await rt.start().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CommandCollisionError);
    expect((err as Error).message).toBe('command ID 305 is claimed by "alpha" and cannot be claimed by "beta"');
    expect(calls).toEqual([]);
  });

  it('refuses a custom plugin in a system range, installed owner or not', () => {
    for (let i = 0; i < 2; i++) {
      expect(() => definePlugin({ name: 'mytimer', commands: [12] })).toThrow(SystemRangeError);
    }
    expect(() => definePlugin({ name: 'mytimer', commands: [12] })).toThrow(/custom plugins use IDs 256 and up/);
  });

  it('refuses IDs that are not integers in 1..65535, naming the value', () => {
    expect(() => definePlugin({ name: 'x', commands: [65536] })).toThrow(expect.objectContaining({ name: 'BadCommandIdError', code: 'BAD_COMMAND_ID', value: 65536 }));
    expect(() => definePlugin({ name: 'x', commands: [65536] })).toThrow(/65536/);
    expect(() => definePlugin({ name: 'x', commands: { first: 300.5, last: 301 } })).toThrow(/300\.5/);
    expect(() => definePlugin({ name: 'x', commands: [0] })).toThrow(/got 0/);
  });

  it('refuses a static handler for an ID the plugin did not claim at definePlugin, before any boot', () => {
    expect(() => definePlugin({ name: 'sneaky', commands: [300], handlers: { 301: () => {} } })).toThrow(
      'plugin "sneaky": has a handler for command ID 301, which it does not claim',
    );
  });

  it('refuses a handler built in setup for an ID the plugin did not claim at start', async () => {
    const rt = createRuntime({
      plugins: [definePlugin({ name: 'sneaky', commands: [300], setup: () => ({ handlers: { 301: () => {} } }) })],
    });
    await expect(rt.start()).rejects.toThrow('"sneaky" registers a handler for command ID 301, which it did not claim');
  });

  it('boots plugins in dependency order and stops them in reverse', async () => {
    const trace: string[] = [];
    const mk = (name: string, first: number, dependsOn: string[] = []) =>
      definePlugin({
        name,
        commands: [first],
        dependsOn,
        setup: () => {
          trace.push(`setup ${name}`);
          return { start: () => void trace.push(`start ${name}`), stop: () => void trace.push(`stop ${name}`) };
        },
      });
    const rt = createRuntime({ plugins: [mk('zeta', 300, ['alpha']), mk('beta', 301), mk('alpha', 302)] });
    await rt.start();
    expect(rt.commands().map((c) => c.plugin)).toEqual(['alpha', 'beta', 'zeta']);
    await rt.stop();
    expect(trace).toEqual(['setup alpha', 'setup beta', 'setup zeta', 'start alpha', 'start beta', 'start zeta', 'stop zeta', 'stop beta', 'stop alpha']);
  });

  it('names a missing dependency', async () => {
    const rt = createRuntime({ plugins: [definePlugin({ name: 'dispatcher.sql', commands: [300], dependsOn: ['sql.pool'] })] });
    await expect(rt.start()).rejects.toThrow('"dispatcher.sql" depends on "sql.pool", which is not registered');
  });

  it('refuses spawn before start and after stop', async () => {
    const rt = createRuntime({ plugins: [probePlugin()] });
    expect(() => rt.spawn(function* () {})).toThrow(/before start/);
    await rt.start();
    await rt.stop();
    expect(() => rt.spawn(function* () {})).toThrow(/stopped/);
  });

  it('refuses a function that does not return a generator', async () => {
    const rt = createRuntime();
    await rt.start();
    expect(() => rt.spawn((() => 1) as never)).toThrow(/a function returned 1, not a generator; declare it with function\*/);
    await rt.stop();
  });

  it('spawnArgs() passes an array of arguments like spawnWith() passes rest arguments, and refuses a non-array', async () => {
    const rt = createRuntime();
    await rt.start();
    function* add(_ctx: unknown, ...xs: number[]) {
      return xs.reduce((a, b) => a + b, 0);
    }
    for (const xs of [[], [1], [1, 2], [1, 2, 3, 4]]) {
      const pid = rt.spawnArgs({}, add, xs);
      expect(await rt.wait(pid)).toEqual({ kind: 'normal', value: xs.reduce((a, b) => a + b, 0) });
    }
    expect(() => rt.spawnArgs({}, add, 3 as never)).toThrow(expect.objectContaining({ code: 'BAD_ARGUMENT' }));
    expect(() => rt.spawnArgs({}, add, 3 as never)).toThrow(/spawnArgs\(\): args must be an array, got 3/);
    await rt.stop();
  });

  it('stop() cancels live processes, then stops plugins', async () => {
    const trace: string[] = [];
    const rt = createRuntime({
      plugins: [probePlugin(), definePlugin({ name: 'last', commands: [400], setup: () => ({ stop: () => void trace.push('plugin stopped') }) })],
    });
    await rt.start();
    const pid = rt.spawn(function* () {
      try {
        for (;;) yield* new Echo(1);
      } finally {
        trace.push('process finally');
      }
    });
    const exit = rt.wait(pid);
    await new Promise((r) => setTimeout(r, 5));
    await rt.stop();
    expect(await exit).toEqual({ kind: 'cancelled', reason: 'runtime stopping' });
    expect(trace).toEqual(['process finally', 'plugin stopped']);
  });

  it('stop() ends parked processes newest first', async () => {
    const rt = createRuntime({ plugins: [probePlugin()] });
    await rt.start();
    const pids = [0, 1, 2, 3].map(() => rt.spawn(function* () {
      yield* receive();
    }));
    await rt.whenIdle();
    const ended: string[] = [];
    rt.observe((e) => {
      if (e.kind === 'exit') ended.push(e.pid);
    });
    await rt.stop();
    expect(ended).toEqual([...pids].reverse());
    expect(rt.stats().processes.live).toBe(0);
  });

  it('keeps two runtimes apart', async () => {
    const a = createRuntime({ plugins: [probePlugin()] });
    const b = createRuntime({ plugins: [probePlugin()] });
    await a.start();
    await b.start();
    await a.run(function* () {
      yield* new Echo(1);
    });
    expect(a.stats().processes.spawned).toBe(1);
    expect(b.stats().processes.spawned).toBe(0);
    // PIDs are counted per runtime.
    expect(b.spawn(function* () {})).toBe('{local|0x00001}');
    await a.stop();
    await b.stop();
  });

  it('counts what it did in stats()', async () => {
    const rt = createRuntime({ plugins: [probePlugin()] });
    await rt.start();
    await rt.run(function* () {
      yield* new Echo(1);
      yield* new Echo(2);
    });
    expect(rt.stats()).toEqual({
      dispatched: 2,
      completed: 2,
      unknownCommands: 0,
      duplicateCompletions: 0,
      lateCompletions: 0,
      abandonHookErrors: 0,
      exitHookErrors: 0,
      processes: { live: 0, spawned: 1, exited: 1 },
      resources: { live: 0, byKind: {}, disposeErrors: 0 },
      mailbox: { refused: 0, dropped: 0 },
      names: 0,
      plugins: {},
    });
    await rt.stop();
  });

  it('notifies observers of spawns and exits', async () => {
    const rt = createRuntime();
    await rt.start();
    const seen: string[] = [];
    const off = rt.observe((e) => seen.push(`${e.kind} ${e.pid}`));
    const pid = rt.spawn(function* () {});
    await rt.wait(pid);
    off();
    rt.spawn(function* () {});
    expect(seen).toEqual([`spawn ${pid}`, `exit ${pid}`]);
    await rt.stop();
  });

  it('isolates a throwing exit hook from the other hooks and from the caller', async () => {
    const rt = createRuntime({ plugins: [probePlugin()] });
    await rt.start();
    const pid = rt.spawn(function* () {
      for (;;) yield* new Echo(1);
    });
    rt.onExit(pid, () => {
      throw new Error('bad hook');
    });
    const waited = rt.wait(pid);
    expect(rt.terminate(pid)).toBe(true);
    expect(await waited).toEqual({ kind: 'terminated' });
    expect(rt.stats().exitHookErrors).toBe(1);
    await rt.stop();
  });
});
