import type { Handler } from '@switchyard/dispatcher';
import { Subscriber, type Event } from '@switchyard/eventbus';
import type { Pid, PluginContext, ResourceTable, Runtime } from '@switchyard/runtime';
import { EventCommand, type PublishCmd, type SubscribeCmd, type SubscriptionHandle, type UnsubscribeCmd } from './commands.js';
import { checkEvent, checkSubscribe } from './errors.js';

/**
 * Of a subscription's `bufferSize`, how many events may sit unread in the owner's mailbox; the
 * rest wait in the bus channel, where the overflow policy applies. A quarter, from 1 to 64: a
 * reader that keeps up gets events in batches, and `dropOldest` still keeps mostly the newest.
 */
function mailboxWindow(bufferSize: number): number {
  return Math.min(64, Math.max(1, Math.floor(bufferSize / 4)));
}

/** One process subscription: a bus Subscriber whose handler delivers to the owner's mailbox. */
class Sub {
  handle: SubscriptionHandle | undefined = undefined;
  subscriber: Subscriber | null = null;
  closed = false;
  /** Events delivered to the owner's mailbox and not yet read or discarded. */
  unread = 0;
  /** Resolves the promise that holds the subscription's channel while `window` events are unread. */
  private hold: (() => void) | null = null;
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
    /** How many events may sit unread in the mailbox; the rest wait in the channel. */
    readonly window: number,
    /** The subscribe yield's signal: aborted if the yield was abandoned before the bus answered. */
    public yieldSignal: AbortSignal | null,
  ) {}

  get dropped(): number {
    return this.subscriber?.dropped ?? 0;
  }

  /** The credit callback of every delivery (one function per subscription, none per event). */
  readonly onTaken = (taken: boolean): void => {
    if (taken) this.taken++;
    else this.lost++;
    this.unread--;
    if (this.unread < this.window) this.release();
  };

  /** The channel must wait: `window` events are unread. */
  wait(): Promise<void> {
    return new Promise<void>((resolve) => {
      this.hold = resolve;
    });
  }

  /** Let the channel go on (room in the window, or the subscription ended). */
  release(): void {
    const h = this.hold;
    if (h === null) return;
    this.hold = null;
    h();
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
    const s = new Sub(pid, c.topic, mailboxWindow(c.bufferSize), signal);
    Subscriber.start(this.runtime.bus, c.system, c.kind, (event) => this.push(s, event), {
      bufferSize: c.bufferSize - mailboxWindow(c.bufferSize),
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

  /**
   * The subscriber's handler: the event goes to the owner's mailbox; once `window` of them are
   * unread, a promise holds the channel (so later events meet its buffer and overflow policy).
   */
  private push(s: Sub, event: Event): Promise<void> | undefined {
    if (s.closed) return undefined;
    // Before the handle exists the creator owns it, unless it no longer waits for it.
    if (s.handle === undefined && s.yieldSignal?.aborted === true) return undefined;
    const owner = s.handle === undefined ? s.creator : this.resources.ownerOf(s.handle);
    if (owner === undefined) return undefined;
    // Counted first: onTaken may run inside deliver (a waiting receive took it, or the mailbox dropped it).
    s.unread++;
    const r = this.deliver(owner, s.topic, event, s.onTaken);
    if (r === 'full' || r === 'noproc') {
      // Not queued; onTaken will not be called.
      s.unread--;
      s.refused++;
      return undefined;
    }
    return s.unread < s.window ? undefined : s.wait();
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
    s.release();
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
