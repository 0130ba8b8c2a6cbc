import { afterEach, beforeEach, describe, expect, expectTypeOf, it } from 'vitest';
import { SwitchyardError, type Command } from '@switchyard/dispatcher';
import { all, NoSuchResourceError, NotOwnerError, receive, ReceiveTimeoutError, transfer } from '@switchyard/runtime';
import {
  ClockCommand,
  ClockError,
  resetTimer,
  sleep,
  startTimer,
  stopTimer,
  waitTimer,
  type TimerFired,
  type TimerHandle,
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

function failure(o: Outcome<unknown>): SwitchyardError {
  expect(o.ok).toBe(false);
  return (o as { error: SwitchyardError }).error;
}

const h = (id: number): TimerHandle => ({ kind: 'timer', id });

describe('timers', () => {
  it('commands have IDs 18–21 and typed results', () => {
    expect([startTimer(1).id, waitTimer(h(1)).id, stopTimer(h(1)).id, resetTimer(h(1)).id]).toEqual([
      ClockCommand.TimerStart,
      ClockCommand.TimerWait,
      ClockCommand.TimerStop,
      ClockCommand.TimerReset,
    ]);
    expect([startTimer(1).id, waitTimer(h(1)).id, stopTimer(h(1)).id, resetTimer(h(1)).id]).toEqual([18, 19, 20, 21]);
    function* p() {
      const id = yield* startTimer(1);
      expectTypeOf(id).toEqualTypeOf<TimerHandle>();
      expectTypeOf(yield* waitTimer(id)).toEqualTypeOf<void>();
      expectTypeOf(yield* stopTimer(id)).toEqualTypeOf<boolean>();
      expectTypeOf(yield* resetTimer(id)).toEqualTypeOf<boolean>();
    }
    expect(typeof p).toBe('function');
  });

  it('start returns a timer handle at once; wait resumes when the timer fires', async () => {
    const log: string[] = [];
    const done = t.rt.run(function* () {
      const timer = yield* startTimer(100);
      log.push(`started ${timer.kind} @${t.clock.now()}`);
      yield* waitTimer(timer);
      log.push(`fired @${t.clock.now()}`);
    });
    await t.advance(99);
    expect(log).toEqual(['started timer @0']);
    expect(t.rt.stats().resources.byKind).toEqual({ timer: 1 });
    await t.advance(1);
    await done;
    expect(log).toEqual(['started timer @0', 'fired @100']);
    expect(t.idle()).toEqual({ active: 0, pending: 0 });
    expect(t.rt.stats().resources.live).toBe(0);
  });

  it('with a topic, the firing arrives as a TimerFired message', async () => {
    const done = t.rt.run(function* () {
      const timer = yield* startTimer(70, { topic: 'alarm' });
      const m = yield* receive<TimerFired>({ topic: 'alarm' });
      return { timer, payload: m.payload };
    });
    await t.advance(70);
    const { timer, payload } = await done;
    expect(payload).toEqual({ timer, at: 70 });
  });

  it('wait after the timer fired returns at once', async () => {
    const done = t.rt.run(function* () {
      const timer = yield* startTimer(50);
      yield* sleep(80);
      const before = t.clock.now();
      yield* waitTimer(timer);
      yield* waitTimer(timer);
      return [before, t.clock.now()];
    });
    await t.advance(80);
    expect(await done).toEqual([80, 80]);
  });

  it('stop before it fires: resolves true, no message arrives, nothing stays scheduled, a second stop is NO_SUCH_RESOURCE', async () => {
    const done = t.rt.run(function* () {
      const timer = yield* startTimer(50, { topic: 'alarm' });
      const first = yield* stopTimer(timer);
      const second = yield* attempt(stopTimer(timer));
      try {
        yield* receive({ topic: 'alarm', timeout: 100 });
        return { first, second, message: true };
      } catch (e) {
        if (!(e instanceof ReceiveTimeoutError)) throw e;
        return { first, second, message: false };
      }
    });
    await t.settle();
    expect(t.stats()).toMatchObject({ timers: 0, pendingTimers: 0 });
    await t.advance(100);
    const r = await done;
    expect({ first: r.first, message: r.message }).toEqual({ first: true, message: false });
    expect(failure(r.second)).toBeInstanceOf(NoSuchResourceError);
    expect(t.idle()).toEqual({ active: 0, pending: 0 });
  });

  it('stop after it fired resolves false', async () => {
    const done = t.rt.run(function* () {
      const timer = yield* startTimer(10);
      yield* waitTimer(timer);
      return yield* stopTimer(timer);
    });
    await t.advance(10);
    expect(await done).toBe(false);
  });

  it('reset restarts the timer from now with its old duration; true because it had not fired', async () => {
    const done = t.rt.run(function* () {
      const timer = yield* startTimer(100);
      yield* sleep(60);
      const reset = yield* resetTimer(timer);
      yield* waitTimer(timer);
      return { reset, at: t.clock.now() };
    });
    await t.advance(500);
    expect(await done).toEqual({ reset: true, at: 160 });
    expect(t.idle()).toEqual({ active: 0, pending: 0 });
  });

  it('reset with a new duration uses it', async () => {
    const done = t.rt.run(function* () {
      const timer = yield* startTimer(100);
      yield* sleep(60);
      yield* resetTimer(timer, 10);
      yield* waitTimer(timer);
      return t.clock.now();
    });
    await t.advance(500);
    expect(await done).toBe(70);
  });

  it('reset after it fired arms it again (resolving false): the next wait waits', async () => {
    const done = t.rt.run(function* () {
      const timer = yield* startTimer(10, { topic: 'alarm' });
      yield* waitTimer(timer);
      const reset = yield* resetTimer(timer, 25);
      yield* waitTimer(timer);
      const fired: number[] = [];
      for (let i = 0; i < 2; i++) fired.push((yield* receive<TimerFired>({ topic: 'alarm' })).payload.at);
      return { reset, now: t.clock.now(), fired };
    });
    await t.advance(100);
    expect(await done).toEqual({ reset: false, now: 35, fired: [10, 35] });
    expect(t.idle()).toEqual({ active: 0, pending: 0 });
  });

  it('a wait fails with TIMER_STOPPED when the same process stops the timer in the same step', async () => {
    const r = await t.rt.run(function* () {
      const timer = yield* startTimer(1000);
      return yield* attempt(all([waitTimer(timer), stopTimer(timer)]));
    });
    const err = failure(r);
    expect(err).toBeInstanceOf(ClockError);
    expect(err.code).toBe('TIMER_STOPPED');
    expect(err.message).toMatch(/^timer #\d+ was stopped while a process waited for it$/);
    expect(t.idle()).toEqual({ active: 0, pending: 0 });
  });

  it('wait, stop and reset of a stopped or unknown timer fail with NO_SUCH_RESOURCE from the resource table', async () => {
    const done = t.rt.run(function* () {
      const timer = yield* startTimer(1000);
      yield* stopTimer(timer);
      const results = [
        yield* attempt(waitTimer(timer)),
        yield* attempt(resetTimer(timer, 5)),
        yield* attempt(stopTimer(h(4242))),
        yield* attempt(waitTimer({ kind: 'ticker', id: timer.id } as unknown as TimerHandle)),
        yield* attempt(waitTimer('timer 1' as unknown as TimerHandle)),
      ];
      yield* sleep(1);
      return results;
    });
    await t.advance(1);
    const results = await done;
    for (const r of results) {
      const err = failure(r);
      expect(err).toBeInstanceOf(NoSuchResourceError);
      expect(err.code).toBe('NO_SUCH_RESOURCE');
    }
    expect(failure(results[4]!).message).toContain('"timer 1"');
    expect(t.idle()).toEqual({ active: 0, pending: 0 });
  });
});

describe('timer ownership', () => {
  it('another process holding a copy of the handle is refused (NOT_OWNER) and nothing happens to the timer', async () => {
    let timer: TimerHandle | undefined;
    const owner = t.rt.spawn(function* () {
      timer = yield* startTimer(100, { topic: 'alarm' });
      return (yield* receive<TimerFired>({ topic: 'alarm' })).payload.at;
    });
    const ownerExit = t.rt.wait(owner);
    await t.advance(10);
    const copy = { kind: 'timer' as const, id: timer!.id };
    const tries = await t.rt.run(function* () {
      return [yield* attempt(stopTimer(copy)), yield* attempt(resetTimer(copy, 1)), yield* attempt(waitTimer(copy))];
    });
    for (const r of tries) {
      const err = failure(r) as NotOwnerError;
      expect(err).toBeInstanceOf(NotOwnerError);
      expect(err.code).toBe('NOT_OWNER');
      expect(err.owner).toBe(owner);
    }
    // Still armed for its original time: not stopped, not reset to 1 ms.
    expect(t.stats()).toMatchObject({ timers: 1, pendingTimers: 1 });
    await t.advance(89);
    expect(t.rt.isAlive(owner)).toBe(true);
    await t.advance(1);
    expect(await ownerExit).toEqual({ kind: 'normal', value: 100 });
    expect(t.idle()).toEqual({ active: 0, pending: 0 });
  });

  it('after transfer the new owner can wait, gets the TimerFired message and stops it; the old owner cannot', async () => {
    const heir = t.rt.spawn(function* () {
      const { payload: timer } = yield* receive<TimerHandle>({ topic: 'timer' });
      yield* waitTimer(timer);
      const fired = (yield* receive<TimerFired>({ topic: 'alarm' })).payload;
      const stopped = yield* stopTimer(timer);
      return { at: fired.at, same: fired.timer.id === timer.id, stopped };
    });
    const heirExit = t.rt.wait(heir);
    const old = await t.rt.run(function* () {
      const timer = yield* startTimer(50, { topic: 'alarm' });
      yield* transfer(timer, heir);
      const refused = [yield* attempt(waitTimer(timer)), yield* attempt(stopTimer(timer))];
      return { timer, refused };
    });
    for (const r of old.refused) {
      const err = failure(r) as NotOwnerError;
      expect(err).toBeInstanceOf(NotOwnerError);
      expect(err.owner).toBe(heir);
    }
    // The old owner has ended: the timer it gave away is still alive and armed.
    expect(t.stats()).toMatchObject({ timers: 1, pendingTimers: 1 });
    t.rt.send(heir, 'timer', old.timer);
    await t.advance(50);
    expect(await heirExit).toEqual({ kind: 'normal', value: { at: 50, same: true, stopped: false } });
    expect(t.idle()).toEqual({ active: 0, pending: 0 });
    expect(t.rt.stats().resources.live).toBe(0);
  });

  it('the owner ending disposes its timers, fired or not: the count goes back to zero', async () => {
    const pid = t.rt.spawn(function* () {
      const a = yield* startTimer(10);
      yield* startTimer(1000, { topic: 'alarm' });
      yield* waitTimer(a);
      yield* receive({ topic: 'never' });
    });
    await t.advance(20);
    expect(t.stats()).toMatchObject({ timers: 2, pendingTimers: 1, active: 1 });
    t.rt.terminate(pid);
    expect(t.stats()).toMatchObject({ timers: 0, pendingTimers: 0, active: 0 });
    expect(t.idle()).toEqual({ active: 0, pending: 0 });
    expect(t.rt.stats().resources.live).toBe(0);
    await t.advance(2000);
    expect(t.rt.stats().lateCompletions).toBe(0);
  });

  it('a process can give a timer to a process that then ends: it is disposed with that process', async () => {
    const heir = t.rt.spawn(function* () {
      yield* receive({ topic: 'never' });
    });
    await t.rt.run(function* () {
      const timer = yield* startTimer(500);
      yield* transfer(timer, heir);
    });
    expect(t.stats().timers).toBe(1);
    t.rt.terminate(heir);
    expect(t.stats().timers).toBe(0);
    expect(t.idle()).toEqual({ active: 0, pending: 0 });
  });
});
