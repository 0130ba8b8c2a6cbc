export type {
  Event,
  OverflowPolicy,
  SubscribeOptions,
  SendOptions,
  EventBusOptions,
  BusStats,
  Subscription,
} from './types.js';
export {
  EventBusError,
  BusClosedError,
  TooManySubscribersError,
  BadPatternError,
  InvalidArgumentError,
  InvalidEventError,
  AbortedError,
  AwaitTimeoutError,
  type EventBusErrorCode,
} from './errors.js';
export { compilePattern, matchPattern, compileFilter, type Matcher } from './pattern.js';
export { EventBus, createEventBus, DEFAULT_MAX_SUBSCRIBERS, DEFAULT_BUFFER_SIZE } from './bus.js';
export { Subscriber, subscribeHandler, type EventHandler, type ErrorHandler, type SubscriberOptions } from './subscriber.js';
export { EventRouter, type EventRouterOptions } from './router.js';
export { Awaiter, Waiter, DEFAULT_AWAIT_TIMEOUT_MS, type AwaiterOptions, type PrepareOptions } from './awaiter.js';
