import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CommandBase } from '@switchyard/dispatcher';
import { all, definePlugin, race, receive, type Message, type ProcessContext } from '@switchyard/runtime';
import { clockPlugin, sleep, startTicker, startTimer, waitTimer } from '@switchyard/plugin-clock';
import { createTestRuntime } from '@switchyard/testing';
import { clockStats, withClock, type ClockHarness } from './harness.js';

let t: ClockHarness;
beforeEach(async () => {
  t = await withClock();
});
afterEach(async () => {
  await t.stop();
});

/** Starts a ticker and two timers (one with a topic), then ends as `how` says. */
function* holder(_ctx: ProcessContext, how: 'return' | 'throw' | 'wait') {
  yield* startTicker(10, 'tick');
  yield* startTimer(1000, { topic: 'alarm' });
  yield* startTimer(2000);
  if (how === 'throw') throw new Error('holder failed');
  if (how === 'wait') yield* sleep(5000);
  return 'done';
}

describe('a process that ends leaves no timer or ticker behind', () => {
  it('normal exit', async () => {
    const done = t.rt.run(holder, 'return');
    expect(await done).toBe('done');
    await t.settle();
    expect(t.idle()).toEqual({ active: 0, pending: 0 });
  });

  it('exit by error', async () => {
    await expect(t.rt.run(holder, 'throw')).rejects.toThrow('holder failed');
    await t.settle();
    expect(t.idle()).toEqual({ active: 0, pending: 0 });
  });

  it('terminated while sleeping', async () => {
    const pid = t.rt.spawn(holder, 'wait');
    const exit = t.rt.wait(pid);
    await t.advance(25);
    // ticker + two timers + the sleep
    expect(t.idle()).toEqual({ active: 4, pending: 4 });
    expect(t.rt.stats().resources.byKind).toEqual({ ticker: 1, timer: 2 });
    expect(t.rt.terminate(pid)).toBe(true);
    expect(await exit).toEqual({ kind: 'terminated' });
    expect(t.idle()).toEqual({ active: 0, pending: 0 });
    expect(t.rt.stats().resources.live).toBe(0);
    expect(t.stats()).toMatchObject({ tickers: 0, timers: 0 });
  });

  it('cancelled while sleeping', async () => {
    const pid = t.rt.spawn(holder, 'wait');
    const exit = t.rt.wait(pid);
    await t.settle();
    t.rt.cancel(pid, 'enough');
    expect(await exit).toEqual({ kind: 'cancelled', reason: 'enough' });
    expect(t.idle()).toEqual({ active: 0, pending: 0 });
  });

  it('terminated while waiting on its own timer', async () => {
    const pid = t.rt.spawn(function* () {
      const id = yield* startTimer(500);
      yield* waitTimer(id);
    });
    await t.settle();
    expect(t.idle()).toEqual({ active: 1, pending: 1 });
    t.rt.terminate(pid);
    expect(t.idle()).toEqual({ active: 0, pending: 0 });
    // Advancing past the old due time must not resurrect anything.
    await t.advance(1000);
    expect(t.rt.stats().lateCompletions).toBe(0);
  });

  it('the runtime stopping clears everything still scheduled', async () => {
    for (let i = 0; i < 3; i++) t.rt.spawn(holder, 'wait');
    await t.settle();
    expect(t.stats()).toMatchObject({ active: 12, sleeps: 3, tickers: 3, timers: 6, pendingTimers: 6 });
    expect(t.rt.stats().resources.byKind).toEqual({ ticker: 3, timer: 6 });
    await t.stop();
    expect(t.rt.stats().resources.live).toBe(0);
    expect(t.stats()).toMatchObject({ active: 0, sleeps: 0, tickers: 0, timers: 0, pendingTimers: 0 });
    expect(t.idle()).toEqual({ active: 0, pending: 0 });
  });

  it('many sleepers that end leave the counters at zero', async () => {
    for (let i = 0; i < 50; i++) {
      t.rt.spawn(function* () {
        yield* sleep(i);
      });
    }
    await t.advance(50);
    expect(t.rt.stats().processes.live).toBe(0);
    expect(t.idle()).toEqual({ active: 0, pending: 0 });
  });
});

class EndMeCmd extends CommandBase<void> {
  readonly id = 256;
}

describe('a sleep dispatched for a process that already ended', () => {
  it('schedules nothing (e.g. after an earlier member of all() ended the process)', async () => {
    const clock = clockPlugin();
    const endMe = definePlugin({
      name: 'endme',
      commands: [256],
      setup: (ctx) => ({ handlers: { 256: (h, _cmd, _tag, _r) => void ctx.runtime.terminate(h.pid) } }),
    });
    const rt = await createTestRuntime({ plugins: [clock, endMe] });
    try {
      const pid = rt.rt.spawn(function* () {
        yield* all([new EndMeCmd(), sleep(1000)]);
      });
      expect(await rt.rt.wait(pid)).toEqual({ kind: 'terminated' });
      expect({ active: clockStats(rt).active, pending: rt.clock.pending }).toEqual({ active: 0, pending: 0 });
    } finally {
      await rt.stop();
    }
  });
});

describe('sleep inside race()', () => {
  it('loses to receive(): the race returns the message and the sleep timer is cleared', async () => {
    const pid = t.rt.spawn(function* () {
      const winner = yield* race([sleep(1000), receive<string>({ topic: 'go' })]);
      const afterRace = t.idle();
      yield* receive({ topic: 'finish' });
      return { winner, afterRace };
    });
    const done = t.rt.wait(pid);
    await t.settle();
    expect(t.idle()).toEqual({ active: 1, pending: 1 });
    t.rt.send(pid, 'go', 'now');
    await t.settle();
    expect(t.idle()).toEqual({ active: 0, pending: 0 });
    t.rt.send(pid, 'finish', null);
    const exit = await done;
    expect(exit.kind).toBe('normal');
    const value = (exit as { value: { winner: Message<string>; afterRace: unknown } }).value;
    expect(value.winner).toEqual({ topic: 'go', payload: 'now' });
    expect(value.afterRace).toEqual({ active: 0, pending: 0 });
  });

  it('loses to a message already in the mailbox without ever scheduling past the race', async () => {
    const pid = t.rt.spawn(function* () {
      yield* receive({ topic: 'start' });
      return yield* race([sleep(1000), receive<string>({ topic: 'go' })]);
    });
    const done = t.rt.wait(pid);
    t.rt.send(pid, 'go', 'early');
    t.rt.send(pid, 'start', null);
    expect(await done).toEqual({ kind: 'normal', value: { topic: 'go', payload: 'early' } });
    expect(t.idle()).toEqual({ active: 0, pending: 0 });
  });

  it('wins over receive() when nothing arrives: the abandoned receive does not eat the next message', async () => {
    const pid = t.rt.spawn(function* () {
      const first = yield* race([sleep(100), receive<string>({ topic: 'go' })]);
      const next = yield* receive<string>({ topic: 'go' });
      return { first, next: next.payload };
    });
    const done = t.rt.wait(pid);
    await t.advance(100);
    expect(t.rt.isAlive(pid)).toBe(true);
    expect(t.rt.send(pid, 'go', 'late')).toBe(true);
    expect(await done).toEqual({ kind: 'normal', value: { first: undefined, next: 'late' } });
    expect(t.idle()).toEqual({ active: 0, pending: 0 });
  });
});
