import type { EventBus } from './bus.js';
import { EventBusError, InvalidArgumentError, describeValue } from './errors.js';
import { compileFilter } from './pattern.js';
import { Subscriber, type ErrorHandler, type EventHandler } from './subscriber.js';
import type { OverflowPolicy } from './types.js';

export interface EventRouterOptions {
  /** Receives handler errors of every route (default: the bus's onError, then console.error). */
  readonly onError?: ErrorHandler;
  /** Aborting it stops the router. */
  readonly signal?: AbortSignal;
  /** Buffer size of each route's subscription. */
  readonly bufferSize?: number;
  /** Overflow policy of each route's subscription. */
  readonly overflow?: OverflowPolicy;
}

interface Route {
  readonly system: string;
  readonly kind: string | undefined;
  readonly handler: EventHandler;
}

type RouterState = 'idle' | 'running' | 'stopped';

/**
 * Several handlers under one lifecycle: register routes with `on`, then `start()`
 * subscribes them all (all or nothing) and `stop()` closes them all. One-shot:
 * a stopped router cannot be started again; create a new one.
 */
export class EventRouter {
  private readonly bus: EventBus;
  private readonly options: EventRouterOptions;
  private readonly routes: Route[] = [];
  private readonly subscribers: Subscriber[] = [];
  private state: RouterState = 'idle';
  private starting: Promise<void> | null = null;
  private stopping: Promise<void> | null = null;
  private onAbort: (() => void) | null = null;

  constructor(bus: EventBus, options: EventRouterOptions = {}) {
    if (options.signal !== undefined && !(options.signal instanceof AbortSignal)) {
      throw new InvalidArgumentError(`router signal must be an AbortSignal, got ${describeValue(options.signal)}`);
    }
    this.bus = bus;
    this.options = options;
  }

  /** Registers a handler for events matching `system` and `kind` ("" or undefined = any). */
  on(system: string, kind: string | undefined, handler: EventHandler): this {
    if (this.state !== 'idle' || this.starting !== null) {
      throw new EventBusError('ROUTER_STATE', `cannot add a route for "${system}": the router has already started`);
    }
    if (typeof handler !== 'function') {
      throw new InvalidArgumentError(`route handler for "${system}" must be a function, got ${describeValue(handler)}`);
    }
    // Compile now so a bad pattern fails at registration, not at start.
    compileFilter(system);
    compileFilter(kind);
    this.routes.push({ system, kind, handler });
    return this;
  }

  get size(): number {
    return this.routes.length;
  }

  get running(): boolean {
    return this.state === 'running';
  }

  /** Subscribes every route. If one fails, those already subscribed are closed and the error is thrown. */
  start(): Promise<void> {
    if (this.state === 'stopped') {
      return Promise.reject(new EventBusError('ROUTER_STATE', 'cannot start a router that was stopped; create a new one'));
    }
    return (this.starting ??= this.startAll());
  }

  /** Closes every route's subscription. Idempotent; waits for a start in progress first. */
  stop(): Promise<void> {
    return (this.stopping ??= this.stopAll());
  }

  private async startAll(): Promise<void> {
    const signal = this.options.signal;
    if (signal?.aborted) {
      this.state = 'stopped';
      throw new EventBusError('ABORTED', 'router start was aborted', { cause: signal.reason });
    }
    const { onError, bufferSize, overflow } = this.options;
    try {
      for (const r of this.routes) {
        this.subscribers.push(
          await Subscriber.start(this.bus, r.system, r.kind, r.handler, {
            ...(onError !== undefined && { onError }),
            ...(bufferSize !== undefined && { bufferSize }),
            ...(overflow !== undefined && { overflow }),
          }),
        );
      }
    } catch (error) {
      this.state = 'stopped';
      await this.closeAll();
      throw error;
    }
    this.state = 'running';
    if (signal !== undefined) {
      this.onAbort = () => void this.stop();
      signal.addEventListener('abort', this.onAbort, { once: true });
    }
  }

  private async stopAll(): Promise<void> {
    if (this.starting !== null) await this.starting.catch(() => undefined);
    this.state = 'stopped';
    if (this.onAbort !== null) {
      this.options.signal?.removeEventListener('abort', this.onAbort);
      this.onAbort = null;
    }
    await this.closeAll();
  }

  private async closeAll(): Promise<void> {
    const subs = this.subscribers.splice(0);
    await Promise.all(subs.map((s) => s.close()));
    await Promise.all(subs.map((s) => s.done));
  }
}
