import { describe, expect, it } from 'vitest';
import { createTestRuntime } from '@switchyard/testing';
import { clockPlugin, sleep } from '@switchyard/plugin-clock';
import { defineMachine, events, inspect, MachineInboxFullError, NoSuchMachineError, POST_TOPIC, postTo, spawnMachine, UnknownQueueError, type MachineTrace } from '../src/index.js';

const plugins = () => [clockPlugin()];

/** A job queue whose unit takes 100 ms (a yielded sleep), logging entry and exit. */
function jobModule(log: string[]) {
  return defineMachine({
    name: 'jobs',
    idle: true,
    events: events<{ job: string; other: string }>(),
    queues: {
      job: {
        start: function* (u) {
          log.push(`begin ${u.event}`);
          yield* sleep(100);
          log.push(`end ${u.event}`);
          return null;
        },
      },
      other: {
        start: (u) => {
          log.push(`other ${u.event}`);
          return null;
        },
      },
    },
  });
}

describe('exclusive execution and FIFO admission', () => {
  it('runs events of one queue one at a time, in the order they were posted', async () => {
    await using t = await createTestRuntime({ plugins: plugins() });
    const log: string[] = [];
    const m = spawnMachine(t.rt, jobModule(log));
    m.post('job', 'A');
    m.post('job', 'B');
    m.post('job', 'C');
    await t.settle();
    expect(log).toEqual(['begin A']);
    expect(m.inspect()).toMatchObject({ inbox: 2, state: 'suspended', queue: 'job', status: 'start' });
    await t.advance(100);
    expect(log).toEqual(['begin A', 'end A', 'begin B']);
    await t.advance(200);
    expect(log).toEqual(['begin A', 'end A', 'begin B', 'end B', 'begin C', 'end C']);
    expect(m.inspect()).toMatchObject({ inbox: 0, state: 'idle' });
  });

  it('an event waits for its own queue only; a later event of an idle queue may start first', async () => {
    await using t = await createTestRuntime({ plugins: plugins() });
    const log: string[] = [];
    const mod = defineMachine({
      name: 'lanes',
      idle: true,
      events: events<{ slow: string; fast: string }>(),
      queues: {
        // A polling lane: it keeps its queue busy for 3 runs without suspending the machine.
        slow: { start: (u) => (log.push(`slow ${u.event} run ${u.runs}`), u.runs < 3 ? 'start' : null) },
        fast: { start: (u) => (log.push(`fast ${u.event}`), null) },
      },
    });
    const m = spawnMachine(t.rt, mod, { pollMs: 10 });
    m.post('slow', 'S1');
    m.post('slow', 'S2');
    m.post('fast', 'F1');
    await t.advance(100);
    expect(log).toEqual([
      'slow S1 run 1',
      'fast F1',
      'slow S1 run 2',
      'slow S1 run 3',
      // S2 waited for S1's queue to end, although it was posted before F1.
      'slow S2 run 1',
      'slow S2 run 2',
      'slow S2 run 3',
    ]);
  });

  it('a bounded inbox refuses with MachineInboxFullError naming machine, queue and capacity', async () => {
    await using t = await createTestRuntime({ plugins: plugins() });
    const log: string[] = [];
    const m = spawnMachine(t.rt, jobModule(log), { capacity: 2 });
    m.post('job', 'A');
    m.post('job', 'B');
    let error: unknown;
    try {
      m.post('job', 'C');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(MachineInboxFullError);
    expect(error).toMatchObject({ code: 'MACHINE_INBOX_FULL', pid: m.pid, queue: 'job', capacity: 2 });
    expect((error as Error).message).toBe(`machine ${m.pid}: inbox is full (2 events waiting); event for queue "job" refused`);
    // A started event leaves the inbox: room again.
    await t.settle();
    expect(m.inspect()?.inbox).toBe(1);
    m.post('job', 'C');
    await t.advance(300);
    expect(log.filter((l) => l.startsWith('end'))).toEqual(['end A', 'end B', 'end C']);
  });

  it('a raw runtime message on the post topic is an event too; over capacity it is refused', async () => {
    await using t = await createTestRuntime({ plugins: plugins() });
    const log: string[] = [];
    const trace: MachineTrace[] = [];
    const m = spawnMachine(t.rt, jobModule(log), { capacity: 1, trace: (e) => trace.push(e) });
    t.rt.send(m.pid, POST_TOPIC, { queue: 'other', event: 'raw' });
    await t.settle();
    expect(log).toEqual(['other raw']);
    m.post('job', 'A');
    await t.settle();
    m.post('job', 'B');
    t.rt.send(m.pid, POST_TOPIC, { queue: 'job', event: 'C' });
    t.rt.send(m.pid, POST_TOPIC, { queue: 'nope', event: 'D' });
    await t.advance(300);
    expect(log).toEqual(['other raw', 'begin A', 'end A', 'begin B', 'end B']);
    expect(trace.filter((e) => e.type === 'refused' || e.type === 'unhandled').map((e) => e.type)).toEqual(['refused', 'unhandled']);
  });

  it('post to an unknown queue or a dead machine fails at once, naming them', async () => {
    await using t = await createTestRuntime({ plugins: plugins() });
    const m = spawnMachine(t.rt, jobModule([]));
    expect(() => postTo(t.rt, m.pid, 'jobs' as never, 'x' as never)).toThrow(UnknownQueueError);
    expect(() => postTo(t.rt, m.pid, 'jobs' as never, 'x' as never)).toThrow(`post to machine ${m.pid} (module "jobs"): no queue "jobs" (the module has "job", "other")`);
    t.rt.terminate(m.pid);
    expect(() => m.post('job', 'x')).toThrow(NoSuchMachineError);
    expect(() => m.post('job', 'x')).toThrow(`cannot post to queue "job": ${m.pid} is not a live state machine of this runtime`);
    expect(inspect(t.rt, m.pid)).toBeUndefined();
  });

  it('a machine terminated before its first step is gone from inspect() and post()', async () => {
    await using t = await createTestRuntime({ plugins: plugins() });
    const m = spawnMachine(t.rt, jobModule([]));
    t.rt.terminate(m.pid);
    expect(m.inspect()).toBeUndefined();
    expect(() => m.post('job', 'x')).toThrow(NoSuchMachineError);
  });

  it('two runtimes never see each other’s machines, though their PIDs look alike', async () => {
    await using a = await createTestRuntime({ plugins: plugins() });
    await using b = await createTestRuntime({ plugins: plugins() });
    const la: string[] = [];
    const ma = spawnMachine(a.rt, jobModule(la));
    expect(inspect(b.rt, ma.pid)).toBeUndefined();
    expect(() => postTo(b.rt, ma.pid, 'job', 'x')).toThrow(NoSuchMachineError);
    const mb = spawnMachine(b.rt, jobModule([]));
    expect(mb.pid).toBe(ma.pid);
    postTo(b.rt, mb.pid, 'other', 'for b');
    await a.settle();
    await b.settle();
    expect(la).toEqual([]);
  });
});
