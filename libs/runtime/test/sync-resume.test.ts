import { afterEach, describe, expect, it } from 'vitest';
import { CommandBase } from '@switchyard/dispatcher';
import { createRuntime, definePlugin, receive, type Pid, type Runtime } from '../src/index.js';
import { Boom, Echo, probePlugin } from './probe.js';

/**
 * The fast path of Dispatch.step(): a process whose handler completes synchronously while no other
 * process is ready is resumed at once (up to a budget) instead of going through the run queue.
 */
let rt: Runtime | undefined;
afterEach(async () => {
  await rt?.stop();
  rt = undefined;
});

class CancelSelfAt extends CommandBase<number> {
  readonly id = 270;
  constructor(readonly step: number) {
    super();
  }
}

/** A plugin whose handler cancels (or terminates) the calling process at a given step, then completes the yield. */
function killerPlugin(kind: 'cancel' | 'terminate') {
  let runtime: Runtime | null = null;
  return definePlugin({
    name: 'killer',
    commands: [270],
    setup(ctx) {
      runtime = ctx.runtime;
      return {
        handlers: {
          270: (hctx, cmd: CancelSelfAt, tag, r) => {
            if (cmd.step === 10) {
              if (kind === 'cancel') runtime!.cancel(hctx.pid, 'enough');
              else runtime!.terminate(hctx.pid);
            }
            r.completeYield(tag, cmd.step);
          },
        },
      };
    },
  });
}

describe('sync resume', () => {
  it('a lone process in a tight synchronous loop does not starve a timer', async () => {
    rt = createRuntime({ plugins: [probePlugin()] });
    await rt.start();
    let steps = 0;
    rt.spawn(function* () {
      for (;;) {
        yield* new Echo(1);
        steps++;
      }
    });
    const before = steps;
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(steps).toBeGreaterThan(before);
    const mid = steps;
    await new Promise((resolve) => setImmediate(resolve));
    expect(steps).toBeGreaterThan(mid);
  });

  it('a process that becomes ready during a sync-resumed run gets its turn after one step', async () => {
    rt = createRuntime({ plugins: [probePlugin()] });
    await rt.start();
    const trace: string[] = [];
    const b = function* () {
      for (let i = 0; i < 3; i++) {
        trace.push(`b${i}`);
        yield* new Echo(i);
      }
    };
    const runtime = rt;
    let bPid: Pid | undefined;
    const a = rt.spawn(function* () {
      // Alone: these two steps may run at once.
      yield* new Echo(0);
      trace.push('a0');
      bPid = runtime.spawn(b);
      // b is ready now: from here a and b alternate, one step each.
      for (let i = 1; i < 4; i++) {
        yield* new Echo(i);
        trace.push(`a${i}`);
      }
    });
    await rt.wait(a);
    await rt.whenIdle();
    expect(bPid).toBeDefined();
    expect(rt.isAlive(bPid!)).toBe(false);
    expect(trace).toEqual(['a0', 'b0', 'a1', 'b1', 'a2', 'b2', 'a3']);
  });

  it('keeps message order when a process sends to itself in a sync-resumed run', async () => {
    rt = createRuntime({ plugins: [probePlugin()] });
    await rt.start();
    const runtime = rt;
    const got = await rt.run(function* (ctx) {
      for (let i = 0; i < 200; i++) {
        runtime.send(ctx.pid, i % 2 === 0 ? 'even' : 'odd', i);
        yield* new Echo(i);
      }
      const out: number[] = [];
      for (let i = 0; i < 100; i++) out.push((yield* receive<number>({ topic: 'odd' })).payload);
      for (let i = 0; i < 100; i++) out.push((yield* receive<number>()).payload);
      return out;
    });
    const odd = Array.from({ length: 100 }, (_, i) => 2 * i + 1);
    const even = Array.from({ length: 100 }, (_, i) => 2 * i);
    expect(got).toEqual([...odd, ...even]);
  });

  it('an error thrown by a handler in a sync-resumed run reaches the process that yielded', async () => {
    rt = createRuntime({ plugins: [probePlugin()] });
    await rt.start();
    const caught: string[] = [];
    const other = rt.spawn(function* () {
      return yield* new Echo('other');
    });
    const otherEnd = rt.wait(other);
    const result = await rt.run(function* () {
      for (let i = 0; i < 100; i++) {
        yield* new Echo(i);
        if (i % 10 === 0) {
          try {
            yield* new Boom(`boom ${i}`);
          } catch (error) {
            caught.push((error as Error).message);
          }
        }
      }
      return 'done';
    });
    expect(result).toBe('done');
    expect(caught).toEqual(Array.from({ length: 10 }, (_, i) => `boom ${i * 10}`));
    expect(await otherEnd).toEqual({ kind: 'normal', value: 'other' });
  });

  for (const kind of ['cancel', 'terminate'] as const) {
    it(`a ${kind} by a handler during a sync-resumed run ends the process at that step, finally blocks run`, async () => {
      rt = createRuntime({ plugins: [probePlugin(), killerPlugin(kind)] });
      await rt.start();
      let last = -1;
      let finallyRan = false;
      const pid = rt.spawn(function* () {
        try {
          for (let i = 0; i < 1000; i++) last = yield* new CancelSelfAt(i);
        } finally {
          finallyRan = true;
        }
      });
      const reason = await rt.wait(pid);
      expect(reason.kind).toBe(kind === 'cancel' ? 'cancelled' : 'terminated');
      // The yield of step 10 completed after the process had ended: it never resumed with it.
      expect(last).toBe(9);
      expect(finallyRan).toBe(true);
      expect(rt.stats().processes.live).toBe(0);
      expect(rt.stats().lateCompletions).toBe(1);
    });
  }

  it('a cancel from outside while a process runs at once ends it before its next step', async () => {
    rt = createRuntime({ plugins: [probePlugin()] });
    await rt.start();
    const runtime = rt;
    let steps = 0;
    const pid = rt.spawn(function* (ctx) {
      for (;;) {
        yield* new Echo(steps);
        // Its own code cancels itself mid-run: the kill lands when this step returns.
        if (++steps === 5) runtime.cancel(ctx.pid, 'self');
      }
    });
    const reason = await rt.wait(pid);
    expect(reason).toEqual({ kind: 'cancelled', reason: 'self' });
    expect(steps).toBe(5);
  });
});
