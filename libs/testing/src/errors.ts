import { SwitchyardError } from '@switchyard/dispatcher';

/** runAll() fired its limit of timers and some are still scheduled (a ticker that never stops). */
export class TimerRunawayError extends SwitchyardError {
  /** Timers still scheduled. */
  readonly pending: number;
  /** The firing limit runAll() was given. */
  readonly limit: number;
  constructor(pending: number, limit: number) {
    super('TIMER_RUNAWAY', `runAll(): still ${pending} timer(s) after ${limit} firings (a ticker that never stops?)`);
    this.pending = pending;
    this.limit = limit;
  }
}
