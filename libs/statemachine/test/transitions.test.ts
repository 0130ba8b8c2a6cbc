import { describe, expect, it } from 'vitest';
import { createTestRuntime } from '@switchyard/testing';
import { ArgumentError, type ExitReason } from '@switchyard/runtime';
import { OptionError } from '@switchyard/errors';
import {
  BadUnitResultError,
  changeQueue,
  defineMachine,
  machine,
  emergency,
  finish,
  MachineEmergencyError,
  spawnMachine,
  type MachineOptions,
  UnitFailedError,
  UnknownQueueError,
  UnknownStatusError,
  type MachineTrace,
} from '../src/index.js';

function errorOf(reason: ExitReason): unknown {
  expect(reason.kind).toBe('error');
  return reason.kind === 'error' ? reason.error : undefined;
}

describe('transitions', () => {
  it('follow the statuses units return, in order, and null ends the queue', async () => {
    await using t = await createTestRuntime();
    const seen: string[] = [];
    const mod = defineMachine({
      name: 'order',
      data: () => ({ n: 0 }),
      queues: {
        startup: {
          start: (u) => {
            seen.push(u.status);
            return 'process_watch';
          },
          process_watch: (u) => {
            seen.push(u.status);
            u.data.n++;
            return u.data.n < 3 ? 'process_start' : 'done';
          },
          process_start: (u) => {
            seen.push(u.status);
            return 'process_watch';
          },
          done: (u) => {
            seen.push(u.status);
            return null;
          },
        },
      },
    });
    const trace: MachineTrace[] = [];
    const m = spawnMachine(t.rt, mod, { trace: (e) => trace.push(e) });
    await t.settle();
    expect(seen).toEqual(['start', 'process_watch', 'process_start', 'process_watch', 'process_start', 'process_watch', 'done']);
    expect(trace.filter((e) => e.type === 'transition').map((e) => (e.type === 'transition' ? `${e.from}>${e.to}` : ''))).toEqual([
      'start>process_watch',
      'process_watch>process_start',
      'process_start>process_watch',
      'process_watch>process_start',
      'process_start>process_watch',
      'process_watch>done',
    ]);
    expect(trace.at(-1)).toMatchObject({ type: 'end', queue: 'startup', status: 'done' });
    // The queue ended: the machine is alive and idle, waiting for events.
    expect(t.rt.isAlive(m.pid)).toBe(true);
    expect(m.inspect()).toMatchObject({ state: 'idle', queue: null, status: null, waitingOn: { kind: 'event' }, transitions: 6 });
  });

  it('a unit sees its queue, status, event, data and how often it ran', async () => {
    await using t = await createTestRuntime();
    const contexts: unknown[] = [];
    const mod = defineMachine({
      name: 'ctx',
      data: (input: { who: string }) => ({ who: input.who }),
      queues: {
        startup: { start: () => null },
        job: {
          start: (u) => {
            contexts.push({ pid: u.pid, queue: u.queue, status: u.status, event: u.event, who: u.data.who, runs: u.runs, aborted: u.signal.aborted });
            return u.runs < 2 ? 'start' : null;
          },
        },
      },
    });
    const m = spawnMachine(t.rt, mod, { input: { who: 'ann' }, pollMs: 5 });
    m.post('job', { id: 7 });
    await t.advance(10);
    expect(contexts).toEqual([
      { pid: m.pid, queue: 'job', status: 'start', event: { id: 7 }, who: 'ann', runs: 1, aborted: false },
      { pid: m.pid, queue: 'job', status: 'start', event: { id: 7 }, who: 'ann', runs: 2, aborted: false },
    ]);
  });

  it('changeQueue() ends this queue and enters the other at start with the same event', async () => {
    await using t = await createTestRuntime();
    const log: string[] = [];
    const mod = defineMachine({
      name: 'change',
      idle: true,
      queues: {
        a: {
          start: (u) => {
            log.push(`a/start ${String(u.event)}`);
            return changeQueue('b');
          },
        },
        b: {
          start: (u) => {
            log.push(`b/start ${String(u.event)}`);
            return 'next';
          },
          next: () => {
            log.push('b/next');
            return null;
          },
        },
      },
    });
    const trace: MachineTrace[] = [];
    const m = spawnMachine(t.rt, mod, { trace: (e) => trace.push(e) });
    m.post('a', 'E1');
    await t.settle();
    expect(log).toEqual(['a/start E1', 'b/start E1', 'b/next']);
    expect(trace.find((e) => e.type === 'changeQueue')).toMatchObject({ queue: 'a', status: 'start', to: 'b' });
  });

  it('finish(value) ends the machine normally with that value', async () => {
    await using t = await createTestRuntime();
    const mod = defineMachine({ name: 'fin', queues: { startup: { start: () => 'last', last: () => finish({ ok: true }) } } });
    const m = spawnMachine(t.rt, mod);
    expect(await m.wait()).toEqual({ kind: 'normal', value: { ok: true } });
    expect(m.inspect()).toBeUndefined();
  });
});

describe('runtime errors', () => {
  it('an unregistered status fails the machine with an error naming queue and status', async () => {
    await using t = await createTestRuntime();
    const mod = defineMachine({ name: 'bad', queues: { startup: { start: () => 'process_watch', process_watch: () => 'process_strat' as never } } });
    const m = spawnMachine(t.rt, mod);
    const e = errorOf(await m.wait());
    expect(e).toBeInstanceOf(UnknownStatusError);
    expect(e).toMatchObject({ code: 'UNKNOWN_STATUS', queue: 'startup', status: 'process_strat', from: 'process_watch' });
    expect((e as Error).message).toBe(`machine ${m.pid}: unit "startup/process_watch" returned status "process_strat", which queue "startup" does not have`);
  });

  it('a status of another queue is unregistered here', async () => {
    await using t = await createTestRuntime();
    const mod = defineMachine({ name: 'bad', queues: { startup: { start: () => 'other' as never }, control: { start: () => null, other: () => null } } });
    expect(errorOf(await spawnMachine(t.rt, mod).wait())).toMatchObject({ code: 'UNKNOWN_STATUS', queue: 'startup', status: 'other' });
  });

  it('a result that is no status, null or directive fails the machine', async () => {
    await using t = await createTestRuntime();
    const mod = defineMachine({ name: 'bad', queues: { startup: { start: (() => undefined) as never } } });
    const e = errorOf(await spawnMachine(t.rt, mod).wait());
    expect(e).toBeInstanceOf(BadUnitResultError);
    expect((e as Error).message).toContain('unit "startup/start" returned undefined (did you forget to return a status?)');
  });

  it('changeQueue() to an unknown queue fails the machine, naming it', async () => {
    await using t = await createTestRuntime();
    const mod = defineMachine({ name: 'bad', queues: { startup: { start: () => changeQueue('nowhere' as never) } } });
    const e = errorOf(await spawnMachine(t.rt, mod).wait());
    expect(e).toBeInstanceOf(UnknownQueueError);
    expect((e as Error).message).toContain('unit "startup/start" changeQueue(): no queue "nowhere" (the module has "startup")');
  });

  it('changeQueue() with an empty queue name throws BAD_ARGUMENT naming it', () => {
    expect(() => changeQueue('' as never)).toThrow(ArgumentError);
    expect(() => changeQueue('' as never)).toThrow(expect.objectContaining({ code: 'BAD_ARGUMENT', argument: 'queue' }));
    expect(() => changeQueue(7 as never)).toThrow('changeQueue(): queue must be a non-empty string, got 7');
  });

  it('a unit that throws fails the machine with UnitFailedError, the thrown error as cause', async () => {
    await using t = await createTestRuntime();
    const boom = new Error('disk on fire');
    const mod = defineMachine({
      name: 'bad',
      queues: {
        startup: {
          start: () => {
            throw boom;
          },
        },
      },
    });
    const e = errorOf(await spawnMachine(t.rt, mod).wait());
    expect(e).toBeInstanceOf(UnitFailedError);
    expect(e).toMatchObject({ code: 'UNIT_FAILED', queue: 'startup', status: 'start', cause: boom });
    expect((e as Error).message).toContain('unit "startup/start" failed: disk on fire');
  });

  it('emergency(reason) fails the machine at once with MachineEmergencyError', async () => {
    await using t = await createTestRuntime();
    let after = 0;
    const mod = defineMachine({
      name: 'em',
      queues: {
        startup: { start: () => emergency('power lost') },
        other: {
          start: () => {
            after++;
            return null;
          },
        },
      },
    });
    const e = errorOf(await spawnMachine(t.rt, mod).wait());
    expect(e).toBeInstanceOf(MachineEmergencyError);
    expect(e).toMatchObject({ code: 'MACHINE_EMERGENCY', queue: 'startup', status: 'start', reason: 'power lost' });
    expect(after).toBe(0);
  });

  it('bad spawn arguments fail the spawn itself, with a clear error', async () => {
    await using t = await createTestRuntime();
    const mod = defineMachine({ name: 'ok', queues: { startup: { start: () => null } } });
    expect(() => t.rt.spawn(machine, {} as never)).toThrow(ArgumentError);
    expect(() => t.rt.spawn(machine, {} as never)).toThrow(expect.objectContaining({ code: 'BAD_ARGUMENT', argument: 'module' }));
    expect(() => t.rt.spawn(machine, {} as never)).toThrow('must be a module from defineMachine() or machineBuilder(), got an object');
    const bad: [MachineOptions<void>, string, string][] = [
      [{ capacity: 0 }, 'capacity', 'machine(): "capacity" must be an integer >= 1, got 0'],
      [{ pollMs: -1 }, 'pollMs', 'machine(): "pollMs" must be a finite number >= 0, got -1'],
      [{ trace: 'yes' as never }, 'trace', 'machine(): "trace" must be a function, got "yes"'],
    ];
    for (const [options, option, message] of bad) {
      expect(() => spawnMachine(t.rt, mod, options)).toThrow(OptionError);
      expect(() => spawnMachine(t.rt, mod, options)).toThrow(expect.objectContaining({ code: 'BAD_OPTION', where: 'machine()', option, message }));
    }
    expect(t.rt.stats().processes.live).toBe(0);
  });
});
