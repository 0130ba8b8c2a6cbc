import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { receive, type ProcessContext } from '@switchyard/runtime';
import { ready, startLinkedSupervisor, startSupervisor, supervisorChild, whichChildren } from '../src/index.js';
import { child, env, failsToStart, label, traced, type Env } from './harness.js';

let e: Env;
beforeEach(async () => {
  e = await env();
});
afterEach(async () => {
  await e.close();
});

describe('stopping', () => {
  it('stop(): children in reverse start order, then the supervisor ends cancelled with the reason', async () => {
    const { trace, rt } = e;
    const sup = await startSupervisor(rt, { children: [child(trace, 'a'), child(trace, 'b'), child(trace, 'c')] });
    await e.t.settle();
    trace.take();
    const reason = await sup.stop('maintenance');
    expect(trace.take()).toEqual(['down c shutdown', 'down b shutdown', 'down a shutdown']);
    expect(reason).toEqual({ kind: 'cancelled', reason: 'maintenance' });
  });

  it('rt.stop() stops a whole tree, leaves first', async () => {
    const { trace, rt } = e;
    const inner = supervisorChild('inner', { children: [child(trace, 'i1'), child(trace, 'i2')] });
    await startSupervisor(rt, { children: [child(trace, 'a'), inner, child(trace, 'z')] });
    await e.t.settle();
    trace.take();
    await e.t.stop();
    // rt.stop cancels every process at once; the workers do not trap cancels, so they end at once,
    // and no supervisor restarts anything while stopping.
    expect(trace.take().sort()).toEqual(['down a runtime stopping', 'down i1 runtime stopping', 'down i2 runtime stopping', 'down z runtime stopping']);
    expect(rt.stats().processes.live).toBe(0);
  });

  it('a terminated supervisor takes its workers with it (links); a child supervisor stops its own children gracefully', async () => {
    const { trace, rt } = e;
    const inner = supervisorChild('inner', { children: [child(trace, 'i1'), child(trace, 'i2')] });
    const sup = await startSupervisor(rt, { children: [child(trace, 'a'), inner] });
    await e.t.settle();
    trace.watch('inner', (await sup.whichChildren())[1]!.pid!);
    trace.take();
    rt.terminate(sup.pid);
    await e.t.settle();
    expect(trace.take()).toEqual(['down a LINKED_EXIT', 'down i2 shutdown', 'down i1 shutdown', 'down inner LINKED_EXIT']);
    expect(rt.stats().processes.live).toBe(0);
  });
});

describe('awaitReady', () => {
  it('the supervisor goes on with the next child only once the child called ready()', async () => {
    const { trace, rt } = e;
    function* slow(ctx: ProcessContext) {
      yield* receive({ topic: 'go' });
      ready(ctx);
      yield* receive({ topic: 'never' });
    }
    let started = false;
    const starting = startSupervisor(rt, { children: [{ id: 'slow', start: slow, awaitReady: true, name: 'slow' }, child(trace, 'b')] }).then((s) => {
      started = true;
      return s;
    });
    await e.t.settle();
    expect(started).toBe(false);
    expect(trace.log).toEqual([]);
    rt.send('slow', 'go', null);
    await (await starting).stop();
    expect(trace.take()).toEqual(['start b', 'down b shutdown']);
  });

  it('a child that returns before ready() failed to start', async () => {
    const { rt } = e;
    function* quitter() {
      return 'bye';
    }
    await expect(startSupervisor(rt, { children: [{ id: 'q', start: quitter, awaitReady: true }] })).rejects.toMatchObject({
      code: 'CHILD_START_FAILED',
      childId: 'q',
      message: expect.stringContaining('returned before it called ready()'),
      cause: expect.objectContaining({ name: 'ChildNotReadyError', code: 'CHILD_NOT_READY' }),
    });
  });
});

describe('startLinkedSupervisor (from a process)', () => {
  it('starts a supervisor linked to the caller and waits for its children', async () => {
    const { trace, rt } = e;
    const out = await rt.run(function* (ctx) {
      const sup = yield* startLinkedSupervisor(ctx, { children: [child(trace, 'a')] });
      const rows = yield* whichChildren(ctx, sup);
      return { sup, ids: rows.map((r) => r.id) };
    });
    expect(out.ids).toEqual(['a']);
    // The caller ended normally: a normal exit does not travel along links, the supervisor lives on.
    expect(rt.isAlive(out.sup)).toBe(true);
  });

  it('a start failure is thrown to a caller that traps links, and fails one that does not (LINKED_EXIT)', async () => {
    const { trace, rt } = e;
    const bad = { children: [{ id: 'b', start: { fn: failsToStart, args: [trace, 'b'] }, awaitReady: true }] };
    const trapped = await rt.run(function* (ctx) {
      ctx.trapLinks = true;
      try {
        yield* startLinkedSupervisor(ctx, bad);
        return 'started';
      } catch (error) {
        return (error as { code: string }).code;
      }
    });
    expect(trapped).toBe('CHILD_START_FAILED');
    const plain = rt.spawn(function* (ctx) {
      return yield* startLinkedSupervisor(ctx, bad);
    });
    expect(label(await rt.wait(plain))).toBe('LINKED_EXIT');
  });
});

describe('failed restarts', () => {
  it('are tried again, each try counting towards the intensity', async () => {
    const { rt } = e;
    let attempts = 0;
    function* flaky(ctx: ProcessContext) {
      attempts++;
      if (attempts === 2) throw new Error('not now');
      ready(ctx);
      yield* receive({ topic: 'never' });
    }
    const sup = await startSupervisor(rt, { maxRestarts: 2, children: [{ id: 'f', start: flaky, awaitReady: true }] });
    rt.terminate((await sup.whichChildren())[0]!.pid!);
    await e.t.settle();
    expect(attempts).toBe(3);
    const [row] = await sup.whichChildren();
    expect(row).toMatchObject({ id: 'f', status: 'running', restarts: 1 });
    // Two restarts counted (the failed try and the good one): the next crash is one too many.
    const exit = sup.wait();
    rt.terminate(row!.pid!);
    expect(label(await exit)).toBe('SUPERVISOR_INTENSITY');
  });

  it('a restart that keeps failing ends in SUPERVISOR_INTENSITY, not a busy loop', async () => {
    const { trace, rt } = e;
    const sup = await startSupervisor(rt, { maxRestarts: 3, children: [{ ...child(trace, 'n'), name: 'n' }] });
    await e.t.settle();
    const squatter = rt.spawn(function* () {
      yield* receive({ topic: 'never' });
    });
    const exit = sup.wait();
    rt.terminate(trace.pid('n'));
    rt.register('n', squatter);
    expect(label(await exit)).toBe('SUPERVISOR_INTENSITY');
    rt.terminate(squatter);
  });
});
