import { describeValue, SwitchyardError } from '@switchyard/errors';

export type ClockErrorCode = 'TIMER_STOPPED' | 'BAD_DURATION' | 'BAD_TOPIC';

/** Errors of the clock plugin; NOT_OWNER / NO_SUCH_RESOURCE come from the runtime's resource table. */
export class ClockError extends SwitchyardError {
  declare readonly code: ClockErrorCode;
  constructor(code: ClockErrorCode, message: string) {
    super(code, message);
  }
}

/** A duration that is not a finite number >= 0 (BAD_DURATION). */
export class BadDurationError extends ClockError {
  readonly value: unknown;
  constructor(where: string, value: unknown, message = `ms must be a finite number >= 0, got ${describeValue(value)}`) {
    super('BAD_DURATION', `${where}: ${message}`);
    this.value = value;
  }
}

/** A message topic that is not a non-empty string (BAD_TOPIC). */
export class BadTopicError extends ClockError {
  readonly value: unknown;
  constructor(where: string, value: unknown) {
    super('BAD_TOPIC', `${where}: topic must be a non-empty string, got ${describeValue(value)}`);
    this.value = value;
  }
}

export function checkMs(ms: unknown, where: string): number {
  if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) throw new BadDurationError(where, ms);
  return ms;
}

export function checkPeriod(every: unknown, where: string): number {
  if (checkMs(every, where) === 0) throw new BadDurationError(where, every, 'the period must be > 0 ms, got 0');
  return every as number;
}

export function checkTopic(topic: unknown, where: string): string {
  if (typeof topic !== 'string' || topic === '') throw new BadTopicError(where, topic);
  return topic;
}
