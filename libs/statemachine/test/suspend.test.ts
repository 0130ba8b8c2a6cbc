import { describe, expect, it } from 'vitest';
import { createTestRuntime } from '@switchyard/testing';
import { clockPlugin, ClockCommand, sleep } from '@switchyard/plugin-clock';
import { brk, defineMachine, events, spawnMachine, type MachineTrace } from '../src/index.js';

describe('generator units', () => {
  it('a yielded command suspends the unit in place: the status stays and nothing new is admitted', async () => {
    await using t = await createTestRuntime({ plugins: [clockPlugin()] });
    const log: string[] = [];
    const mod = defineMachine({
      name: 'gen',
      events: events<{ ping: number }>(),
      queues: {
        startup: {
          start: () => 'process_start',
          process_start: function* (u) {
            log.push(`enter ${u.status}`);
            yield* sleep(50);
            log.push('after first sleep');
            yield* sleep(50);
            log.push('after second sleep');
            return null;
          },
        },
        ping: { start: (u) => (log.push(`ping ${u.event}`), null) },
      },
    });
    const trace: MachineTrace[] = [];
    const m = spawnMachine(t.rt, mod, { trace: (e) => trace.push(e) });
    await t.settle();
    m.post('ping', 1);
    await t.settle();
    expect(log).toEqual(['enter process_start']);
    expect(m.inspect()).toMatchObject({
      state: 'suspended',
      queue: 'startup',
      status: 'process_start',
      inbox: 1,
      waitingOn: { kind: 'command', queue: 'startup', status: 'process_start', commandId: ClockCommand.Sleep, command: 'SleepCmd' },
    });
    await t.advance(50);
    // Resumed in place (not re-entered from the top), still holding the lane and the machine.
    expect(log).toEqual(['enter process_start', 'after first sleep']);
    expect(m.inspect()).toMatchObject({ state: 'suspended', status: 'process_start', inbox: 1 });
    await t.advance(50);
    expect(log).toEqual(['enter process_start', 'after first sleep', 'after second sleep', 'ping 1']);
    expect(trace.filter((e) => e.type === 'suspend' || e.type === 'resume').map((e) => `${e.type}@${e.at}`)).toEqual([
      'suspend@0',
      'resume@50',
      'suspend@50',
      'resume@100',
    ]);
  });

  it('a failed command is thrown into the unit, which may catch it', async () => {
    await using t = await createTestRuntime({ plugins: [clockPlugin()] });
    let caught: unknown;
    const mod = defineMachine({
      name: 'gen',
      queues: {
        startup: {
          start: function* () {
            try {
              yield { id: 9999 }; // no plugin handles this ID
            } catch (e) {
              caught = e;
            }
            return null;
          },
        },
      },
    });
    const m = spawnMachine(t.rt, mod);
    await t.settle();
    expect(caught).toMatchObject({ code: 'UNKNOWN_COMMAND', commandId: 9999 });
    expect(m.inspect()?.state).toBe('idle');
  });
});

describe('brk()', () => {
  it('drops the invocation, keeps the status and re-runs the unit from the top next cycle', async () => {
    await using t = await createTestRuntime({ plugins: [clockPlugin()] });
    const log: string[] = [];
    let ready = false;
    const mod = defineMachine({
      name: 'brk',
      queues: {
        startup: {
          start: function* (u) {
            log.push(`top run ${u.runs} at ${u.now}`);
            yield* sleep(5);
            if (!ready) return brk();
            log.push('past the break');
            return 'done';
          },
          done: () => (log.push('done'), null),
        },
      },
    });
    const trace: MachineTrace[] = [];
    const m = spawnMachine(t.rt, mod, { pollMs: 20, trace: (e) => trace.push(e) });
    await t.advance(5);
    expect(log).toEqual(['top run 1 at 0']);
    expect(m.inspect()).toMatchObject({ state: 'waiting', status: 'start', waitingOn: { kind: 'timer', until: 25 }, lanes: [{ queue: 'startup', status: 'start', runs: 1, due: 25 }] });
    await t.advance(25);
    expect(log).toEqual(['top run 1 at 0', 'top run 2 at 25']);
    ready = true;
    await t.advance(50);
    expect(log).toEqual(['top run 1 at 0', 'top run 2 at 25', 'top run 3 at 50', 'past the break', 'done']);
    expect(trace.filter((e) => e.type === 'brk').length).toBe(2);
    // A break is not a transition.
    expect(trace.filter((e) => e.type === 'transition').map((e) => (e.type === 'transition' ? e.to : ''))).toEqual(['done']);
  });

  it('can be thrown from below the unit (the seed’s throw break)', async () => {
    await using t = await createTestRuntime();
    let entries = 0;
    const check = (n: number) => {
      if (n < 3) throw brk();
    };
    const mod = defineMachine({
      name: 'throw-brk',
      queues: {
        startup: {
          start: (u) => {
            entries++;
            check(u.runs);
            return null;
          },
        },
      },
    });
    const m = spawnMachine(t.rt, mod, { pollMs: 10 });
    await t.advance(100);
    expect(entries).toBe(3);
    expect(m.inspect()?.state).toBe('idle');
  });
});
