import type { EventBus } from './bus.js';
import type { Channel } from './channel.js';
import {
  AbortedError,
  AwaitTimeoutError,
  BusClosedError,
  EventBusError,
  InvalidArgumentError,
  describeValue,
} from './errors.js';
import type { Event, Subscription } from './types.js';

export const DEFAULT_AWAIT_TIMEOUT_MS = 30_000;
/** setTimeout's limit; longer delays fire at once in Node. */
const MAX_TIMEOUT_MS = 2_147_483_647;

export interface AwaiterOptions {
  /** How long `wait()` waits for the event (default 30 s). `Infinity` waits without a timer. */
  readonly timeoutMs?: number;
}

export interface PrepareOptions extends AwaiterOptions {
  /** Aborting it rejects `wait()` and closes the waiter. */
  readonly signal?: AbortSignal;
}

function checkTimeout(ms: unknown): number {
  if (ms === Infinity) return ms;
  if (typeof ms !== 'number' || !Number.isInteger(ms) || ms < 1 || ms > MAX_TIMEOUT_MS) {
    throw new InvalidArgumentError(
      `timeoutMs must be an integer from 1 to ${MAX_TIMEOUT_MS} or Infinity, got ${describeValue(ms)}`,
    );
  }
  return ms;
}

/**
 * Waits for one specific event, typically the reply to something you are about
 * to trigger. `prepare(path)` subscribes first, so the reply cannot slip by
 * between triggering and waiting:
 *
 *   const waiter = await awaiter.prepare('service-id');
 *   bus.send(trigger);
 *   const reply = await waiter.wait();
 */
export class Awaiter {
  private readonly bus: EventBus;
  readonly system: string;
  readonly kind: string | undefined;
  private readonly timeoutMs: number;

  constructor(bus: EventBus, system: string, kind?: string, options: AwaiterOptions = {}) {
    this.bus = bus;
    this.system = system;
    this.kind = kind;
    this.timeoutMs = checkTimeout(options.timeoutMs ?? DEFAULT_AWAIT_TIMEOUT_MS);
  }

  /** Subscribes for the first event with this `path`; resolves once the subscription is live. */
  async prepare(path: string, options: PrepareOptions = {}): Promise<Waiter> {
    if (typeof path !== 'string') throw new InvalidArgumentError(`awaited path must be a string, got ${describeValue(path)}`);
    const timeoutMs = options.timeoutMs === undefined ? this.timeoutMs : checkTimeout(options.timeoutMs);
    const signal = options.signal;
    const subscription = await this.bus.subscribe(this.system, this.kind, {
      // The consumer below takes every event synchronously, so nothing is ever buffered.
      bufferSize: 1,
      overflow: 'dropNewest',
      ...(signal !== undefined && { signal }),
    });
    return new Waiter(subscription, this.system, this.kind ?? '', path, timeoutMs, signal);
  }
}

/** One prepared wait. Close it if you end up not calling `wait()`. */
export class Waiter {
  readonly path: string;
  private readonly subscription: Subscription;
  private readonly system: string;
  private readonly kind: string;
  private readonly timeoutMs: number;
  private readonly signal: AbortSignal | undefined;
  private result: Event | undefined = undefined;
  private failure: EventBusError | undefined = undefined;
  private userClosed = false;
  private waiting: Promise<Event> | null = null;
  private resolveWait: ((e: Event) => void) | null = null;
  private rejectWait: ((e: unknown) => void) | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;

  /** @internal Use `Awaiter.prepare`. */
  constructor(
    subscription: Subscription,
    system: string,
    kind: string,
    path: string,
    timeoutMs: number,
    signal: AbortSignal | undefined,
  ) {
    this.subscription = subscription;
    this.system = system;
    this.kind = kind;
    this.path = path;
    this.timeoutMs = timeoutMs;
    this.signal = signal;
    (subscription as Channel).attach({
      handle: (event) => {
        if (event.path !== this.path || this.result !== undefined || this.failure !== undefined) return;
        this.result = event;
        void this.subscription.close();
        this.settle();
      },
      fail: () => undefined, // handle() cannot throw
      end: () => {
        if (this.result !== undefined || this.failure !== undefined) return;
        this.failure = this.signal?.aborted
          ? new AbortedError(`waiting for "${this.path}"`, this.signal.reason)
          : this.userClosed
            ? new EventBusError('WAITER_CLOSED', `the waiter for path "${this.path}" was closed before its event arrived`)
            : new BusClosedError(`waiting for system="${this.system}" kind="${this.kind}" path="${this.path}"`);
        this.settle();
      },
    });
  }

  /**
   * Resolves with the first event for this path (even one that arrived before
   * this call), or rejects with `AwaitTimeoutError` after the timeout, which
   * starts now. Calling it again returns the same promise.
   */
  wait(): Promise<Event> {
    if (this.waiting !== null) return this.waiting;
    if (this.result !== undefined) return (this.waiting = Promise.resolve(this.result));
    if (this.failure !== undefined) return (this.waiting = Promise.reject(this.failure));
    this.waiting = new Promise<Event>((resolve, reject) => {
      this.resolveWait = resolve;
      this.rejectWait = reject;
    });
    if (this.timeoutMs !== Infinity) {
      this.timer = setTimeout(() => {
        this.timer = null;
        if (this.result !== undefined || this.failure !== undefined) return;
        this.failure = new AwaitTimeoutError(this.system, this.kind, this.path, this.timeoutMs);
        void this.subscription.close();
        this.settle();
      }, this.timeoutMs);
    }
    return this.waiting;
  }

  /** Cancels the wait (a pending `wait()` rejects with code WAITER_CLOSED) and unsubscribes. */
  close(): Promise<void> {
    this.userClosed = true;
    return this.subscription.close();
  }

  private settle(): void {
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    const resolve = this.resolveWait;
    const reject = this.rejectWait;
    this.resolveWait = null;
    this.rejectWait = null;
    if (this.result !== undefined) resolve?.(this.result);
    else if (reject !== null) reject(this.failure);
  }
}
