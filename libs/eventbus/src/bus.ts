import { Channel, PUSH_DROPPED, PUSH_EVICTED, PUSH_FULL, PUSH_OK, checkBufferSize, policyCode } from './channel.js';
import {
  AbortedError,
  BadPatternError,
  BusClosedError,
  InvalidArgumentError,
  InvalidEventError,
  TooManySubscribersError,
  describeValue,
} from './errors.js';
import { compileFilter, parsePattern, type Matcher, type ParsedPattern } from './pattern.js';
import { SubscriptionIndex, type Indexed } from './trie.js';
import type { BusStats, Event, EventBusOptions, SendOptions, SubscribeOptions, Subscription } from './types.js';

export const DEFAULT_MAX_SUBSCRIBERS = 4096;
export const DEFAULT_BUFFER_SIZE = 16;

// Actions travel through the queue as (op, payload) pairs in a flat array, so a
// send costs two array slots and no wrapper object.
const OP_SEND = 0;
const OP_SEND_SIGNAL = 1;
const OP_SUBSCRIBE = 2;
const OP_REMOVE = 3;
const OP_UNSUBSCRIBE = 4;
const OP_FLUSH = 5;
const OP_STOP = 6;

/**
 * Batches the loop works through in one macrotask turn before it lets the event
 * loop run timers and I/O. Counted across wake-ups, not per wake-up: a consumer
 * that answers every event with a send re-wakes the loop from a microtask each
 * time, and would otherwise starve everything that is not a microtask.
 */
const BATCHES_PER_TURN = 64;
/** A queue array longer than this after a burst is released rather than kept as the spare. */
const QUEUE_RETAIN_SLOTS = 1 << 13;

interface SendWithSignal {
  readonly event: Event;
  readonly signal: AbortSignal;
}

interface UnsubscribeRequest {
  readonly id: number;
  readonly resolve: (removed: boolean) => void;
}

interface AbortLink {
  readonly signal: AbortSignal;
  readonly listener: () => void;
}

interface PendingSubscribe {
  readonly resolve: (value: Subscription) => void;
  readonly reject: (error: unknown) => void;
}

interface Removal {
  readonly promise: Promise<void>;
  resolve: (() => void) | null;
}

/**
 * The bus's record of a subscription: the channel plus what the loop needs to
 * route to it. Rarely used parts (signal, pending subscribe, removal) live in
 * side objects so that an idle subscription stays small.
 */
class BusSubscription extends Channel implements Indexed {
  readonly systemFilter: ParsedPattern | null;
  readonly kindFilter: Matcher | null;
  indexSlot = -1;
  active = false;
  /** The subscription's signal, until the subscription is applied. Then `abort` takes over. */
  signal: AbortSignal | null;
  abort: AbortLink | null = null;
  pending: PendingSubscribe | null = null;
  removal: Removal | null = null;
  private readonly bus: Dispatcher;

  constructor(
    bus: Dispatcher,
    id: number,
    systemFilter: ParsedPattern | null,
    kindFilter: Matcher | null,
    bufferSize: number,
    policy: number,
    signal: AbortSignal | null,
  ) {
    super(id, bufferSize, policy);
    this.bus = bus;
    this.systemFilter = systemFilter;
    this.kindFilter = kindFilter;
    this.signal = signal;
  }

  get systemPattern(): string {
    return this.systemFilter === null ? '' : this.systemFilter.pattern;
  }

  protected override roomAvailable(): void {
    this.bus.wake();
  }

  protected override requestRemoval(): Promise<void> {
    return this.bus.remove(this);
  }
}

/**
 * The dispatcher loop behind an EventBus. Publishers only append actions to a
 * queue; the loop (started by one microtask however many actions arrive) owns
 * the subscriber index and works through the queue in order, so no state is
 * shared between callers and the loop.
 */
class Dispatcher {
  private queue: unknown[] = [];
  private spare: unknown[] = [];
  private qlen = 0;
  private scheduled = false;
  /** Batches in the current macrotask turn; reset by `turnEnd` when the turn is over. */
  private batchesThisTurn = 0;
  private turnEnd: ReturnType<typeof setImmediate> | null = null;
  private closing = false;
  private ended = false;
  private stopPromise: Promise<void> | null = null;
  private stopResolve: (() => void) | null = null;
  private wakeBlocked: (() => void) | null = null;
  private readonly index = new SubscriptionIndex<BusSubscription>();
  private readonly byId = new Map<number, BusSubscription>();
  private readonly matches: Array<BusSubscription | undefined> = [];
  private nextId = 1;
  private active = 0;
  private sentCount = 0;
  private deliveredCount = 0;
  private droppedCount = 0;
  private readonly maxSubscribers: number;
  private readonly defaultBufferSize: number;
  private readonly defaultPolicy: number;
  /** Where Subscriber handler errors go when a Subscriber has no onError of its own. */
  readonly onError: ((error: unknown, event: Event) => void) | undefined;

  private readonly runLoop = (): void => {
    void this.run();
  };
  private readonly wakeListener = (): void => {
    this.wake();
  };
  private readonly resetTurn = (): void => {
    this.turnEnd = null;
    this.batchesThisTurn = 0;
  };

  constructor(options: EventBusOptions = {}) {
    if (options === null || typeof options !== 'object') {
      throw new InvalidArgumentError(`EventBus options must be an object, got ${describeValue(options)}`);
    }
    const max = options.maxSubscribers ?? DEFAULT_MAX_SUBSCRIBERS;
    if (typeof max !== 'number' || !Number.isInteger(max) || max < 1) {
      throw new InvalidArgumentError(`maxSubscribers must be a positive integer, got ${describeValue(max)}`);
    }
    this.maxSubscribers = max;
    this.defaultBufferSize = checkBufferSize(options.bufferSize ?? DEFAULT_BUFFER_SIZE, 'bufferSize');
    this.defaultPolicy = policyCode(options.overflow, 0);
    if (options.onError !== undefined && typeof options.onError !== 'function') {
      throw new InvalidArgumentError(`onError must be a function, got ${describeValue(options.onError)}`);
    }
    this.onError = options.onError;
  }

  get closed(): boolean {
    return this.closing;
  }

  subscribe(system: string, kind?: string, options: SubscribeOptions = {}): Promise<Subscription> {
    let sub: BusSubscription;
    try {
      sub = this.prepare(system, kind, options);
    } catch (error) {
      return Promise.reject(error);
    }
    if (this.closing) return Promise.reject(new BusClosedError(`subscribe to "${system}"`));
    const p = new Promise<Subscription>((resolve, reject) => {
      sub.pending = { resolve, reject };
    });
    this.enqueue(OP_SUBSCRIBE, sub);
    return p;
  }

  unsubscribe(id: number): Promise<boolean> {
    if (typeof id !== 'number') {
      return Promise.reject(new InvalidArgumentError(`subscription id must be a number, got ${describeValue(id)}`));
    }
    const sub = this.byId.get(id);
    if (this.ended) return Promise.resolve(false);
    return new Promise<boolean>((resolve) => {
      // Ending the channel now, not when the loop gets there, means no event sent
      // after this call reaches the subscriber, even if the loop is blocked.
      sub?.end(true);
      this.enqueue(OP_UNSUBSCRIBE, { id, resolve } satisfies UnsubscribeRequest);
    });
  }

  send(event: Event, options?: SendOptions): boolean {
    if (event === null || typeof event !== 'object') {
      throw new InvalidArgumentError(`send expects an event object, got ${describeValue(event)}`);
    }
    if (typeof event.system !== 'string') throw new InvalidEventError('system', event.system);
    if (typeof event.kind !== 'string') throw new InvalidEventError('kind', event.kind);
    if (typeof event.path !== 'string') throw new InvalidEventError('path', event.path);
    if (this.closing) return false;
    const signal = options?.signal;
    if (signal === undefined) {
      this.enqueue(OP_SEND, event);
    } else {
      if (!(signal instanceof AbortSignal)) {
        throw new InvalidArgumentError(`send signal must be an AbortSignal, got ${describeValue(signal)}`);
      }
      if (signal.aborted) return false;
      this.enqueue(OP_SEND_SIGNAL, { event, signal } satisfies SendWithSignal);
    }
    return true;
  }

  flush(): Promise<void> {
    if (this.ended) return Promise.resolve();
    return new Promise<void>((resolve) => this.enqueue(OP_FLUSH, resolve));
  }

  /** `closing` takes effect at once: the loop discards whatever is still queued. */
  stop(): Promise<void> {
    if (this.stopPromise === null) {
      this.closing = true;
      this.stopPromise = new Promise<void>((resolve) => {
        this.stopResolve = resolve;
      });
      this.enqueue(OP_STOP, null);
      this.wake();
    }
    return this.stopPromise;
  }

  stats(): BusStats {
    return {
      subscribers: this.active,
      sent: this.sentCount,
      delivered: this.deliveredCount,
      dropped: this.droppedCount,
      queued: this.qlen >> 1,
    };
  }

  /** Wakes a delivery that waits for room. */
  wake(): void {
    const w = this.wakeBlocked;
    if (w !== null) {
      this.wakeBlocked = null;
      w();
    }
  }

  /** Queues the removal of a subscription whose channel already ended. */
  remove(sub: BusSubscription): Promise<void> {
    if (sub.removal !== null) return sub.removal.promise;
    if (this.ended || !sub.active) return Promise.resolve();
    let resolve!: () => void;
    const promise = new Promise<void>((r) => {
      resolve = r;
    });
    sub.removal = { promise, resolve };
    this.enqueue(OP_REMOVE, sub);
    return promise;
  }

  private prepare(system: string, kind: string | undefined, options: SubscribeOptions): BusSubscription {
    if (typeof system !== 'string') throw new BadPatternError('system pattern', system);
    if (kind !== undefined && typeof kind !== 'string') throw new BadPatternError('kind pattern', kind);
    if (options === null || typeof options !== 'object') {
      throw new InvalidArgumentError(`subscribe options must be an object, got ${describeValue(options)}`);
    }
    const bufferSize =
      options.bufferSize === undefined ? this.defaultBufferSize : checkBufferSize(options.bufferSize, 'bufferSize');
    const policy = policyCode(options.overflow, this.defaultPolicy);
    const signal = options.signal ?? null;
    if (signal !== null && !(signal instanceof AbortSignal)) {
      throw new InvalidArgumentError(`subscribe signal must be an AbortSignal, got ${describeValue(signal)}`);
    }
    const systemFilter = system === '' ? null : parsePattern(system);
    return new BusSubscription(
      this,
      this.nextId++,
      systemFilter,
      compileFilter(kind),
      bufferSize,
      policy,
      signal,
    );
  }

  private enqueue(op: number, payload: unknown): void {
    const q = this.queue;
    const n = this.qlen;
    q[n] = op;
    q[n + 1] = payload;
    this.qlen = n + 2;
    if (!this.scheduled) {
      this.scheduled = true;
      // Over budget, the wake-up waits for the next turn (after `resetTurn`, queued earlier).
      if (this.batchesThisTurn < BATCHES_PER_TURN) queueMicrotask(this.runLoop);
      else setImmediate(this.runLoop);
    }
  }

  private async run(): Promise<void> {
    while (this.qlen > 0) {
      this.turnEnd ??= setImmediate(this.resetTurn);
      if (++this.batchesThisTurn > BATCHES_PER_TURN) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        this.turnEnd ??= setImmediate(this.resetTurn);
        this.batchesThisTurn++;
      }
      // Swap: publishers now append to the spare array while this batch is worked through.
      const batch = this.queue;
      const n = this.qlen;
      this.queue = this.spare;
      this.qlen = 0;
      for (let i = 0; i < n; i += 2) {
        const op = batch[i] as number;
        const payload = batch[i + 1];
        batch[i + 1] = undefined;
        if (this.closing) {
          this.discard(op, payload);
          continue;
        }
        switch (op) {
          case OP_SEND: {
            const blocked = this.dispatch(payload as Event, null);
            if (blocked !== null) await blocked;
            break;
          }
          case OP_SEND_SIGNAL: {
            const s = payload as SendWithSignal;
            const blocked = this.dispatch(s.event, s.signal);
            if (blocked !== null) await blocked;
            break;
          }
          case OP_SUBSCRIBE:
            this.applySubscribe(payload as BusSubscription);
            break;
          case OP_REMOVE:
            this.applyRemove(payload as BusSubscription);
            break;
          case OP_UNSUBSCRIBE:
            this.applyUnsubscribe(payload as UnsubscribeRequest);
            break;
          case OP_FLUSH:
            (payload as () => void)();
            break;
          default:
            break; // OP_STOP: `closing` is already set; the rest of the queue is discarded.
        }
      }
      if (batch.length > QUEUE_RETAIN_SLOTS) batch.length = 0;
      this.spare = batch;
    }
    this.scheduled = false;
    if (this.closing) this.finish();
  }

  /**
   * Delivers one event synchronously. If a `block` subscriber is full, returns a
   * promise that finishes the delivery (the loop awaits it, so later actions wait).
   */
  private dispatch(event: Event, signal: AbortSignal | null): Promise<void> | null {
    if (signal !== null && signal.aborted) return null;
    this.sentCount++;
    const out = this.matches;
    const n = this.index.collect(event.system, out as BusSubscription[]);
    for (let j = 0; j < n; j++) {
      const sub = out[j]!;
      if (sub.kindFilter !== null && !sub.kindFilter.match(event.kind)) continue;
      const r = sub.push(event);
      if (r === PUSH_OK) this.deliveredCount++;
      else if (r === PUSH_FULL) return this.dispatchBlocked(event, signal, j, n);
      else if (r === PUSH_EVICTED) {
        this.deliveredCount++;
        this.droppedCount++;
      } else if (r === PUSH_DROPPED) this.droppedCount++;
      if (signal !== null && signal.aborted) break;
    }
    this.releaseMatches(n);
    return null;
  }

  private async dispatchBlocked(event: Event, signal: AbortSignal | null, from: number, n: number): Promise<void> {
    const out = this.matches;
    try {
      for (let j = from; j < n; j++) {
        const sub = out[j]!;
        if (sub.kindFilter !== null && !sub.kindFilter.match(event.kind)) continue;
        for (;;) {
          // Stopping abandons the wait; an aborted event stops the rest of its delivery.
          if (this.closing || (signal !== null && signal.aborted)) return;
          const r = sub.push(event);
          if (r !== PUSH_FULL) {
            if (r === PUSH_OK) this.deliveredCount++;
            else if (r === PUSH_EVICTED) {
              this.deliveredCount++;
              this.droppedCount++;
            } else if (r === PUSH_DROPPED) this.droppedCount++;
            break;
          }
          await this.waitForWake(signal);
        }
      }
    } finally {
      this.releaseMatches(n);
    }
  }

  private waitForWake(signal: AbortSignal | null): Promise<void> {
    if (signal === null) {
      return new Promise<void>((resolve) => {
        this.wakeBlocked = resolve;
      });
    }
    signal.addEventListener('abort', this.wakeListener, { once: true });
    return new Promise<void>((resolve) => {
      this.wakeBlocked = resolve;
    }).then(() => signal.removeEventListener('abort', this.wakeListener));
  }

  /** Drops references to matched subscriptions so a closed one is not kept alive by the scratch array. */
  private releaseMatches(n: number): void {
    const out = this.matches;
    for (let j = 0; j < n; j++) out[j] = undefined;
  }

  private applySubscribe(sub: BusSubscription): void {
    const pending = sub.pending!;
    sub.pending = null;
    const signal = sub.signal;
    sub.signal = null;
    if (signal !== null && signal.aborted) {
      sub.end(true);
      pending.reject(new AbortedError(`subscribe to "${sub.systemPattern}"`, signal.reason));
      return;
    }
    if (this.active >= this.maxSubscribers) {
      sub.end(true);
      pending.reject(new TooManySubscribersError(this.maxSubscribers, sub.systemPattern));
      return;
    }
    this.index.add(sub);
    this.byId.set(sub.id, sub);
    this.active++;
    sub.active = true;
    if (signal !== null) {
      const listener = (): void => {
        void sub.close();
      };
      sub.abort = { signal, listener };
      signal.addEventListener('abort', listener, { once: true });
    }
    pending.resolve(sub);
  }

  private applyRemove(sub: BusSubscription): void {
    if (sub.active) {
      sub.active = false;
      this.index.remove(sub);
      this.byId.delete(sub.id);
      this.active--;
      this.detach(sub);
      sub.end(true);
    }
    this.settleRemoval(sub);
  }

  private settleRemoval(sub: BusSubscription): void {
    const removal = sub.removal;
    if (removal !== null && removal.resolve !== null) {
      const resolve = removal.resolve;
      removal.resolve = null;
      resolve();
    }
  }

  private detach(sub: BusSubscription): void {
    const abort = sub.abort;
    if (abort !== null) {
      abort.signal.removeEventListener('abort', abort.listener);
      sub.abort = null;
    }
  }

  private applyUnsubscribe(req: UnsubscribeRequest): void {
    const sub = this.byId.get(req.id);
    if (sub !== undefined) this.applyRemove(sub);
    req.resolve(sub !== undefined);
  }

  private discard(op: number, payload: unknown): void {
    switch (op) {
      case OP_SUBSCRIBE: {
        const sub = payload as BusSubscription;
        const pending = sub.pending!;
        sub.pending = null;
        sub.signal = null;
        sub.end(true);
        pending.reject(new BusClosedError(`subscribe to "${sub.systemPattern}"`));
        break;
      }
      case OP_REMOVE:
        this.applyRemove(payload as BusSubscription);
        break;
      case OP_UNSUBSCRIBE:
        this.applyUnsubscribe(payload as UnsubscribeRequest);
        break;
      case OP_FLUSH:
        (payload as () => void)();
        break;
      default:
        break; // sends are dropped; OP_STOP carries nothing
    }
  }

  private finish(): void {
    for (const sub of this.byId.values()) {
      sub.active = false;
      this.detach(sub);
      // The bus stopped, the subscriber did not: it may still read what was delivered.
      sub.end(false);
      this.settleRemoval(sub);
    }
    this.byId.clear();
    this.index.clear();
    this.active = 0;
    this.ended = true;
    this.wakeBlocked = null;
    if (this.turnEnd !== null) {
      clearImmediate(this.turnEnd);
      this.turnEnd = null;
    }
    this.queue = [];
    this.spare = [];
    const resolve = this.stopResolve;
    this.stopResolve = null;
    resolve?.();
  }
}

/**
 * A publish/subscribe bus run by one dispatcher loop (see Dispatcher).
 * `subscribe`/`unsubscribe` resolve once the loop applied them; `send` only
 * queues; per subscriber, events arrive in send order.
 */
export class EventBus {
  private readonly dispatcher: Dispatcher;

  constructor(options: EventBusOptions = {}) {
    this.dispatcher = new Dispatcher(options);
  }

  /** True once `stop()` has been called. */
  get closed(): boolean {
    return this.dispatcher.closed;
  }

  /** Where Subscriber handler errors go when a Subscriber has no onError of its own. */
  get onError(): ((error: unknown, event: Event) => void) | undefined {
    return this.dispatcher.onError;
  }

  /**
   * Subscribes to events whose system matches `system` and, if given, whose kind
   * matches `kind`. An empty or missing pattern means "no filter". Resolves once
   * the loop has added the subscription: every event sent after this call reaches it.
   */
  subscribe(system: string, kind?: string, options?: SubscribeOptions): Promise<Subscription> {
    return this.dispatcher.subscribe(system, kind, options);
  }

  /** Removes a subscription by id; resolves with whether it was subscribed, once the loop applied it. */
  unsubscribe(id: number): Promise<boolean> {
    return this.dispatcher.unsubscribe(id);
  }

  /**
   * Publishes an event; never blocks and never throws for a closed bus (it returns
   * false instead). Throws `InvalidEventError` if `event` is not an Event.
   */
  send(event: Event, options?: SendOptions): boolean {
    return this.dispatcher.send(event, options);
  }

  /** Resolves once every action queued before this call has been processed. */
  flush(): Promise<void> {
    return this.dispatcher.flush();
  }

  /**
   * Stops the bus. Idempotent. Subscriptions are cleared (their channels end after
   * their buffered events), actions still queued are discarded (subscribes fail with
   * "bus is closed", unsubscribes complete, sends are dropped), and a delivery the
   * loop is blocked on is abandoned. Resolves when the loop has ended.
   */
  stop(): Promise<void> {
    return this.dispatcher.stop();
  }

  stats(): BusStats {
    return this.dispatcher.stats();
  }
}

export function createEventBus(options?: EventBusOptions): EventBus {
  return new EventBus(options);
}
