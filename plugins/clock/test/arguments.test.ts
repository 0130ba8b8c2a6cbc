import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Command } from '@switchyard/dispatcher';
import {
  resetTimer,
  sleep,
  SleepCmd,
  startTicker,
  startTimer,
  TickerStartCmd,
  TimerResetCmd,
  TimerStartCmd,
  waitTimer,
} from '@switchyard/plugin-clock';
import { withClock, type ClockHarness } from './harness.js';

let t: ClockHarness;
beforeEach(async () => {
  t = await withClock();
});
afterEach(async () => {
  await t.stop();
});

function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a throw');
}

describe('bad arguments', () => {
  it.each([
    [-1, '-1'],
    [-0.5, '-0.5'],
    [Number.NaN, 'NaN'],
    [Number.POSITIVE_INFINITY, 'Infinity'],
  ])('sleep(%s) throws a RangeError naming the value', (ms, shown) => {
    const e = thrown(() => sleep(ms));
    expect(e).toBeInstanceOf(RangeError);
    expect(e.message).toBe(`sleep(): ms must be a finite number >= 0, got ${shown}`);
  });

  it('sleep of a non-number throws a RangeError naming it', () => {
    expect(thrown(() => sleep('10' as unknown as number)).message).toContain('got 10');
  });

  it('startTimer and resetTimer refuse negative durations, naming the helper and the value', () => {
    expect(thrown(() => startTimer(-5))).toBeInstanceOf(RangeError);
    expect(thrown(() => startTimer(-5)).message).toBe('startTimer(): ms must be a finite number >= 0, got -5');
    expect(thrown(() => resetTimer(1, -7)).message).toBe('resetTimer(): ms must be a finite number >= 0, got -7');
  });

  it('startTicker refuses a negative or zero period and an empty topic', () => {
    expect(thrown(() => startTicker(-1, 'tick')).message).toBe('startTicker(): ms must be a finite number >= 0, got -1');
    const zero = thrown(() => startTicker(0, 'tick'));
    expect(zero).toBeInstanceOf(RangeError);
    expect(zero.message).toContain('> 0');
    const topic = thrown(() => startTicker(10, ''));
    expect(topic).toBeInstanceOf(TypeError);
    expect(topic.message).toContain('topic');
  });

  it('a bad argument throws inside the process, which can catch it and go on', async () => {
    const done = t.rt.run(function* () {
      let caught = '';
      try {
        yield* sleep(-1);
      } catch (e) {
        caught = (e as Error).message;
      }
      yield* sleep(5);
      return caught;
    });
    await t.advance(5);
    expect(await done).toContain('got -1');
    expect(t.idle()).toEqual({ active: 0, pending: 0 });
  });

  it('an uncaught bad argument fails the process with the RangeError', async () => {
    const done = t.rt.run(function* () {
      yield* sleep(-3);
    });
    await expect(done).rejects.toThrow(RangeError);
    await expect(done).rejects.toThrow('got -3');
  });

  // Commands built by hand skip the helpers' checks: the handlers check again.
  it.each<[string, Command, RegExp]>([
    ['Sleep', new SleepCmd(-1), /sleep: ms must be a finite number >= 0, got -1/],
    ['TimerStart', new TimerStartCmd(Number.NaN, undefined), /timer: ms must be .*got NaN/],
    ['TickerStart', new TickerStartCmd(0, 'tick'), /period must be > 0/],
    ['TickerStart', new TickerStartCmd(10, ''), /topic must be a non-empty string/],
  ])('the %s handler refuses a bad hand-built command', async (_name, cmd, message) => {
    const done = t.rt.run(function* () {
      yield cmd;
    });
    await expect(done).rejects.toThrow(message);
    expect(t.idle()).toEqual({ active: 0, pending: 0 });
  });

  it('the TimerReset handler refuses a bad duration and leaves the timer as it was', async () => {
    const done = t.rt.run(function* () {
      const id = yield* startTimer(10);
      let error = '';
      try {
        yield new TimerResetCmd(id, -2);
      } catch (e) {
        error = (e as Error).message;
      }
      yield* waitTimer(id);
      return { error, firedAt: t.clock.now() };
    });
    await t.advance(10);
    expect(await done).toEqual({ error: expect.stringContaining('got -2'), firedAt: 10 });
  });
});
