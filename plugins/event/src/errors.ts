import { BadPatternError, InvalidArgumentError, InvalidEventError, type Event, type OverflowPolicy } from '@switchyard/eventbus';
import { checkKeys, describeValue, intOption, oneOf, OptionError } from '@switchyard/errors';

/** Events a subscription keeps unread (in the process mailbox and its buffer) by default. */
export const DEFAULT_BUFFER = 256;
/** The smallest bufferSize: one event in the mailbox, at least one in the subscription's buffer. */
export const MIN_BUFFER = 2;
/** The largest bufferSize (the event bus's own limit). */
export const MAX_BUFFER = 1 << 24;

const OVERFLOW: readonly OverflowPolicy[] = ['dropOldest', 'dropNewest', 'block'];
const OPTION_KEYS = ['topic', 'bufferSize', 'overflow'] as const;

/** Subscribe options as the handler uses them, with defaults applied. */
export interface CheckedSubscribe {
  readonly system: string;
  readonly kind: string | undefined;
  readonly topic: string;
  readonly bufferSize: number;
  readonly overflow: OverflowPolicy;
}

/**
 * Check what `subscribe` was given: the patterns (BAD_PATTERN, the bus's error) and the options
 * (BAD_OPTION naming the option). Run by the helper and again by the handler.
 */
export function checkSubscribe(where: string, system: unknown, kind: unknown, options: unknown): CheckedSubscribe {
  if (typeof system !== 'string') throw new BadPatternError(`${where}: system`, system);
  if (kind !== undefined && typeof kind !== 'string') throw new BadPatternError(`${where}: kind`, kind);
  const o = checkKeys(where, options, OPTION_KEYS);
  const topic = o.topic ?? `@event/${system}`;
  if (typeof topic !== 'string' || topic === '') {
    throw new OptionError(where, 'topic', `must be a non-empty string, got ${describeValue(topic)}`);
  }
  return {
    system,
    kind,
    topic,
    bufferSize: intOption(where, o, 'bufferSize', DEFAULT_BUFFER, { min: MIN_BUFFER, max: MAX_BUFFER }),
    overflow: oneOf(where, o, 'overflow', OVERFLOW, 'dropOldest'),
  };
}

/** Check an event before it is published (the bus's INVALID_ARGUMENT / INVALID_EVENT). */
export function checkEvent(where: string, event: unknown): Event {
  if (event === null || typeof event !== 'object') {
    throw new InvalidArgumentError(`${where}: an event must be an object { system, kind, path, data? }, got ${describeValue(event)}`);
  }
  const e = event as Partial<Event>;
  for (const field of ['system', 'kind', 'path'] as const) {
    if (typeof e[field] !== 'string') throw new InvalidEventError(field, e[field]);
  }
  return event as Event;
}
