import { CommandBase } from '@switchyard/dispatcher';
import { checkKeys } from '@switchyard/errors';
import type { Handle } from '@switchyard/runtime';
import { checkMs, checkPeriod, checkTopic } from './errors.js';

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

/** A ticker in the runtime's resource table, owned by the process that started it (or was given it). */
export type TickerHandle = Handle<'ticker'>;
/** A timer in the runtime's resource table, owned by the process that started it (or was given it). */
export type TimerHandle = Handle<'timer'>;

/** Payload of a tick message. */
export interface Tick {
  readonly ticker: TickerHandle;
  /** The period this tick ends: 1, 2, 3, … (numbers of skipped ticks are not delivered). */
  readonly tick: number;
  /** Clock time of the tick, ms. */
  readonly at: number;
  /**
   * Ticks dropped since the previous delivered one, because that one was still unread (or was
   * refused or dropped by the mailbox): a process that does not read its ticker gets no pile of ticks.
   */
  readonly skipped: number;
}

/** Payload of a timer-fired message (when the timer was started with a topic). */
export interface TimerFired {
  readonly timer: TimerHandle;
  readonly at: number;
}

export class SleepCmd extends CommandBase<void> {
  readonly id = ClockCommand.Sleep;
  constructor(readonly ms: number) {
    super();
  }
}

export class TickerStartCmd extends CommandBase<TickerHandle> {
  readonly id = ClockCommand.TickerStart;
  constructor(
    readonly every: number,
    readonly topic: string,
  ) {
    super();
  }
}

export class TickerStopCmd extends CommandBase<void> {
  readonly id = ClockCommand.TickerStop;
  constructor(readonly ticker: TickerHandle) {
    super();
  }
}

export class TimerStartCmd extends CommandBase<TimerHandle> {
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
  constructor(readonly timer: TimerHandle) {
    super();
  }
}

export class TimerStopCmd extends CommandBase<boolean> {
  readonly id = ClockCommand.TimerStop;
  constructor(readonly timer: TimerHandle) {
    super();
  }
}

export class TimerResetCmd extends CommandBase<boolean> {
  readonly id = ClockCommand.TimerReset;
  constructor(
    readonly timer: TimerHandle,
    readonly ms: number | undefined,
  ) {
    super();
  }
}

/** Suspend the process for `ms` milliseconds. */
export const sleep = (ms: number): SleepCmd => new SleepCmd(checkMs(ms, 'sleep()'));

/**
 * Start a ticker: every `every` ms a Tick message arrives on `topic`, until stopTicker or the
 * owner's exit. At most one tick is unread at a time; the others are skipped and counted.
 */
export const startTicker = (every: number, topic: string): TickerStartCmd =>
  new TickerStartCmd(checkPeriod(every, 'startTicker()'), checkTopic(topic, 'startTicker()'));

/** Stop a ticker the calling process owns (NOT_OWNER / NO_SUCH_RESOURCE otherwise). */
export const stopTicker = (ticker: TickerHandle): TickerStopCmd => new TickerStopCmd(ticker);

/** Start a one-shot timer; with `topic`, a TimerFired message arrives there when it fires. */
export const startTimer = (ms: number, options: { topic?: string } = {}): TimerStartCmd => {
  const o = checkKeys('startTimer()', options, ['topic']);
  const topic = o.topic === undefined ? undefined : checkTopic(o.topic, 'startTimer()');
  return new TimerStartCmd(checkMs(ms, 'startTimer()'), topic);
};

/** Wait until the timer fires (at once if it already has). Fails with TIMER_STOPPED if it is stopped meanwhile. */
export const waitTimer = (timer: TimerHandle): TimerWaitCmd => new TimerWaitCmd(timer);

/** Stop and forget a timer. Resolves to true when it had not fired yet. */
export const stopTimer = (timer: TimerHandle): TimerStopCmd => new TimerStopCmd(timer);

/** Restart a timer from now, with its old duration or `ms`. Resolves to true when it had not fired yet. */
export const resetTimer = (timer: TimerHandle, ms?: number): TimerResetCmd =>
  new TimerResetCmd(timer, ms === undefined ? undefined : checkMs(ms, 'resetTimer()'));
