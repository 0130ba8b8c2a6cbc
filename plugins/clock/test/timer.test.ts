import { afterEach, beforeEach, describe, expect, expectTypeOf, it } from 'vitest';
import { SwitchyardError, type Command } from '@switchyard/dispatcher';
import { all, receive, ReceiveTimeoutError, type ProcessContext } from '@switchyard/runtime';
import {
  ClockCommand,
  ClockError,
  resetTimer,
  sleep,
  startTimer,
  stopTimer,
  waitTimer,
  type TimerFired,
} from '@switchyard/plugin-clock';
import { withClock, type ClockHarness } from './harness.js';

let t: ClockHarness;
beforeEach(async () => {
  t = await withClock();
});
afterEach(async () => {
  await t.stop();
});

type Outcome<T> = { ok: true; value: T } | { ok: false; error: unknown };

/** Yield `op` and report whether it failed, so a test can assert the error's class and code. */
function* attempt<T>(op: { [Symbol.iterator](): Iterator<Command, T, unknown> }): Generator<Command, Outcome<T>, unknown> {
  try {
    return { ok: true, value: yield* op };
  } catch (error) {
    return { ok: false, error };
  }
}

describe('timers', () => {
  it('commands have IDs 18–21 and typed results', () => {
    expect([startTimer(1).id, waitTimer(1).id, stopTimer(1).id, resetTimer(1).id]).toEqual([
      ClockCommand.TimerStart,
      ClockCommand.TimerWait,
      ClockCommand.TimerStop,
      ClockCommand.TimerReset,
    ]);
    expect([startTimer(1).id, waitTimer(1).id, stopTimer(1).id, resetTimer(1).id]).toEqual([18, 19, 20, 21]);
    function* p() {
      const id = yield* startTimer(1);
      expectTypeOf(id).toEqualTypeOf<number>();
      expectTypeOf(yield* waitTimer(id)).toEqualTypeOf<void>();
      expectTypeOf(yield* stopTimer(id)).toEqualTypeOf<boolean>();
      expectTypeOf(yield* resetTimer(id)).toEqualTypeOf<boolean>();
    }
    expect(typeof p).toBe('function');
  });

  it('start returns at once; wait resumes when the timer fires', async () => {
    const log: string[] = [];
    const done = t.rt.run(function* () {
      const id = yield* startTimer(100);
      log.push(`started ${id} @${t.clock.now()}`);
      yield* waitTimer(id);
      log.push(`fired @${t.clock.now()}`);
    });
    await t.advance(99);
    expect(log).toEqual(['started 1 @0']);
    await t.advance(1);
    await done;
    expect(log).toEqual(['started 1 @0', 'fired @100']);
    expect(t.idle()).toEqual({ active: 0, pending: 0 });
  });

  it('with a topic, the firing arrives as a TimerFired message', async () => {
    const done = t.rt.run(function* () {
      const id = yield* startTimer(70, { topic: 'alarm' });
      const m = yield* receive<TimerFired>({ topic: 'alarm' });
      return { id, payload: m.payload };
    });
    await t.advance(70);
    const { id, payload } = await done;
    expect(payload).toEqual({ timer: id, at: 70 });
  });

  it('wait after the timer fired returns at once', async () => {
    const done = t.rt.run(function* () {
      const id = yield* startTimer(50);
      yield* sleep(80);
      const before = t.clock.now();
      yield* waitTimer(id);
      yield* waitTimer(id);
      return [before, t.clock.now()];
    });
    await t.advance(80);
    expect(await done).toEqual([80, 80]);
  });

  it('several processes can wait on one timer', async () => {
    let id = 0;
    t.rt.spawn(function* () {
      id = yield* startTimer(40);
      yield* receive({ topic: 'never' });
    });
    await t.settle();
    function* waiter() {
      yield* waitTimer(id);
      return t.clock.now();
    }
    const a = t.rt.run(waiter);
    const b = t.rt.run(waiter);
    await t.advance(40);
    expect(await Promise.all([a, b])).toEqual([40, 40]);
  });

  it('stop before it fires: resolves true, no message arrives, nothing stays scheduled', async () => {
    const done = t.rt.run(function* () {
      const id = yield* startTimer(50, { topic: 'alarm' });
      const first = yield* stopTimer(id);
      const second = yield* stopTimer(id);
      try {
        yield* receive({ topic: 'alarm', timeout: 100 });
        return { first, second, message: true };
      } catch (e) {
        if (!(e instanceof ReceiveTimeoutError)) throw e;
        return { first, second, message: false };
      }
    });
    await t.settle();
    expect(t.plugin.activeTimers()).toBe(0);
    await t.advance(100);
    expect(await done).toEqual({ first: true, second: false, message: false });
    expect(t.idle()).toEqual({ active: 0, pending: 0 });
  });

  it('stop after it fired resolves false', async () => {
    const done = t.rt.run(function* () {
      const id = yield* startTimer(10);
      yield* waitTimer(id);
      return yield* stopTimer(id);
    });
    await t.advance(10);
    expect(await done).toBe(false);
  });

  it('stop of an unknown timer resolves false', async () => {
    expect(await t.rt.run(function* () {
      return yield* stopTimer(999);
    })).toBe(false);
  });

  it('reset restarts the timer from now with its old duration', async () => {
    const done = t.rt.run(function* () {
      const id = yield* startTimer(100);
      yield* sleep(60);
      const reset = yield* resetTimer(id);
      yield* waitTimer(id);
      return { reset, at: t.clock.now() };
    });
    await t.advance(500);
    expect(await done).toEqual({ reset: true, at: 160 });
    expect(t.idle()).toEqual({ active: 0, pending: 0 });
  });

  it('reset with a new duration uses it', async () => {
    const done = t.rt.run(function* () {
      const id = yield* startTimer(100);
      yield* sleep(60);
      yield* resetTimer(id, 10);
      yield* waitTimer(id);
      return t.clock.now();
    });
    await t.advance(500);
    expect(await done).toBe(70);
  });

  it('reset after it fired arms it again: the next wait waits', async () => {
    const done = t.rt.run(function* () {
      const id = yield* startTimer(10, { topic: 'alarm' });
      yield* waitTimer(id);
      yield* resetTimer(id, 25);
      yield* waitTimer(id);
      const fired: number[] = [];
      for (let i = 0; i < 2; i++) fired.push((yield* receive<TimerFired>({ topic: 'alarm' })).payload.at);
      return { now: t.clock.now(), fired };
    });
    await t.advance(100);
    expect(await done).toEqual({ now: 35, fired: [10, 35] });
    expect(t.idle()).toEqual({ active: 0, pending: 0 });
  });

  it('reset of an unknown timer resolves false', async () => {
    expect(await t.rt.run(function* () {
      return yield* resetTimer(999, 5);
    })).toBe(false);
    expect(t.idle()).toEqual({ active: 0, pending: 0 });
  });

  it('a wait fails with TIMER_STOPPED when another process stops the timer', async () => {
    let id = 0;
    const waiter = t.rt.run(function* () {
      id = yield* startTimer(1000);
      return yield* attempt(waitTimer(id));
    });
    await t.settle();
    expect(await t.rt.run(function* () {
      return yield* stopTimer(id);
    })).toBe(true);
    const r = await waiter;
    expect(r.ok).toBe(false);
    const err = (r as { error: unknown }).error;
    expect(err).toBeInstanceOf(ClockError);
    expect(err).toBeInstanceOf(SwitchyardError);
    expect((err as ClockError).code).toBe('TIMER_STOPPED');
    expect((err as Error).message).toContain(`timer ${id}`);
    expect(t.idle()).toEqual({ active: 0, pending: 0 });
  });

  it('a wait fails with TIMER_STOPPED when the same process stops the timer in the same step', async () => {
    const r = await t.rt.run(function* () {
      const id = yield* startTimer(1000);
      return yield* attempt(all([waitTimer(id), stopTimer(id)]));
    });
    expect(r.ok).toBe(false);
    expect((r as { error: ClockError }).error.code).toBe('TIMER_STOPPED');
    expect(t.idle()).toEqual({ active: 0, pending: 0 });
  });

  it('a wait on a timer that was already stopped fails with NO_SUCH_TIMER, saying it may have been stopped', async () => {
    const r = await t.rt.run(function* () {
      const id = yield* startTimer(1000);
      yield* stopTimer(id);
      return yield* attempt(waitTimer(id));
    });
    const err = (r as { error: ClockError }).error;
    expect(err).toBeInstanceOf(ClockError);
    expect(err.code).toBe('NO_SUCH_TIMER');
    expect(err.message).toContain('was stopped');
  });

  it('a wait on an unknown timer fails with NO_SUCH_TIMER naming it; the process can go on', async () => {
    const done = t.rt.run(function* () {
      const failed = yield* attempt(waitTimer(4242));
      yield* sleep(1);
      return failed;
    });
    await t.advance(1);
    const r = await done;
    const err = (r as { error: ClockError }).error;
    expect(err).toBeInstanceOf(ClockError);
    expect(err.code).toBe('NO_SUCH_TIMER');
    expect(err.message).toContain('no timer 4242');
  });

  it('a waiter of another process fails when the timer owner ends, instead of waiting forever', async () => {
    let id = 0;
    const owner = t.rt.spawn(function* (_ctx: ProcessContext) {
      id = yield* startTimer(1000);
      yield* receive({ topic: 'never' });
    });
    await t.settle();
    const waiter = t.rt.run(function* () {
      return yield* attempt(waitTimer(id));
    });
    await t.settle();
    t.rt.terminate(owner);
    await t.settle();
    const r = await Promise.race([waiter, new Promise<'still waiting'>((resolve) => setImmediate(() => resolve('still waiting')))]);
    expect(r).not.toBe('still waiting');
    expect((r as { ok: boolean }).ok).toBe(false);
    expect(((r as { error: ClockError }).error).code).toBe('TIMER_STOPPED');
    expect(t.idle()).toEqual({ active: 0, pending: 0 });
  });
});
