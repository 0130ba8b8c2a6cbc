import { CommandBase } from '@switchyard/dispatcher';
import type { Event, OverflowPolicy } from '@switchyard/eventbus';
import type { Handle } from '@switchyard/runtime';
import { checkEvent, checkSubscribe } from './errors.js';

/** Event command IDs (90–99). */
export const EventCommand = {
  Subscribe: 90,
  Send: 91,
  Unsubscribe: 92,
} as const;

/** A subscription in the runtime's resource table, owned by the process that made it (or was given it). */
export type SubscriptionHandle = Handle<'subscription'>;

export interface SubscribeOptions {
  /** Topic the events arrive on as messages (payload: the Event). Default "@event/<system>". */
  topic?: string;
  /**
   * Events of this subscription that may be unread at once: the one in the process mailbox plus
   * those waiting in the subscription's buffer. An integer from 2; default 256.
   */
  bufferSize?: number;
  /**
   * What happens to an event when `bufferSize` are unread. Default 'dropOldest': a process that
   * does not keep up must never stall the bus. 'block' holds the bus until the process reads.
   */
  overflow?: OverflowPolicy;
}

export class SubscribeCmd extends CommandBase<SubscriptionHandle> {
  readonly id = EventCommand.Subscribe;
  constructor(
    readonly system: string,
    readonly kind: string | undefined,
    readonly options: SubscribeOptions,
  ) {
    super();
  }
}

export class PublishCmd extends CommandBase<void> {
  readonly id = EventCommand.Send;
  constructor(readonly event: Event) {
    super();
  }
}

export class UnsubscribeCmd extends CommandBase<void> {
  readonly id = EventCommand.Unsubscribe;
  constructor(readonly subscription: SubscriptionHandle) {
    super();
  }
}

/**
 * Receive bus events matching `system` (and `kind`, when given; wildcard patterns) as messages
 * on a topic. Resolves to the subscription's handle once the bus applied it. Ends with the
 * process that owns it.
 */
export const subscribe = (system: string, kind?: string, options: SubscribeOptions = {}): SubscribeCmd => {
  checkSubscribe('subscribe()', system, kind, options);
  return new SubscribeCmd(system, kind, options);
};

/** Publish an event on the runtime's bus (fire-and-forget). */
export const publish = (event: Event): PublishCmd => new PublishCmd(checkEvent('publish()', event));

/** End a subscription the calling process owns (NOT_OWNER / NO_SUCH_RESOURCE otherwise). */
export const unsubscribe = (subscription: SubscriptionHandle): UnsubscribeCmd => new UnsubscribeCmd(subscription);

/** The default topic of a subscription. */
export const eventTopic = (system: string): string => `@event/${system}`;
