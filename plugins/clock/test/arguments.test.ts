import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Command } from '@switchyard/dispatcher';
import { SwitchyardError } from '@switchyard/errors';
import {
  BadDurationError,
  BadTopicError,
  ClockError,
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
  ])('sleep(%s) throws BAD_DURATION naming the value', (ms, shown) => {
    const e = thrown(() => sleep(ms));
    expect(e).toBeInstanceOf(BadDurationError);
    expect(e).toBeInstanceOf(ClockError);
    expect(e).toBeInstanceOf(SwitchyardError);
    expect((e as ClockError).code).toBe('BAD_DURATION');
    expect((e as BadDurationError).value).toBe(ms);
    expect(e.message).toBe(`sleep(): ms must be a finite number >= 0, got ${shown}`);
  });

  it('sleep of a non-number throws BAD_DURATION describing it', () => {
    expect(thrown(() => sleep('10' as unknown as number)).message).toBe('sleep(): ms must be a finite number >= 0, got "10"');
    expect(thrown(() => sleep({ ms: 5 } as unknown as number)).message).toBe('sleep(): ms must be a finite number >= 0, got an object');
  });

  it('startTimer and resetTimer refuse negative durations, naming the helper and the value', () => {
    expect(thrown(() => startTimer(-5))).toBeInstanceOf(BadDurationError);
    expect(thrown(() => startTimer(-5)).message).toBe('startTimer(): ms must be a finite number >= 0, got -5');
    expect(thrown(() => resetTimer({ kind: 'timer', id: 1 }, -7)).message).toBe('resetTimer(): ms must be a finite number >= 0, got -7');
  });

  it('startTicker refuses a negative or zero period and an empty topic', () => {
    expect(thrown(() => startTicker(-1, 'tick')).message).toBe('startTicker(): ms must be a finite number >= 0, got -1');
    const zero = thrown(() => startTicker(0, 'tick'));
    expect(zero).toBeInstanceOf(BadDurationError);
    expect(zero.message).toBe('startTicker(): the period must be > 0 ms, got 0');
    const topic = thrown(() => startTicker(10, ''));
    expect(topic).toBeInstanceOf(BadTopicError);
    expect((topic as ClockError).code).toBe('BAD_TOPIC');
    expect(topic.message).toBe('startTicker(): topic must be a non-empty string, got ""');
  });

  it('startTimer refuses a bad topic and unknown options, naming them', () => {
    expect(thrown(() => startTimer(5, { topic: 7 as unknown as string })).message).toBe('startTimer(): topic must be a non-empty string, got 7');
    const typo = thrown(() => startTimer(5, { topik: 'x' } as unknown as { topic: string }));
    expect(typo).toBeInstanceOf(SwitchyardError);
    expect((typo as SwitchyardError).code).toBe('BAD_OPTION');
    expect(typo.message).toContain('"topik" is not an option (did you mean "topic"?)');
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

  it('an uncaught bad argument fails the process with the coded error', async () => {
    const done = t.rt.run(function* () {
      yield* sleep(-3);
    });
    await expect(done).rejects.toThrow(BadDurationError);
    await expect(done).rejects.toThrow('got -3');
  });

  // Commands built by hand skip the helpers' checks: the handlers check again.
  it.each<[string, Command, RegExp]>([
    ['Sleep', new SleepCmd(-1), /sleep: ms must be a finite number >= 0, got -1/],
    ['TimerStart', new TimerStartCmd(Number.NaN, undefined), /timer: ms must be .*got NaN/],
    ['TickerStart', new TickerStartCmd(0, 'tick'), /period must be > 0/],
    ['TickerStart', new TickerStartCmd(10, ''), /topic must be a non-empty string/],
    ['TimerStart', new TimerStartCmd(5, 9 as unknown as string), /timer: topic must be a non-empty string, got 9/],
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
