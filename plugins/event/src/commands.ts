import { CommandBase } from '@switchyard/dispatcher';
import type { Event, OverflowPolicy } from '@switchyard/eventbus';

/** Event command IDs (90–99). */
export const EventCommand = {
  Subscribe: 90,
  Send: 91,
  Unsubscribe: 92,
} as const;

export interface SubscribeOptions {
  /** Topic the events arrive on as messages (payload: the Event). Default "@event/<system>". */
  topic?: string;
  /** Events buffered for this process before the overflow policy applies (default 256). */
  bufferSize?: number;
  /** Default 'dropOldest': a process that does not keep up must never stall the bus. */
  overflow?: OverflowPolicy;
}

export class SubscribeCmd extends CommandBase<number> {
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

export class UnsubscribeCmd extends CommandBase<boolean> {
  readonly id = EventCommand.Unsubscribe;
  constructor(readonly subscription: number) {
    super();
  }
}

/**
 * Receive bus events matching `system` (and `kind`, when given; wildcard patterns) as messages
 * on a topic. Resolves to the subscription ID once the bus applied it. Ends with the process.
 */
export const subscribe = (system: string, kind?: string, options: SubscribeOptions = {}): SubscribeCmd => {
  if (typeof system !== 'string') throw new TypeError(`subscribe(): system must be a string pattern, got ${typeof system}`);
  if (kind !== undefined && typeof kind !== 'string') throw new TypeError(`subscribe(): kind must be a string pattern, got ${typeof kind}`);
  return new SubscribeCmd(system, kind, options);
};

/** Publish an event on the runtime's bus (fire-and-forget). */
export const publish = (event: Event): PublishCmd => new PublishCmd(event);

/** End a subscription. Resolves to false when it was not this runtime's live subscription. */
export const unsubscribe = (subscription: number): UnsubscribeCmd => new UnsubscribeCmd(subscription);

/** The default topic of a subscription. */
export const eventTopic = (system: string): string => `@event/${system}`;
