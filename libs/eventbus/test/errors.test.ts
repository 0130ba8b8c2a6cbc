import { describe, expect, it } from 'vitest';
import {
  AbortedError,
  AwaitTimeoutError,
  BadPatternError,
  BusClosedError,
  EventBusError,
  InvalidArgumentError,
  InvalidEventError,
  TooManySubscribersError,
} from '../src/index.js';

describe('errors', () => {
  it('are EventBusErrors with a stable code, their class name and a message naming the culprit', () => {
    const cases: Array<[EventBusError, string, RegExp]> = [
      [new BusClosedError('subscribe to "a"'), 'BUS_CLOSED', /subscribe to "a".*bus is closed/],
      [new TooManySubscribersError(4096, 'x.*'), 'TOO_MANY_SUBSCRIBERS', /"x\.\*".*4096.*maxSubscribers/],
      [new BadPatternError('kind pattern', 3), 'BAD_PATTERN', /kind pattern must be a string, got 3/],
      [new InvalidArgumentError('bufferSize must be …'), 'INVALID_ARGUMENT', /bufferSize/],
      [new InvalidEventError('kind', undefined), 'INVALID_EVENT', /event\.kind must be a string, got undefined/],
      [new AbortedError('subscribe to "a"', 'why'), 'ABORTED', /subscribe to "a" was aborted/],
      [new AwaitTimeoutError('s', 'k', 'p', 10), 'AWAIT_TIMEOUT', /10 ms.*system="s" kind="k" path="p"/],
    ];
    for (const [err, code, message] of cases) {
      expect(err).toBeInstanceOf(EventBusError);
      expect(err).toBeInstanceOf(Error);
      expect(err.code).toBe(code);
      expect(err.name).toBe(err.constructor.name);
      expect(err.message).toMatch(message);
    }
  });

  it('keeps the abort reason as the cause', () => {
    expect(new AbortedError('x', 'because').cause).toBe('because');
  });
});
