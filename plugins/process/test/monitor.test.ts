import { afterEach, beforeEach, describe, expect, expectTypeOf, it } from 'vitest';
import { receive, ReceiveTimeoutError, type Pid, type ProcessEvent } from '@switchyard/runtime';
import { monitor, MonitorCmd, ProcessCommand, send, spawn, terminate, unmonitor, UnmonitorCmd } from '@switchyard/plugin-process';
import type { TestRuntime } from '@switchyard/testing';
import { attempt, errorOf, nextEvent, puppet, withProcess } from './harness.js';

let t: TestRuntime;
beforeEach(async () => {
  t = await withProcess();
});
afterEach(async () => {
  await t.stop();
});

describe('monitor', () => {
  it('is command 5 and resolves to a numeric ref; unmonitor is command 6 and resolves to a boolean', () => {
    expect(monitor('{local|0x00001}')).toBeInstanceOf(MonitorCmd);
    expect(monitor('{local|0x00001}').id).toBe(ProcessCommand.Monitor);
    expect(monitor('{local|0x00001}').id).toBe(5);
    expect(unmonitor(1)).toBeInstanceOf(UnmonitorCmd);
    expect(unmonitor(1).id).toBe(6);
    function* p() {
      const ref = yield* monitor('{local|0x00001}');
      expectTypeOf(ref).toEqualTypeOf<number>();
      expectTypeOf(yield* unmonitor(ref)).toEqualTypeOf<boolean>();
    }
    expect(typeof p).toBe('function');
  });

  it('the watcher gets pid.exit on "@pid/events" with the exit value and its ref', async () => {
    const r = await t.rt.run(function* () {
      const child = yield* spawn(puppet);
      const ref = yield* monitor(child);
      yield* send(child, 'stop', { value: 42 });
      return { child, ref, event: yield* nextEvent() };
    });
    expect(r.event).toEqual({ type: 'pid.exit', pid: r.child, reason: { kind: 'normal', value: 42 }, ref: r.ref });
  });

  it('reports an error exit with the error, and does not fail the watcher', async () => {
    const r = await t.rt.run(function* () {
      const child = yield* spawn(puppet);
      yield* monitor(child);
      yield* send(child, 'stop', { throw: 'worker broke' });
      return yield* nextEvent();
    });
    expect(r.type).toBe('pid.exit');
    const reason = (r as Extract<ProcessEvent, { type: 'pid.exit' }>).reason;
    expect(reason.kind).toBe('error');
    expect(((reason as { error: Error }).error).message).toBe('worker broke');
  });

  it('reports a termination', async () => {
    const r = await t.rt.run(function* () {
      const child = yield* spawn(puppet);
      yield* monitor(child);
      yield* terminate(child);
      return yield* nextEvent();
    });
    expect(r).toMatchObject({ type: 'pid.exit', reason: { kind: 'terminated' } });
  });

  it('monitoring a dead pid gives a pid.exit with reason noproc at once', async () => {
    const gone = t.rt.spawn(function* () {});
    await t.rt.wait(gone);
    const r = await t.rt.run(function* () {
      const ref = yield* monitor(gone);
      return { ref, event: yield* nextEvent(0) };
    });
    expect(r.event).toEqual({ type: 'pid.exit', pid: gone, reason: { kind: 'noproc' }, ref: r.ref });
  });

  it('two monitors of one target give two messages with distinct refs', async () => {
    const r = await t.rt.run(function* () {
      const child = yield* spawn(puppet);
      const a = yield* monitor(child);
      const b = yield* monitor(child);
      yield* send(child, 'stop', {});
      const e1 = yield* nextEvent();
      const e2 = yield* nextEvent();
      return { refs: [a, b], got: [e1, e2].map((e) => (e as { ref?: number }).ref) };
    });
    expect(r.refs[0]).not.toBe(r.refs[1]);
    expect(r.got.sort()).toEqual([...r.refs].sort());
  });

  it('several watchers each get the message', async () => {
    const child = t.rt.spawn(puppet);
    function* watcher(_ctx: unknown, target: Pid) {
      yield* monitor(target);
      return (yield* nextEvent()).pid;
    }
    const a = t.rt.run(watcher, child);
    const b = t.rt.run(watcher, child);
    await t.settle();
    t.rt.send(child, 'stop', {});
    expect(await Promise.all([a, b])).toEqual([child, child]);
  });

  it('a watcher that ended first is simply forgotten', async () => {
    const child = t.rt.spawn(puppet);
    await t.rt.run(function* () {
      yield* monitor(child);
    });
    t.rt.send(child, 'stop', { value: 'bye' });
    expect(await t.rt.wait(child)).toEqual({ kind: 'normal', value: 'bye' });
    expect(t.rt.stats().processes.live).toBe(0);
  });
});

describe('unmonitor', () => {
  it('after unmonitor no pid.exit arrives; a second unmonitor resolves to false', async () => {
    const done = t.rt.run(function* () {
      const child = yield* spawn(puppet);
      const ref = yield* monitor(child);
      const first = yield* unmonitor(ref);
      const second = yield* unmonitor(ref);
      yield* send(child, 'stop', {});
      const waited = yield* attempt(nextEvent(100));
      return { first, second, error: errorOf(waited) };
    });
    await t.advance(100);
    const r = await done;
    expect(r.first).toBe(true);
    expect(r.second).toBe(false);
    expect(r.error).toBeInstanceOf(ReceiveTimeoutError);
  });

  it('unmonitor of an unknown ref resolves to false', async () => {
    expect(await t.rt.run(function* () {
      return yield* unmonitor(9999);
    })).toBe(false);
  });

  it('another process cannot remove my monitor with my ref', async () => {
    const child = t.rt.spawn(puppet);
    let removed: boolean | undefined;
    const stranger = t.rt.spawn(function* () {
      const m = yield* receive<number>({ topic: 'ref' });
      removed = yield* unmonitor(m.payload);
    });
    const watcher = t.rt.run(function* () {
      const ref = yield* monitor(child);
      yield* send(stranger, 'ref', ref);
      return yield* nextEvent();
    });
    await t.settle();
    expect(removed).toBe(false);
    t.rt.send(child, 'stop', {});
    expect((await watcher).pid).toBe(child);
  });
});
