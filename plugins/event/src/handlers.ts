import type { Handler } from '@switchyard/dispatcher';
import { Subscriber, type Event } from '@switchyard/eventbus';
import type { Pid, PluginContext, ResourceTable, Runtime } from '@switchyard/runtime';
import { EventCommand, type PublishCmd, type SubscribeCmd, type SubscriptionHandle, type UnsubscribeCmd } from './commands.js';
import { checkEvent, checkSubscribe } from './errors.js';

/** The event of a subscription that sits unread in its owner's mailbox: the subscription's one credit. */
interface Flight {
  done: boolean;
  /** Resolves the promise that holds the subscription's channel while the event is unread. */
  release: (() => void) | null;
}

/** One process subscription: a bus Subscriber whose handler delivers to the owner's mailbox. */
class Sub {
  handle: SubscriptionHandle | undefined = undefined;
  subscriber: Subscriber | null = null;
  closed = false;
  flight: Flight | null = null;
  /** Events the owner received. */
  taken = 0;
  /** Events the owner's mailbox refused (full under policy 'error') or that found no process. */
  refused = 0;
  /** Events the owner's mailbox discarded unread (its own dropOldest/dropNewest, or the owner ended). */
  lost = 0;
  constructor(
    /** Owner until the handle exists (events may arrive before the subscribe yield completes). */
    readonly creator: Pid,
    readonly topic: string,
    /** The subscribe yield's signal: aborted if the yield was abandoned before the bus answered. */
    public yieldSignal: AbortSignal | null,
  ) {}

  get dropped(): number {
    return this.subscriber?.dropped ?? 0;
  }

  /** Let the channel go on: its held event was read, discarded, or the subscription ended. */
  releaseFlight(): void {
    const f = this.flight;
    this.flight = null;
    if (f === null) return;
    f.done = true;
    const release = f.release;
    f.release = null;
    release?.();
  }
}

/**
 * The bridge from the runtime's bus to processes. Created by `setup`, one per runtime; each
 * subscription is a resource ('subscription') owned by one process.
 *
 * Credit: a subscription's bus channel holds `bufferSize - 1` events; its handler puts one
 * event in the owner's mailbox and holds the channel (a pending promise) until the process
 * reads it. So at most `bufferSize` events are unread, and the channel's overflow policy
 * (dropOldest, dropNewest, block) applies to the rest.
 */
export class EventHandlers {
  private readonly runtime: Runtime;
  private readonly resources: ResourceTable;
  private readonly deliver: PluginContext['deliver'];
  private readonly subs = new Set<Sub>();
  private stopped = false;
  // Totals of subscriptions that ended (the live ones are added in stats()).
  private endedTaken = 0;
  private endedDropped = 0;
  private endedRefused = 0;
  private endedLost = 0;
  private handlerErrors = 0;

  constructor(ctx: Pick<PluginContext, 'runtime' | 'resources' | 'deliver'>) {
    this.runtime = ctx.runtime;
    this.resources = ctx.resources;
    this.deliver = ctx.deliver;
  }

  /**
   * Totals (`delivered`: events the owners received; `dropped`: lost to a subscription's
   * overflow policy; `refused` / `lost`: refused or discarded by an owner's mailbox), and
   * `subscription.<id>.dropped` / `.delivered` for each live subscription.
   */
  stats(): Record<string, number> {
    const out: Record<string, number> = { subscriptions: this.subs.size };
    let taken = this.endedTaken;
    let dropped = this.endedDropped;
    let refused = this.endedRefused;
    let lost = this.endedLost;
    for (const s of this.subs) {
      taken += s.taken;
      dropped += s.dropped;
      refused += s.refused;
      lost += s.lost;
      out[`subscription.${s.handle!.id}.delivered`] = s.taken;
      out[`subscription.${s.handle!.id}.dropped`] = s.dropped;
    }
    return Object.assign(out, { delivered: taken, dropped, refused, lost, handlerErrors: this.handlerErrors });
  }

  readonly subscribe: Handler<SubscribeCmd> = (ctx, cmd, tag, receiver) => {
    const c = checkSubscribe('subscribe', cmd.system, cmd.kind, cmd.options);
    const pid = ctx.pid;
    // This yield's signal, read now: aborted if the process ends (or a race drops the yield) before the bus answers.
    const signal = ctx.signal;
    const s = new Sub(pid, c.topic, signal);
    Subscriber.start(this.runtime.bus, c.system, c.kind, (event) => this.push(s, event), {
      bufferSize: c.bufferSize - 1,
      overflow: c.overflow,
      onError: () => void this.handlerErrors++,
    }).then(
      (subscriber) => {
        s.subscriber = subscriber;
        if (signal.aborted || this.stopped) {
          this.drop(s);
          return;
        }
        try {
          // If the owner has ended meanwhile, add disposes (drop) and throws: nothing to answer.
          s.handle = this.resources.add(pid, 'subscription', s, (x) => this.drop(x));
        } catch {
          return;
        }
        this.subs.add(s);
        s.yieldSignal = null;
        receiver.completeYield(tag, s.handle);
      },
      (error: unknown) => {
        if (!signal.aborted) receiver.completeYield(tag, undefined, error);
      },
    );
  };

  /** The subscriber's handler: one event to the owner's mailbox; a promise holds the channel while it is unread. */
  private push(s: Sub, event: Event): Promise<void> | undefined {
    if (s.closed) return undefined;
    // Before the handle exists the creator owns it, unless it no longer waits for it.
    if (s.handle === undefined && s.yieldSignal?.aborted === true) return undefined;
    const owner = s.handle === undefined ? s.creator : this.resources.ownerOf(s.handle);
    if (owner === undefined) return undefined;
    const f: Flight = { done: false, release: null };
    s.flight = f;
    const r = this.deliver(owner, s.topic, event, (taken) => {
      if (taken) s.taken++;
      else s.lost++;
      if (s.flight === f) s.releaseFlight();
      else f.done = true;
    });
    if (r === 'full' || r === 'noproc') {
      // Not queued; onTaken will not be called.
      s.refused++;
      if (s.flight === f) s.flight = null;
      return undefined;
    }
    // Taken at once (the process was waiting in receive) or dropped by the mailbox policy.
    if (f.done) return undefined;
    return new Promise<void>((resolve) => {
      f.release = resolve;
    });
  }

  readonly publish: Handler<PublishCmd> = (_ctx, cmd, tag, receiver) => {
    this.runtime.bus.send(checkEvent('publish', cmd.event));
    receiver.completeYield(tag, undefined);
  };

  readonly unsubscribe: Handler<UnsubscribeCmd> = (ctx, cmd, tag, receiver) => {
    // NOT_OWNER / NO_SUCH_RESOURCE come from the table; close disposes (drop) once.
    this.resources.close(ctx.pid, cmd.subscription, 'subscription');
    receiver.completeYield(tag, undefined);
  };

  /** Disposal: unsubscribe, end the channel at once (buffered events are discarded) and free the credit. */
  private drop(s: Sub): void {
    if (s.closed) return;
    s.closed = true;
    if (this.subs.delete(s)) {
      this.endedTaken += s.taken;
      this.endedDropped += s.dropped;
      this.endedRefused += s.refused;
      this.endedLost += s.lost;
    }
    void s.subscriber?.close();
    s.releaseFlight();
  }

  /** At shutdown every owner has ended, so the table dropped everything; this ends what might remain. */
  dispose(): void {
    this.stopped = true;
    for (const s of [...this.subs]) this.drop(s);
  }

  get handlers() {
    return {
      [EventCommand.Subscribe]: this.subscribe,
      [EventCommand.Send]: this.publish,
      [EventCommand.Unsubscribe]: this.unsubscribe,
    };
  }
}
