/** An event on the bus. `system` and `kind` are what subscriptions filter on. */
export interface Event {
  /** The component or module that emitted it, e.g. "registry", "process.lua". */
  readonly system: string;
  /** What happened, e.g. "create", "exit". */
  readonly kind: string;
  /** Which entity it is about. */
  readonly path: string;
  readonly data?: unknown;
}

/** What a subscription does with an event when its buffer is full. */
export type OverflowPolicy = 'block' | 'dropOldest' | 'dropNewest';

export interface SubscribeOptions {
  /** Events buffered for this subscriber before the overflow policy applies (default 16). */
  readonly bufferSize?: number;
  /** Default `'block'`: the bus waits for room, keeping later events queued in order. */
  readonly overflow?: OverflowPolicy;
  /** Aborting it removes the subscription and ends its channel. */
  readonly signal?: AbortSignal;
}

export interface SendOptions {
  /** Aborting it stops the rest of this event's delivery (e.g. while the bus waits for room). */
  readonly signal?: AbortSignal;
}

export interface EventBusOptions {
  /** Subscribers allowed at once (default 4096). */
  readonly maxSubscribers?: number;
  /** Default buffer size of a subscription (default 16). */
  readonly bufferSize?: number;
  /** Default overflow policy of a subscription (default 'block'). */
  readonly overflow?: OverflowPolicy;
  /** Where `Subscriber` handler errors go when the Subscriber has no `onError` of its own. */
  readonly onError?: (error: unknown, event: Event) => void;
}

export interface BusStats {
  /** Subscriptions the loop currently delivers to. */
  readonly subscribers: number;
  /** Events the loop has dispatched (send calls it processed). */
  readonly sent: number;
  /** Event copies handed to subscribers (a channel buffer, a waiting reader or a handler). */
  readonly delivered: number;
  /** Event copies lost to an overflow policy (dropNewest refusals, dropOldest evictions). */
  readonly dropped: number;
  /** Actions waiting in the queue. */
  readonly queued: number;
}

/**
 * A subscription: an async-iterable channel of events.
 * `for await (const e of sub)` reads it; breaking out of the loop closes it.
 */
export interface Subscription {
  readonly id: number;
  /** Events this subscriber lost to its overflow policy. */
  readonly dropped: number;
  /** True once the channel has ended (closed, aborted, or the bus stopped and the buffer is empty). */
  readonly closed: boolean;
  next(): Promise<IteratorResult<Event, undefined>>;
  return(): Promise<IteratorResult<Event, undefined>>;
  /** Ends the channel at once (buffered events are discarded); resolves when the bus has removed it. */
  close(): Promise<void>;
  [Symbol.asyncIterator](): Subscription;
}
