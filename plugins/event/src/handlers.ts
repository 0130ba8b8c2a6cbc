import type { Handler } from '@switchyard/dispatcher';
import { subscribeHandler, type Subscriber } from '@switchyard/eventbus';
import type { Runtime } from '@switchyard/runtime';
import { EventCommand, eventTopic, type PublishCmd, type SubscribeCmd, type UnsubscribeCmd } from './commands.js';

const DEFAULT_BUFFER = 256;

/** The bridge from the runtime's bus to processes: each subscription belongs to one process. */
export class EventHandlers {
  private readonly subs = new Map<number, { subscriber: Subscriber; disown: () => void }>();

  constructor(private readonly runtime: Runtime) {}

  /** Live process subscriptions. */
  get active(): number {
    return this.subs.size;
  }

  readonly subscribe: Handler<SubscribeCmd> = (ctx, cmd, tag, receiver) => {
    const pid = ctx.pid;
    const topic = cmd.options.topic ?? eventTopic(cmd.system);
    if (typeof topic !== 'string' || topic === '') throw new TypeError('subscribe(): topic must be a non-empty string');
    const rt = this.runtime;
    subscribeHandler(rt.bus, cmd.system, cmd.kind, (event) => void rt.send(pid, topic, event), {
      bufferSize: cmd.options.bufferSize ?? DEFAULT_BUFFER,
      overflow: cmd.options.overflow ?? 'dropOldest',
    }).then(
      (subscriber) => {
        if (!rt.isAlive(pid)) {
          void subscriber.close();
          return;
        }
        const disown = rt.onExit(pid, () => this.drop(subscriber.id));
        this.subs.set(subscriber.id, { subscriber, disown });
        receiver.completeYield(tag, subscriber.id);
      },
      (error: unknown) => receiver.completeYield(tag, undefined, error),
    );
  };

  readonly publish: Handler<PublishCmd> = (_ctx, cmd, tag, receiver) => {
    this.runtime.bus.send(cmd.event);
    receiver.completeYield(tag, undefined);
  };

  readonly unsubscribe: Handler<UnsubscribeCmd> = (_ctx, cmd, tag, receiver) => {
    const entry = this.subs.get(cmd.subscription);
    if (entry === undefined) {
      receiver.completeYield(tag, false);
      return;
    }
    entry.disown();
    this.drop(cmd.subscription);
    receiver.completeYield(tag, true);
  };

  private drop(id: number): void {
    const entry = this.subs.get(id);
    if (entry === undefined) return;
    this.subs.delete(id);
    void entry.subscriber.close();
  }

  dispose(): void {
    for (const id of [...this.subs.keys()]) this.drop(id);
  }

  get handlers() {
    return {
      [EventCommand.Subscribe]: this.subscribe,
      [EventCommand.Send]: this.publish,
      [EventCommand.Unsubscribe]: this.unsubscribe,
    };
  }
}
