import { SwitchyardError, describeValue } from '@switchyard/errors';

export { describeValue };

/**
 * Every error the event bus raises is an `EventBusError` with a stable `code`,
 * so callers can branch on the code instead of parsing messages.
 */
export type EventBusErrorCode =
  | 'BUS_CLOSED'
  | 'TOO_MANY_SUBSCRIBERS'
  | 'BAD_PATTERN'
  | 'INVALID_ARGUMENT'
  | 'INVALID_EVENT'
  | 'ABORTED'
  | 'AWAIT_TIMEOUT'
  | 'WAITER_CLOSED'
  | 'ROUTER_STATE';

export class EventBusError extends SwitchyardError {
  declare readonly code: EventBusErrorCode;
  constructor(code: EventBusErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}

/** The bus was stopped before (or while) the operation could be applied. */
export class BusClosedError extends EventBusError {
  constructor(operation: string) {
    super('BUS_CLOSED', `${operation} failed: the event bus is closed (bus is closed)`);
  }
}

/** The subscriber cap (`maxSubscribers`) would be exceeded. */
export class TooManySubscribersError extends EventBusError {
  readonly limit: number;
  constructor(limit: number, system: string) {
    super(
      'TOO_MANY_SUBSCRIBERS',
      `cannot subscribe to "${system}": the bus already has ${limit} subscribers, its maxSubscribers cap`,
    );
    this.limit = limit;
  }
}

/** A pattern that is not a string (any string is a valid pattern, see pattern.ts). */
export class BadPatternError extends EventBusError {
  constructor(what: string, value: unknown) {
    super('BAD_PATTERN', `${what} must be a string, got ${describeValue(value)}`);
  }
}

/** An option or argument outside its allowed range. */
export class InvalidArgumentError extends EventBusError {
  constructor(message: string) {
    super('INVALID_ARGUMENT', message);
  }
}

/** `send` was called with something that is not an Event. */
export class InvalidEventError extends EventBusError {
  constructor(field: string, value: unknown) {
    super('INVALID_EVENT', `event.${field} must be a string, got ${describeValue(value)}`);
  }
}

/** The operation's AbortSignal fired before it completed. */
export class AbortedError extends EventBusError {
  constructor(operation: string, reason: unknown) {
    super('ABORTED', `${operation} was aborted`, { cause: reason });
  }
}

/** `Waiter.wait()` saw no matching event in time. */
export class AwaitTimeoutError extends EventBusError {
  readonly system: string;
  readonly kind: string;
  readonly path: string;
  readonly timeoutMs: number;
  constructor(system: string, kind: string, path: string, timeoutMs: number) {
    super(
      'AWAIT_TIMEOUT',
      `timed out after ${timeoutMs} ms waiting for an event system="${system}" kind="${kind}" path="${path}"`,
    );
    this.system = system;
    this.kind = kind;
    this.path = path;
    this.timeoutMs = timeoutMs;
  }
}


