/** An opaque timer handle. */
export type TimerId = unknown;

/**
 * Time as the runtime and its plugins see it. Swap in a virtual clock
 * (@switchyard/testing) so tests never sleep for real.
 */
export interface Clock {
  /** Milliseconds, monotonic. */
  now(): number;
  /** `unref`: the timer does not keep the Node process alive. */
  setTimeout(fn: () => void, ms: number, unref?: boolean): TimerId;
  clearTimeout(id: TimerId): void;
}

/** The real clock: performance.now() and Node timers. */
export const systemClock: Clock = Object.freeze({
  now: () => performance.now(),
  setTimeout: (fn: () => void, ms: number, unref?: boolean): TimerId => {
    const t = setTimeout(fn, ms);
    if (unref) t.unref();
    return t;
  },
  clearTimeout: (id: TimerId) => clearTimeout(id as NodeJS.Timeout),
});
