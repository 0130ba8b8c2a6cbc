import { CommandBase } from '@switchyard/dispatcher';

/** Clock command IDs (10–29). */
export const ClockCommand = {
  Sleep: 10,
  TickerStart: 14,
  TickerStop: 16,
  TimerStart: 18,
  TimerWait: 19,
  TimerStop: 20,
  TimerReset: 21,
} as const;

/** Payload of a tick message. */
export interface Tick {
  readonly ticker: number;
  /** 1, 2, 3, … */
  readonly tick: number;
  /** Clock time of the tick, ms. */
  readonly at: number;
}

/** Payload of a timer-fired message (when the timer was started with a topic). */
export interface TimerFired {
  readonly timer: number;
  readonly at: number;
}

export class SleepCmd extends CommandBase<void> {
  readonly id = ClockCommand.Sleep;
  constructor(readonly ms: number) {
    super();
  }
}

export class TickerStartCmd extends CommandBase<number> {
  readonly id = ClockCommand.TickerStart;
  constructor(
    readonly every: number,
    readonly topic: string,
  ) {
    super();
  }
}

export class TickerStopCmd extends CommandBase<boolean> {
  readonly id = ClockCommand.TickerStop;
  constructor(readonly ticker: number) {
    super();
  }
}

export class TimerStartCmd extends CommandBase<number> {
  readonly id = ClockCommand.TimerStart;
  constructor(
    readonly ms: number,
    readonly topic: string | undefined,
  ) {
    super();
  }
}

export class TimerWaitCmd extends CommandBase<void> {
  readonly id = ClockCommand.TimerWait;
  constructor(readonly timer: number) {
    super();
  }
}

export class TimerStopCmd extends CommandBase<boolean> {
  readonly id = ClockCommand.TimerStop;
  constructor(readonly timer: number) {
    super();
  }
}

export class TimerResetCmd extends CommandBase<boolean> {
  readonly id = ClockCommand.TimerReset;
  constructor(
    readonly timer: number,
    readonly ms: number | undefined,
  ) {
    super();
  }
}

export function checkMs(ms: unknown, what: string): number {
  if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) {
    throw new RangeError(`${what}: ms must be a finite number >= 0, got ${String(ms)}`);
  }
  return ms;
}

/** Suspend the process for `ms` milliseconds. */
export const sleep = (ms: number): SleepCmd => new SleepCmd(checkMs(ms, 'sleep()'));

/** Start a ticker: every `every` ms a Tick message arrives on `topic`, until stopTicker or exit. Resolves to its ID. */
export const startTicker = (every: number, topic: string): TickerStartCmd => {
  if (checkMs(every, 'startTicker()') === 0) throw new RangeError('startTicker(): the period must be > 0 ms');
  if (typeof topic !== 'string' || topic === '') throw new TypeError('startTicker(): topic must be a non-empty string');
  return new TickerStartCmd(every, topic);
};

/** Stop a ticker. Resolves to false when it was not running. */
export const stopTicker = (ticker: number): TickerStopCmd => new TickerStopCmd(ticker);

/** Start a one-shot timer; with `topic`, a TimerFired message arrives there when it fires. Resolves to its ID. */
export const startTimer = (ms: number, options: { topic?: string } = {}): TimerStartCmd =>
  new TimerStartCmd(checkMs(ms, 'startTimer()'), options.topic);

/** Wait until the timer fires (at once if it already has). Fails if the timer is stopped meanwhile. */
export const waitTimer = (timer: number): TimerWaitCmd => new TimerWaitCmd(timer);

/** Stop a timer. Resolves to true when it had not fired yet. */
export const stopTimer = (timer: number): TimerStopCmd => new TimerStopCmd(timer);

/** Restart a timer from now, with its old duration or `ms`. Resolves to false for an unknown timer. */
export const resetTimer = (timer: number, ms?: number): TimerResetCmd =>
  new TimerResetCmd(timer, ms === undefined ? undefined : checkMs(ms, 'resetTimer()'));
