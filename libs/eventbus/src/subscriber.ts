import type { EventBus } from './bus.js';
import type { Channel, ChannelConsumer } from './channel.js';
import { InvalidArgumentError, describeValue } from './errors.js';
import type { Event, SubscribeOptions, Subscription } from './types.js';

/** Called for each event; a returned promise holds back the next event until it settles. */
export type EventHandler = (event: Event) => void | Promise<void>;

export type ErrorHandler = (error: unknown, event: Event) => void;

export interface SubscriberOptions extends SubscribeOptions {
  /**
   * Receives handler errors (throws and rejections). Defaults to the bus's
   * `onError`, then to `console.error`. Errors never reach the bus loop.
   */
  readonly onError?: ErrorHandler;
}

function reportToConsole(error: unknown, event: Event): void {
  console.error(`[eventbus] handler failed for event system="${event.system}" kind="${event.kind}" path="${event.path}":`, error);
}

/** Feeds a channel's events to the handler; kept apart so Subscriber's public face stays small. */
class HandlerConsumer implements ChannelConsumer {
  private readonly handler: EventHandler;
  private readonly onError: ErrorHandler;
  // `done` is made on demand: most subscribers never ask for it, and an idle
  // subscriber should cost as little heap as possible.
  ended = false;
  done: Promise<void> | null = null;
  private resolveDone: (() => void) | null = null;

  constructor(handler: EventHandler, onError: ErrorHandler) {
    this.handler = handler;
    this.onError = onError;
  }

  handle(event: Event): unknown {
    return this.handler(event);
  }

  fail(error: unknown, event: Event): void {
    try {
      this.onError(error, event);
    } catch {
      // An error handler that throws has nowhere left to report to; the loop must go on.
    }
  }

  end(): void {
    this.ended = true;
    const resolve = this.resolveDone;
    this.resolveDone = null;
    resolve?.();
  }

  whenDone(): Promise<void> {
    return (this.done ??= this.ended
      ? Promise.resolve()
      : new Promise<void>((resolve) => {
          this.resolveDone = resolve;
        }));
  }
}

/**
 * Wraps a subscription in a callback. The handler is called serially: one call
 * at a time, in send order; while an async handler runs, later events wait in
 * the subscription's buffer (and its overflow policy applies). A synchronous
 * handler is called by the bus loop directly, with no promise per event.
 */
export class Subscriber {
  private readonly subscription: Subscription;
  private readonly consumer: HandlerConsumer;

  private constructor(subscription: Subscription, consumer: HandlerConsumer) {
    this.subscription = subscription;
    this.consumer = consumer;
  }

  /** Subscribes and starts calling `handler`; resolves once the bus has applied the subscription. */
  static async start(
    bus: EventBus,
    system: string,
    kind: string | undefined,
    handler: EventHandler,
    options: SubscriberOptions = {},
  ): Promise<Subscriber> {
    if (typeof handler !== 'function') {
      throw new InvalidArgumentError(`Subscriber handler must be a function, got ${describeValue(handler)}`);
    }
    const onError = options.onError ?? bus.onError ?? reportToConsole;
    if (typeof onError !== 'function') {
      throw new InvalidArgumentError(`onError must be a function, got ${describeValue(onError)}`);
    }
    const subscription = await bus.subscribe(system, kind, options);
    const consumer = new HandlerConsumer(handler, onError);
    (subscription as Channel).attach(consumer);
    return new Subscriber(subscription, consumer);
  }

  get id(): number {
    return this.subscription.id;
  }

  /** Events lost to the overflow policy while the handler was busy. */
  get dropped(): number {
    return this.subscription.dropped;
  }

  get closed(): boolean {
    return this.subscription.closed;
  }

  /** Resolves when the subscription has ended and its last handler call has settled. */
  get done(): Promise<void> {
    return this.consumer.whenDone();
  }

  /**
   * Stops the handler from receiving further events and resolves once the bus
   * removed the subscription. A call already running is not interrupted: await
   * `done` to wait for it (not from inside the handler, which would wait for itself).
   */
  close(): Promise<void> {
    return this.subscription.close();
  }
}

/** Same as `Subscriber.start`. */
export function subscribeHandler(
  bus: EventBus,
  system: string,
  kind: string | undefined,
  handler: EventHandler,
  options?: SubscriberOptions,
): Promise<Subscriber> {
  return Subscriber.start(bus, system, kind, handler, options);
}
