import { InvalidArgumentError } from './errors.js';
import type { Event, OverflowPolicy, Subscription } from './types.js';

/** Results of `Channel.push`, as small integers because the loop checks one per delivery. */
export const PUSH_OK = 0;
/** dropNewest: the buffer was full and this event was refused. */
export const PUSH_DROPPED = 1;
/** dropOldest: the event was taken, and the oldest buffered one was evicted to make room. */
export const PUSH_EVICTED = 2;
/** block: the buffer is full; the caller should wait for `roomAvailable` and retry. */
export const PUSH_FULL = 3;
/** The channel has ended; nothing was taken. */
export const PUSH_CLOSED = 4;

const POLICY_BLOCK = 0;
const POLICY_DROP_OLDEST = 1;
const POLICY_DROP_NEWEST = 2;

const OPEN = 0;
/** The bus stopped: no new events, but readers still get what is buffered. */
const DRAINING = 1;
const ENDED = 2;
const STATE_MASK = 3;
/** A consumer call is running. */
const BUSY = 4;
/** consumer.end() was called. */
const END_NOTIFIED = 8;
/** Someone got PUSH_FULL and waits for `roomAvailable`. */
const ROOM_WANTED = 16;
const POLICY_SHIFT = 5;

/** The in-flight call of an async consumer, and the callbacks that finish it (made once per channel). */
interface AsyncCall {
  inflight: Event | undefined;
  readonly settled: () => void;
  readonly rejected: (error: unknown) => void;
}

/** Buffer slots allocated up front; the ring grows toward `bufferSize` only when needed. */
const INITIAL_RING = 8;
export const MAX_BUFFER_SIZE = 1 << 24;

const DONE: IteratorResult<Event, undefined> = Object.freeze({ value: undefined, done: true });

export function policyCode(policy: OverflowPolicy | undefined, fallback: number): number {
  switch (policy) {
    case undefined:
      return fallback;
    case 'block':
      return POLICY_BLOCK;
    case 'dropOldest':
      return POLICY_DROP_OLDEST;
    case 'dropNewest':
      return POLICY_DROP_NEWEST;
    default:
      throw new InvalidArgumentError(
        `overflow must be 'block', 'dropOldest' or 'dropNewest', got ${JSON.stringify(policy)}`,
      );
  }
}

export function checkBufferSize(size: unknown, what: string): number {
  if (typeof size !== 'number' || !Number.isInteger(size) || size < 1 || size > MAX_BUFFER_SIZE) {
    throw new InvalidArgumentError(
      `${what} must be an integer from 1 to ${MAX_BUFFER_SIZE}, got ${typeof size === 'number' ? size : typeof size}`,
    );
  }
  return size;
}

/**
 * Takes the events of a channel instead of `next()`: a callback consumer that
 * the bus loop calls directly while it is idle, so a synchronous handler costs
 * one call per event and no promise. Events that arrive while an async handler
 * runs wait in the ring buffer.
 */
export interface ChannelConsumer {
  /** May return a promise; the next event waits until it settles. */
  handle(event: Event): unknown;
  /** A handler threw or its promise rejected. Must not throw. */
  fail(error: unknown, event: Event): void;
  /** The channel ended and no handler call is running any more. Called once. */
  end(): void;
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

/**
 * A bounded, async-iterable channel of events. The bus pushes; a reader pulls
 * with `next()` or `for await`, or a consumer is attached. Pushing to an idle
 * channel with no waiting reader stores into a ring buffer: no promise, no allocation.
 */
export class Channel implements Subscription {
  readonly id: number;
  private ring: Array<Event | undefined> | null = null;
  private head = 0;
  private count = 0;
  private readonly cap: number;
  /**
   * State, overflow policy and flags packed in one small integer: a bus may hold
   * thousands of idle channels, and each separate field costs a heap slot.
   */
  private bits: number;
  private droppedCount = 0;
  private readers: Array<(r: IteratorResult<Event, undefined>) => void> | null = null;
  private consumer: ChannelConsumer | null = null;
  /** Only for consumers whose handler returned a promise. */
  private async: AsyncCall | null = null;

  constructor(id: number, bufferSize: number, policy: number) {
    this.id = id;
    this.cap = bufferSize;
    this.bits = OPEN | (policy << POLICY_SHIFT);
  }

  private get state(): number {
    return this.bits & STATE_MASK;
  }

  private set state(state: number) {
    this.bits = (this.bits & ~STATE_MASK) | state;
  }

  private get policy(): number {
    return (this.bits >> POLICY_SHIFT) & 3;
  }

  private flag(f: number): boolean {
    return (this.bits & f) !== 0;
  }

  private setFlag(f: number, on: boolean): void {
    this.bits = on ? this.bits | f : this.bits & ~f;
  }

  get dropped(): number {
    return this.droppedCount;
  }

  get closed(): boolean {
    return this.state === ENDED;
  }

  /** Events waiting in the buffer. */
  get buffered(): number {
    return this.count;
  }

  /** Called when a blocked pusher can retry: room was made, or the channel ended. */
  protected roomAvailable(): void {}

  /** Called by `close()`; the bus removes the subscription. */
  protected requestRemoval(): Promise<void> {
    return Promise.resolve();
  }

  push(event: Event): number {
    if (this.state !== OPEN) return PUSH_CLOSED;
    if (this.count === 0) {
      if (this.consumer !== null) {
        if (!this.flag(BUSY)) {
          this.invoke(event);
          return PUSH_OK;
        }
      } else if (this.readers !== null && this.readers.length > 0) {
        this.readers.shift()!({ value: event, done: false });
        return PUSH_OK;
      }
    }
    if (this.count < this.cap) {
      this.store(event);
      return PUSH_OK;
    }
    if (this.policy === POLICY_DROP_NEWEST) {
      this.droppedCount++;
      return PUSH_DROPPED;
    }
    if (this.policy === POLICY_DROP_OLDEST) {
      this.take();
      this.droppedCount++;
      this.store(event);
      return PUSH_EVICTED;
    }
    this.setFlag(ROOM_WANTED, true);
    return PUSH_FULL;
  }

  next(): Promise<IteratorResult<Event, undefined>> {
    if (this.consumer !== null) {
      return Promise.reject(new InvalidArgumentError(`subscription ${this.id} is consumed by a handler; it cannot also be read`));
    }
    if (this.count > 0) {
      const event = this.take();
      if (this.state === DRAINING && this.count === 0) this.state = ENDED;
      return Promise.resolve({ value: event, done: false });
    }
    if (this.state !== OPEN) {
      this.state = ENDED;
      return Promise.resolve(DONE);
    }
    return new Promise((resolve) => {
      (this.readers ??= []).push(resolve);
    });
  }

  return(): Promise<IteratorResult<Event, undefined>> {
    // Not awaited: a for-await `break` must not wait behind a loop that is blocked elsewhere.
    void this.close();
    return Promise.resolve(DONE);
  }

  close(): Promise<void> {
    this.end(true);
    return this.requestRemoval();
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  /**
   * Ends the channel. `discard` (close, abort) drops what is buffered; otherwise
   * (the bus stopped) readers and the consumer get the buffered events first.
   */
  end(discard: boolean): void {
    if (this.state === ENDED) return;
    if (discard || this.count === 0) {
      this.state = ENDED;
      this.clearRing();
    } else {
      this.state = DRAINING;
    }
    const readers = this.readers;
    if (readers !== null && readers.length > 0) {
      this.readers = null;
      for (const r of readers) r(DONE);
    }
    if (this.flag(ROOM_WANTED)) {
      this.setFlag(ROOM_WANTED, false);
      this.roomAvailable();
    }
    if (this.consumer !== null && !this.flag(BUSY)) this.pump();
  }

  /** Hands the channel to a callback consumer; events already buffered go to it first. */
  attach(consumer: ChannelConsumer): void {
    if (this.consumer !== null || (this.readers !== null && this.readers.length > 0)) {
      throw new InvalidArgumentError(`subscription ${this.id} already has a reader`);
    }
    this.consumer = consumer;
    this.pump();
  }

  private store(event: Event): void {
    let ring = this.ring;
    if (ring === null) {
      ring = this.ring = new Array<Event | undefined>(Math.min(this.cap, INITIAL_RING));
    } else if (this.count === ring.length) {
      ring = this.grow(ring);
    }
    let tail = this.head + this.count;
    if (tail >= ring.length) tail -= ring.length;
    ring[tail] = event;
    this.count++;
  }

  private grow(ring: Array<Event | undefined>): Array<Event | undefined> {
    const bigger = new Array<Event | undefined>(Math.min(this.cap, ring.length * 2));
    for (let i = 0; i < this.count; i++) bigger[i] = ring[(this.head + i) % ring.length];
    this.head = 0;
    return (this.ring = bigger);
  }

  private take(): Event {
    const ring = this.ring!;
    const event = ring[this.head]!;
    ring[this.head] = undefined;
    this.head = this.head + 1 === ring.length ? 0 : this.head + 1;
    this.count--;
    if (this.flag(ROOM_WANTED)) {
      this.setFlag(ROOM_WANTED, false);
      this.roomAvailable();
    }
    return event;
  }

  private clearRing(): void {
    this.ring = null;
    this.head = 0;
    this.count = 0;
  }

  private invoke(event: Event): void {
    const consumer = this.consumer!;
    this.bits |= BUSY;
    let result: unknown;
    try {
      result = consumer.handle(event);
    } catch (error) {
      consumer.fail(error, event);
      result = undefined;
    }
    if (isThenable(result)) {
      const call = (this.async ??= {
        inflight: undefined,
        settled: () => this.afterAsync(),
        rejected: (error: unknown) => {
          this.consumer!.fail(error, this.async!.inflight!);
          this.afterAsync();
        },
      });
      call.inflight = event;
      result.then(call.settled, call.rejected);
      return;
    }
    this.bits &= ~BUSY;
    if (this.state === ENDED) this.notifyEnd();
  }

  private afterAsync(): void {
    this.async!.inflight = undefined;
    this.bits &= ~BUSY;
    this.pump();
  }

  private pump(): void {
    while (!this.flag(BUSY) && this.count > 0 && this.state !== ENDED) this.invoke(this.take());
    if (this.flag(BUSY)) return;
    if (this.state === DRAINING && this.count === 0) this.state = ENDED;
    if (this.state === ENDED) this.notifyEnd();
  }

  private notifyEnd(): void {
    if (this.flag(END_NOTIFIED) || this.consumer === null) return;
    this.bits |= END_NOTIFIED;
    this.consumer.end();
  }
}
