import { ArgumentError, type Clock, type TimerId } from '@switchyard/runtime';
import { describeValue } from '@switchyard/errors';
import { TimerRunawayError } from './errors.js';

interface VTimer {
  readonly id: number;
  at: number;
  readonly seq: number;
  readonly fn: () => void;
}

export interface VirtualClock extends Clock {
  /** Timers scheduled and not yet fired or cleared. */
  readonly pending: number;
  /**
   * Move time forward by `ms`, firing due timers in time order. After each firing,
   * `settle` runs (the test runtime passes one that lets processes react) so timers the
   * reaction schedules within the window fire too.
   */
  advance(ms: number): Promise<void>;
  /** Fire timers until none is left (bounded by `limit` firings). */
  runAll(limit?: number): Promise<void>;
  /** Set the hook advance() awaits between firings. */
  onSettle(settle: () => Promise<void>): void;
}

/** A clock whose time moves only when the test says so. */
export function createVirtualClock(start = 0): VirtualClock {
  let now = start;
  let seq = 0;
  let nextId = 1;
  const timers = new Map<number, VTimer>();
  let settle: () => Promise<void> = () => new Promise((r) => setImmediate(r));

  const nextDue = (): VTimer | undefined => {
    let best: VTimer | undefined;
    for (const t of timers.values()) if (best === undefined || t.at < best.at || (t.at === best.at && t.seq < best.seq)) best = t;
    return best;
  };

  const fire = async (t: VTimer): Promise<void> => {
    timers.delete(t.id);
    if (t.at > now) now = t.at;
    t.fn();
    await settle();
  };

  return {
    now: () => now,
    setTimeout(fn: () => void, ms: number): TimerId {
      const id = nextId++;
      const delay = Number.isFinite(ms) && ms > 0 ? ms : 0;
      timers.set(id, { id, at: now + delay, seq: seq++, fn });
      return id;
    },
    clearTimeout(id: TimerId): void {
      timers.delete(id as number);
    },
    get pending() {
      return timers.size;
    },
    async advance(ms: number): Promise<void> {
      if (typeof ms !== 'number' || !(ms >= 0)) throw new ArgumentError('ms', `advance(): ms must be a number >= 0, got ${describeValue(ms)}`);
      const until = now + ms;
      await settle();
      for (;;) {
        const t = nextDue();
        if (t === undefined || t.at > until) break;
        await fire(t);
      }
      now = until;
    },
    async runAll(limit = 10_000): Promise<void> {
      for (let i = 0; i < limit; i++) {
        const t = nextDue();
        if (t === undefined) return;
        await fire(t);
      }
      // Exactly `limit` timers is not a runaway: only throw when some are still left.
      if (timers.size === 0) return;
      throw new TimerRunawayError(timers.size, limit);
    },
    onSettle(fn: () => Promise<void>): void {
      settle = fn;
    },
  };
}
