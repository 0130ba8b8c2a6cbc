import { describe, expect, it } from 'vitest';
import { createTestRuntime } from '@switchyard/testing';
import { EVENTS_TOPIC, receive, type ProcessContext, type ProcessEvent } from '../src/index.js';
import { Hold, probePlugin } from './probe.js';

async function setup() {
  const probe = probePlugin();
  const t = await createTestRuntime({ plugins: [probe] });
  return Object.assign(t, { probe });
}

describe('process exit', () => {
  it('resolves run() with the return value and rejects with the thrown error', async () => {
    await using t = await setup();
    expect(await t.rt.run(function* (_ctx: ProcessContext, a: number, b: number) {
      return a + b;
    }, 2, 3)).toBe(5);
    await expect(t.rt.run(function* () {
      throw new Error('worker failed');
    })).rejects.toThrow('worker failed');
  });

  for (const how of ['terminate', 'cancel'] as const) {
    it(`${how}: runs finally blocks and aborts the signal of in-flight handlers`, async () => {
      await using t = await setup();
      const trace: string[] = [];
      const pid = t.rt.spawn(function* () {
        try {
          yield* new Hold();
          trace.push('resumed');
        } finally {
          trace.push('finally');
        }
      });
      await t.settle();
      const held = t.probe.held[0]!;
      const waited = t.rt.wait(pid);
      if (how === 'terminate') t.rt.terminate(pid);
      else t.rt.cancel(pid, 'shutting down');
      expect(trace).toEqual(['finally']);
      expect(held.ctx.signal.aborted).toBe(true);
      expect(await waited).toEqual(how === 'terminate' ? { kind: 'terminated' } : { kind: 'cancelled', reason: 'shutting down' });
      expect(t.rt.stats().processes.live).toBe(0);
    });
  }

  it('rejects run() of a terminated process with code TERMINATED and of a cancelled one with CANCELLED', async () => {
    await using t = await setup();
    const a = t.rt.run(function* () {
      yield* new Hold();
    }).catch((e: unknown) => e);
    const b = t.rt.run(function* () {
      yield* new Hold();
    }).catch((e: unknown) => e);
    await t.settle();
    t.rt.terminate(t.probe.held[0]!.ctx.pid);
    t.rt.cancel(t.probe.held[1]!.ctx.pid, 'enough');
    expect(await a).toMatchObject({ code: 'TERMINATED' });
    expect(await b).toMatchObject({ code: 'CANCELLED', reason: 'enough' });
  });

  it('lets a process that traps cancels handle pid.cancel and finish its work', async () => {
    await using t = await setup();
    const pid = t.rt.spawnWith({ trapCancel: true }, function* () {
      const msg = yield* receive<ProcessEvent>({ topic: EVENTS_TOPIC });
      return msg.payload.type === 'pid.cancel' ? `cleaned up after ${String(msg.payload.reason)}` : 'other';
    });
    await t.settle();
    t.rt.cancel(pid, 'deploy');
    expect(await t.rt.wait(pid)).toEqual({ kind: 'normal', value: 'cleaned up after deploy' });
  });

  it('ends a process that terminates itself from its own code once its step returns', async () => {
    await using t = await setup();
    const trace: string[] = [];
    const pid = t.rt.spawn(function* (ctx: ProcessContext) {
      try {
        t.rt.terminate(ctx.pid);
        trace.push('still running this step');
        yield* new Hold();
        trace.push('never');
      } finally {
        trace.push('finally');
      }
    });
    expect(await t.rt.wait(pid)).toEqual({ kind: 'terminated' });
    expect(trace).toEqual(['still running this step', 'finally']);
  });
});

describe('monitors', () => {
  it('sends pid.exit with the reason on @pid/events', async () => {
    await using t = await setup();
    const target = t.rt.spawn(function* () {
      yield* new Hold();
    });
    const watcher = t.rt.spawn(function* () {
      return (yield* receive<ProcessEvent>({ topic: EVENTS_TOPIC })).payload;
    });
    const ref = t.rt.monitor(watcher, target);
    await t.settle();
    t.rt.cancel(target, 'bye');
    expect(await t.rt.wait(watcher)).toEqual({
      kind: 'normal',
      value: { type: 'pid.exit', pid: target, reason: { kind: 'cancelled', reason: 'bye' }, ref },
    });
  });

  it('reports noproc for a target that is not alive, and demonitor stops the message', async () => {
    await using t = await setup();
    const watcher = t.rt.spawn(function* () {
      return (yield* receive<ProcessEvent>({ topic: EVENTS_TOPIC })).payload;
    });
    const target = t.rt.spawn(function* () {
      yield* new Hold();
    });
    const ref = t.rt.monitor(watcher, target);
    expect(t.rt.demonitor(watcher, ref)).toBe(true);
    expect(t.rt.demonitor(watcher, ref)).toBe(false);
    t.rt.terminate(target);
    t.rt.monitor(watcher, '{local|0xfffff}');
    expect(await t.rt.wait(watcher)).toMatchObject({ kind: 'normal', value: { type: 'pid.exit', reason: { kind: 'noproc' } } });
  });

  it("forgets a dead watcher's monitors", async () => {
    await using t = await setup();
    const target = t.rt.spawn(function* () {
      yield* new Hold();
    });
    const watcher = t.rt.spawn(function* () {
      yield* new Hold();
    });
    const ref = t.rt.monitor(watcher, target);
    t.rt.terminate(watcher);
    expect(t.rt.demonitor(watcher, ref)).toBe(false);
    t.rt.terminate(target);
    expect(t.rt.stats().processes.live).toBe(0);
  });
});

describe('links', () => {
  it('fails the linked peer on an abnormal exit, with the cause', async () => {
    await using t = await setup();
    const a = t.rt.spawn(function* () {
      yield* new Hold();
      throw new Error('a crashed');
    });
    const b = t.rt.spawn(function* () {
      yield* new Hold();
    });
    t.rt.link(a, b);
    await t.settle();
    const held = t.probe.held.find((h) => h.ctx.pid === a)!;
    held.receiver.completeYield(held.tag, undefined);
    const reason = await t.rt.wait(b);
    expect(reason.kind).toBe('error');
    expect((reason as { error: Error & { code: string; peer: string } }).error).toMatchObject({ code: 'LINKED_EXIT', peer: a });
    expect((reason as { error: Error }).error.message).toContain('a crashed');
  });

  it('does not fail the peer on a normal exit, and unlink cuts the link', async () => {
    await using t = await setup();
    const a = t.rt.spawn(function* () {
      yield* new Hold();
    });
    const b = t.rt.spawn(function* () {
      yield* new Hold();
    });
    const c = t.rt.spawn(function* () {
      yield* new Hold();
    });
    t.rt.link(a, b);
    t.rt.link(b, c);
    t.rt.unlink(c, b);
    await t.settle();
    const ha = t.probe.held.find((h) => h.ctx.pid === a)!;
    ha.receiver.completeYield(ha.tag, undefined);
    await t.rt.wait(a);
    expect(t.rt.isAlive(b)).toBe(true);
    t.rt.terminate(b);
    expect(t.rt.isAlive(c)).toBe(true);
  });

  it('turns the peer exit into a pid.exit message when the process traps links', async () => {
    await using t = await setup();
    const a = t.rt.spawn(function* () {
      yield* new Hold();
    });
    const b = t.rt.spawnWith({ trapLinks: true }, function* () {
      return (yield* receive<ProcessEvent>({ topic: EVENTS_TOPIC })).payload;
    });
    t.rt.link(a, b);
    await t.settle();
    t.rt.terminate(a);
    expect(await t.rt.wait(b)).toEqual({ kind: 'normal', value: { type: 'pid.exit', pid: a, reason: { kind: 'terminated' }, link: true } });
  });

  it('propagates along a chain', async () => {
    await using t = await setup();
    const pids = [0, 1, 2, 3].map(() => t.rt.spawn(function* () {
      yield* new Hold();
    }));
    for (let i = 1; i < pids.length; i++) t.rt.link(pids[i - 1]!, pids[i]!);
    t.rt.terminate(pids[0]!);
    expect(pids.map((p) => t.rt.isAlive(p))).toEqual([false, false, false, false]);
  });

  it('refuses to link to a process that is not alive', async () => {
    await using t = await setup();
    const a = t.rt.spawn(function* () {
      yield* new Hold();
    });
    expect(() => t.rt.link(a, '{local|0xfffff}')).toThrow(/no live process \{local\|0xfffff\}/);
  });
});
