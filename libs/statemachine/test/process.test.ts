import { describe, expect, it } from 'vitest';
import { createTestRuntime } from '@switchyard/testing';
import { receive, EVENTS_TOPIC, type ProcessContext, type ProcessEvent, type Pid } from '@switchyard/runtime';
import { processPlugin, spawn, monitor, link } from '@switchyard/plugin-process';
import { clockPlugin, sleep } from '@switchyard/plugin-clock';
import { defineMachine, events, finish, inspect, machine, post, spawnMachine, type MachineTrace } from '../src/index.js';

const plugins = () => [processPlugin(), clockPlugin()];

const finishing = defineMachine({
  name: 'finishing',
  events: events<{ stop: string }>(),
  idle: true,
  queues: { stop: { start: (u) => finish(`stopped: ${u.event}`) } },
});

describe('a machine is a process', () => {
  it('can be monitored: the watcher gets its exit', async () => {
    await using t = await createTestRuntime({ plugins: plugins() });
    const m = spawnMachine(t.rt, finishing);
    function* watcher(_ctx: ProcessContext, target: Pid) {
      yield* monitor(target);
      const msg = yield* receive<ProcessEvent>({ topic: EVENTS_TOPIC });
      return msg.payload;
    }
    const watched = t.rt.run(watcher, m.pid);
    await t.settle();
    m.post('stop', 'bye');
    expect(await watched).toMatchObject({ type: 'pid.exit', pid: m.pid, reason: { kind: 'normal', value: 'stopped: bye' } });
  });

  it('is spawned from a process with the process plugin, posted to in-process, and inspected from outside', async () => {
    await using t = await createTestRuntime({ plugins: plugins() });
    const mod = defineMachine({
      name: 'child',
      idle: true,
      events: events<{ work: number }>(),
      queues: {
        work: {
          start: function* (u) {
            yield* sleep(u.event);
            return finish(u.event * 2);
          },
        },
      },
    });
    let seen: unknown;
    function* parent(ctx: ProcessContext) {
      const pid = yield* spawn(machine, mod, {});
      yield* monitor(pid);
      post<typeof mod>(ctx, pid, 'work', 30);
      yield* sleep(10);
      seen = inspect(t.rt, pid);
      const exit = yield* receive<ProcessEvent>({ topic: EVENTS_TOPIC });
      return exit.payload;
    }
    const result = t.rt.run(parent);
    await t.advance(30);
    expect(seen).toMatchObject({ module: 'child', state: 'suspended', queue: 'work', status: 'start', waitingOn: { kind: 'command', command: 'SleepCmd' } });
    expect(await result).toMatchObject({ type: 'pid.exit', reason: { kind: 'normal', value: 60 } });
  });

  it('can be linked: a linked process that fails takes the machine down', async () => {
    await using t = await createTestRuntime({ plugins: plugins() });
    const m = spawnMachine(t.rt, finishing);
    const exit = m.wait();
    function* partner(_ctx: ProcessContext, target: Pid) {
      yield* link(target);
      yield* sleep(10);
      throw new Error('partner crashed');
    }
    t.rt.spawn(partner, m.pid);
    await t.advance(10);
    expect(await exit).toMatchObject({ kind: 'error', error: { code: 'LINKED_EXIT' } });
  });

  it('cancel and terminate end a suspended unit, running its finally blocks', async () => {
    await using t = await createTestRuntime({ plugins: plugins() });
    const cleanups: string[] = [];
    const mod = defineMachine({
      name: 'long',
      queues: {
        startup: {
          start: function* () {
            try {
              yield* sleep(10_000);
            } finally {
              cleanups.push('unit finally');
            }
            return null;
          },
        },
      },
    });
    const a = spawnMachine(t.rt, mod);
    const b = spawnMachine(t.rt, mod);
    const exits = Promise.all([a.wait(), b.wait()]);
    await t.settle();
    t.rt.cancel(a.pid, 'enough');
    t.rt.terminate(b.pid);
    expect(await exits).toEqual([{ kind: 'cancelled', reason: 'enough' }, { kind: 'terminated' }]);
    expect(cleanups).toEqual(['unit finally', 'unit finally']);
    // Nothing left behind: no timer, no machine entry.
    expect(t.clock.pending).toBe(0);
    expect(a.inspect()).toBeUndefined();
  });

  it('with a cancelQueue, cancel() becomes an event of that queue (graceful shutdown), ahead of waiting events', async () => {
    await using t = await createTestRuntime({ plugins: plugins() });
    const log: string[] = [];
    const mod = defineMachine({
      name: 'graceful',
      cancelQueue: 'shutdown',
      events: events<{ job: string; shutdown: unknown }>(),
      queues: {
        startup: { start: () => null },
        job: {
          start: function* (u) {
            log.push(`job ${u.event}`);
            yield* sleep(100);
            return null;
          },
        },
        shutdown: {
          start: function* (u) {
            log.push(`shutdown because ${String(u.event)}`);
            yield* sleep(50);
            return finish('clean');
          },
        },
      },
    });
    const m = spawnMachine(t.rt, mod);
    const exit = m.wait();
    m.post('job', 'A');
    m.post('job', 'B');
    await t.settle();
    t.rt.cancel(m.pid, 'SIGTERM');
    await t.advance(200);
    expect(await exit).toEqual({ kind: 'normal', value: 'clean' });
    expect(log).toEqual(['job A', 'shutdown because SIGTERM']);
  });

  it('routes runtime messages on chosen topics to queues; others are counted as unhandled', async () => {
    await using t = await createTestRuntime({ plugins: plugins() });
    const got: unknown[] = [];
    const mod = defineMachine({
      name: 'routes',
      idle: true,
      routes: { 'svc.exit': 'exit' },
      queues: { exit: { start: (u) => (got.push(u.event), null) } },
    });
    const trace: MachineTrace[] = [];
    const m = spawnMachine(t.rt, mod, { trace: (e) => trace.push(e) });
    t.rt.send(m.pid, 'svc.exit', { code: 1 });
    t.rt.send(m.pid, 'noise', 'x');
    t.rt.send(m.pid, 'svc.exit', { code: 2 });
    await t.settle();
    expect(got).toEqual([{ code: 1 }, { code: 2 }]);
    expect(m.inspect()?.unhandled).toBe(1);
    expect(trace).toContainEqual({ type: 'unhandled', at: 0, topic: 'noise' });
  });

  it('a machine that never waits still reads routed messages', async () => {
    await using t = await createTestRuntime({ plugins: plugins() });
    const mod = defineMachine({
      name: 'busy',
      data: () => ({ spins: 0, stopped: false }),
      routes: { halt: 'halt' },
      queues: {
        // pollMs 0: this lane is always due, so the machine never blocks in receive().
        startup: { start: (u) => (u.data.stopped ? finish(u.data.spins) : (u.data.spins++, 'start')) },
        halt: { start: (u) => ((u.data.stopped = true), null) },
      },
    });
    const m = spawnMachine(t.rt, mod, { pollMs: 0 });
    const exit = m.wait();
    t.rt.send(m.pid, 'halt', null);
    let reason: unknown;
    void exit.then((r) => (reason = r));
    for (let i = 0; i < 200 && reason === undefined; i++) await new Promise((r) => setImmediate(r));
    expect(reason).toMatchObject({ kind: 'normal' });
    expect((reason as { value: number }).value).toBeLessThan(100);
  });
});
