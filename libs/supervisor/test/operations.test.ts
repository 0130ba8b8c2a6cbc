import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ProcessContext } from '@switchyard/runtime';
import {
  countChildren,
  deleteChild,
  restartChild,
  startChild,
  startDynamicChild,
  startDynamicSupervisor,
  startSupervisor,
  supervisorAt,
  dynamicSupervisorAt,
  terminateChild,
  whichChildren,
  worker,
  type DynamicSupervisorPid,
} from '../src/index.js';
import { child, env, failsToStart, traced, type Env } from './harness.js';

let e: Env;
beforeEach(async () => {
  e = await env();
});
afterEach(async () => {
  await e.close();
});

/** Run `body` in a process and give back what it returned, or the code of what it threw. */
async function inProcess<T>(e: Env, body: (ctx: ProcessContext) => Generator<never, T, unknown> | Generator<import('@switchyard/dispatcher').Command, T, unknown>): Promise<T | string> {
  return e.rt.run(function* (ctx: ProcessContext) {
    try {
      return yield* body(ctx);
    } catch (error) {
      return (error as { code: string }).code;
    }
  });
}

describe('operations on a running supervisor, from a process (as OTP 25 "operations")', () => {
  it('terminate, restart, delete, start; not found, running, already started/present; counts', async () => {
    const { trace, rt } = e;
    const sup = await startSupervisor(rt, { maxRestarts: 10, children: [child(trace, 'a'), child(trace, 'b'), child(trace, 't', 'temporary')] });
    const s = sup.pid;
    await e.t.settle();
    trace.take();
    const results = await rt.run(function* (ctx) {
      const out: Record<string, unknown> = {};
      const code = function* <T>(g: Generator<import('@switchyard/dispatcher').Command, T, unknown>) {
        try {
          return yield* g;
        } catch (error) {
          return (error as { code: string }).code;
        }
      };
      out.terminate_b = yield* code(terminateChild(ctx, s, 'b'));
      out.restart_running_a = yield* code(restartChild(ctx, s, 'a'));
      out.delete_running_a = yield* code(deleteChild(ctx, s, 'a'));
      out.children1 = (yield* whichChildren(ctx, s)).map((c) => [c.id, c.status]);
      out.restart_b = typeof (yield* code(restartChild(ctx, s, 'b')));
      out.terminate_b2 = yield* code(terminateChild(ctx, s, 'b'));
      out.delete_b = yield* code(deleteChild(ctx, s, 'b'));
      out.terminate_t = yield* code(terminateChild(ctx, s, 't'));
      out.children2 = (yield* whichChildren(ctx, s)).map((c) => [c.id, c.status]);
      out.terminate_nope = yield* code(terminateChild(ctx, s, 'nope'));
      out.restart_nope = yield* code(restartChild(ctx, s, 'nope'));
      out.delete_nope = yield* code(deleteChild(ctx, s, 'nope'));
      yield* startChild(ctx, s, child(trace, 'd'));
      out.start_d_again = yield* code(startChild(ctx, s, child(trace, 'd')));
      yield* terminateChild(ctx, s, 'd');
      out.start_d_terminated = yield* code(startChild(ctx, s, child(trace, 'd')));
      out.count = yield* countChildren(ctx, s);
      return out;
    });
    await e.t.settle();
    // The same results as OTP 25 (test/otp/scenarios.out, "operations:"), in Switchyard's words.
    expect(results).toEqual({
      terminate_b: undefined, // ok
      restart_running_a: 'CHILD_RUNNING', // {error,running}
      delete_running_a: 'CHILD_RUNNING', // {error,running}
      children1: [['a', 'running'], ['b', 'stopped'], ['t', 'running']],
      restart_b: 'string', // {ok,Pid}
      terminate_b2: undefined,
      delete_b: undefined,
      terminate_t: undefined, // a temporary child is gone once terminated
      children2: [['a', 'running']],
      terminate_nope: 'CHILD_NOT_FOUND', // {error,not_found}
      restart_nope: 'CHILD_NOT_FOUND',
      delete_nope: 'CHILD_NOT_FOUND',
      start_d_again: 'CHILD_ALREADY_STARTED', // {error,{already_started,Pid}}
      start_d_terminated: 'CHILD_ALREADY_PRESENT', // {error,already_present}
      count: { specs: 2, active: 1, supervisors: 0, workers: 2 },
    });
    expect(trace.take()).toEqual(['down b shutdown', 'start b', 'down b shutdown', 'down t shutdown', 'start d', 'down d shutdown']);
  });

  it('errors name the supervisor and the child, and list the children a wrong id could have meant', async () => {
    const { trace, rt } = e;
    const sup = await startSupervisor(rt, { children: [child(trace, 'db'), child(trace, 'cache')] });
    const err = await sup.restartChild('dbb').catch((x: unknown) => x);
    expect(err).toMatchObject({ code: 'CHILD_NOT_FOUND', childId: 'dbb', supervisor: sup.pid });
    expect((err as Error).message).toContain('"db", "cache"');
    const running = await sup.deleteChild('db').catch((x: unknown) => x);
    expect(running).toMatchObject({ code: 'CHILD_RUNNING', childId: 'db', pid: (await sup.whichChildren())[0]!.pid });
  });

  it('a child that fails to start in startChild is not added; the supervisor lives on', async () => {
    const { trace, rt } = e;
    const sup = await startSupervisor(rt, { children: [child(trace, 'a')] });
    const err = await sup.startChild({ id: 'bad', start: { fn: failsToStart, args: [trace, 'bad'] }, awaitReady: true }).catch((x: unknown) => x);
    expect(err).toMatchObject({ code: 'CHILD_START_FAILED', childId: 'bad', cause: { message: 'boom' } });
    expect((await sup.whichChildren()).map((c) => c.id)).toEqual(['a']);
    // A start failure in an operation is not a crash: no restart was counted.
    expect(rt.isAlive(sup.pid)).toBe(true);
  });

  it('a bad child spec is refused with BAD_CHILD_SPEC naming the option (with a did-you-mean)', async () => {
    const { trace, rt } = e;
    const sup = await startSupervisor(rt, { children: [] });
    const err = await sup.startChild({ ...child(trace, 'x'), restrat: 'transient' } as never).catch((x: unknown) => x);
    expect(err).toMatchObject({ code: 'BAD_CHILD_SPEC', option: 'restrat' });
    expect((err as Error).message).toContain('did you mean "restart"');
    await expect(sup.startChild({ ...child(trace, 'x'), shutdown: -1 })).rejects.toMatchObject({ code: 'BAD_CHILD_SPEC', option: 'shutdown' });
  });

  it('operations on a PID that is not a live supervisor fail with NO_SUCH_SUPERVISOR', async () => {
    const { trace, rt } = e;
    const sup = await startSupervisor(rt, { children: [child(trace, 'a')] });
    const a = (await sup.whichChildren())[0]!.pid!;
    expect(() => supervisorAt(rt, a)).toThrow(expect.objectContaining({ code: 'NO_SUCH_SUPERVISOR' }));
    expect(await inProcess(e, (ctx) => whichChildren(ctx, a))).toBe('NO_SUCH_SUPERVISOR');
    await sup.stop();
    await expect(sup.whichChildren()).rejects.toMatchObject({ code: 'NO_SUCH_SUPERVISOR', supervisor: sup.pid });
    await expect(sup.stop()).rejects.toMatchObject({ code: 'NO_SUCH_SUPERVISOR' });
  });

  it('a call still waiting when the supervisor ends is answered with its exit', async () => {
    const { trace, rt } = e;
    const sup = await startSupervisor(rt, { children: [child(trace, 'slow', 'permanent', 'ignore_shutdown', 1000)] });
    const stopping = sup.terminateChild('slow'); // the supervisor now waits up to 1 s for "slow"
    const waiting = sup.whichChildren(); // queued behind it
    await e.t.settle();
    rt.terminate(sup.pid);
    await expect(stopping).rejects.toMatchObject({ code: 'TERMINATED' });
    await expect(waiting).rejects.toMatchObject({ code: 'TERMINATED' });
  });
});

describe('dynamic supervisor', () => {
  it('starts children with arguments, up to maxChildren (MAX_CHILDREN beyond)', async () => {
    const { trace, rt } = e;
    const sup = await startDynamicSupervisor(rt, { strategy: 'dynamic', maxChildren: 2, child: { start: traced, restart: 'transient' } });
    const p1 = await sup.startChild(trace, 'd1');
    await sup.startChild(trace, 'd2');
    await expect(sup.startChild(trace, 'd3')).rejects.toMatchObject({ code: 'MAX_CHILDREN', maxChildren: 2, supervisor: sup.pid });
    // A transient child that returns is removed, which makes room.
    await e.crash('d1', 'normal');
    expect(rt.isAlive(p1)).toBe(false);
    await sup.startChild(trace, 'd3');
    const rows = await sup.whichChildren();
    expect(rows.map((r) => [r.id, r.status])).toEqual([
      [undefined, 'running'],
      [undefined, 'running'],
    ]);
    expect(await sup.terminateChild(p1).catch((x: unknown) => (x as { code: string }).code)).toBe('CHILD_NOT_FOUND');
  });

  it('typed helpers from a process; static-only and dynamic-only operations are refused', async () => {
    const { trace, rt } = e;
    const dyn = await startDynamicSupervisor(rt, { strategy: 'dynamic', child: { start: traced } });
    const stat = await startSupervisor(rt, { children: [] });
    const dpid: DynamicSupervisorPid<Parameters<typeof traced> extends [unknown, ...infer A] ? A : never> = dyn.pid;
    const out = await rt.run(function* (ctx) {
      const pid = yield* startDynamicChild(ctx, dpid, trace, 'd1');
      let a = '';
      let b = '';
      try {
        yield* startChild(ctx, dyn.pid, worker('x', traced, trace, 'x'));
      } catch (error) {
        a = (error as { code: string }).code;
      }
      try {
        yield* startDynamicChild(ctx, stat.pid as DynamicSupervisorPid<[]>);
      } catch (error) {
        b = (error as { code: string }).code;
      }
      return { pid, a, b, n: (yield* countChildren(ctx, dyn.pid)).active };
    });
    expect(out).toMatchObject({ a: 'SUPERVISOR_UNSUPPORTED', b: 'SUPERVISOR_UNSUPPORTED', n: 1 });
    expect(rt.isAlive(out.pid)).toBe(true);
    expect(dynamicSupervisorAt(rt, dyn.pid).pid).toBe(dyn.pid);
    expect(() => dynamicSupervisorAt(rt, stat.pid)).toThrow(expect.objectContaining({ code: 'NO_SUCH_SUPERVISOR' }));
    expect(() => supervisorAt(rt, dyn.pid)).toThrow(expect.objectContaining({ code: 'NO_SUCH_SUPERVISOR' }));
  });

  it('stops all children at once, each with the shutdown time, then terminates the stragglers', async () => {
    const { trace, rt } = e;
    const sup = await startDynamicSupervisor(rt, { strategy: 'dynamic', child: { start: traced, shutdown: 100 } });
    await sup.startChild(trace, 'quick');
    await sup.startChild(trace, 'stubborn1', 'ignore_shutdown');
    await sup.startChild(trace, 'stubborn2', 'ignore_shutdown');
    await e.t.settle();
    trace.take();
    const stopped = sup.stop();
    await e.t.settle();
    expect(trace.take()).toEqual(['down quick shutdown']);
    await e.t.advance(100); // one deadline for all of them, not 100 ms each
    await stopped;
    expect(trace.take().sort()).toEqual(['down stubborn1 killed', 'down stubborn2 killed']);
  });
});
