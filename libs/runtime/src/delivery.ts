import type { HandlerContext, ResultReceiver } from '@switchyard/dispatcher';
import type { Clock } from './clock.js';
import type { ReceiveCmd } from './core.js';
import { BadYieldError, ReceiveTimeoutError } from './errors.js';
import { Mailbox, type OnTaken } from './mailbox.js';
import { MemberCtx, type Proc } from './proc.js';
import { EVENTS_TOPIC, type MailboxOverflow, type Message, type Pid } from './types.js';

/** What a delivery did: queued (or handed to a waiting receive), refused as full, dropped by policy, or no such process. */
export type DeliveryResult = 'delivered' | 'full' | 'dropped' | 'noproc';

/** Puts messages in mailboxes, within their bounds, and serves receive(). */
export class Postal {
  refused = 0;
  dropped = 0;

  constructor(
    private readonly clock: Clock,
    readonly capacity: number,
    readonly overflow: MailboxOverflow,
  ) {}

  /**
   * Deliver to a live process. Messages on the events topic are system messages: never refused
   * or dropped. `onTaken` (a plugin's credit) is called once: true when received, false when discarded.
   */
  deliver(p: Proc, msg: Message, onTaken: OnTaken | null = null): DeliveryResult {
    return this.deliverParts(p, msg.topic, msg.payload, msg.from, onTaken);
  }

  /** deliver() of a message given by its parts: a queued message is one object (see Mailbox). */
  deliverParts(p: Proc, topic: string, payload: unknown, from: Pid | undefined, onTaken: OnTaken | null): DeliveryResult {
    if (p.recvTag !== 0 && (p.recvTopic === undefined || p.recvTopic === topic)) {
      const tag = p.recvTag;
      p.recvTag = 0;
      if (p.recvTimer !== undefined) {
        this.clock.clearTimeout(p.recvTimer);
        p.recvTimer = undefined;
      }
      p.completeYield(tag, from === undefined ? { topic, payload } : { topic, payload, from });
      onTaken?.(true);
      return 'delivered';
    }
    let mb = p.mailbox;
    if (mb === null) {
      const o = p.x?.mailbox;
      mb = p.mailbox = new Mailbox(o?.capacity ?? this.capacity, o?.overflow ?? this.overflow);
    }
    const system = topic === EVENTS_TOPIC;
    if (!system && mb.full) {
      switch (mb.overflow) {
        case 'error':
          this.refused++;
          return 'full';
        case 'dropNewest':
          this.dropped++;
          onTaken?.(false);
          return 'dropped';
        case 'dropOldest':
          if (!mb.evictOldest()) {
            this.dropped++;
            onTaken?.(false);
            return 'dropped';
          }
          this.dropped++;
          break;
      }
    }
    mb.push(topic, payload, from, onTaken, system);
    return 'delivered';
  }

  /** The receive() handler: a queued message at once, or wait (with an optional timeout). */
  receive(ctx: HandlerContext, cmd: ReceiveCmd, tag: number, receiver: ResultReceiver): void {
    const p = ctx instanceof MemberCtx ? ctx.proc : (ctx as Proc);
    if (p.recvTag !== 0) throw new BadYieldError(`process ${p.pid} is already waiting in receive()`);
    const topic = cmd.topic;
    const mb = p.mailbox;
    if (mb !== null && mb.size > 0) {
      const msg = mb.take(topic);
      if (msg !== undefined) {
        receiver.completeYield(tag, msg);
        return;
      }
    }
    const timeout = cmd.timeout;
    if (timeout === 0) throw new ReceiveTimeoutError(topic, 0);
    p.recvTag = tag;
    p.recvTopic = topic;
    if (timeout !== undefined) {
      p.recvTimer = this.clock.setTimeout(() => {
        if (p.recvTag !== tag) return;
        p.recvTag = 0;
        p.recvTimer = undefined;
        receiver.completeYield(tag, undefined, new ReceiveTimeoutError(topic, timeout));
      }, timeout);
    }
    if (ctx !== p) {
      // A receive inside race() that lost must stop waiting, or a later message would go nowhere.
      ctx.signal.addEventListener(
        'abort',
        () => {
          if (p.recvTag !== tag) return;
          p.recvTag = 0;
          if (p.recvTimer !== undefined) this.clock.clearTimeout(p.recvTimer);
          p.recvTimer = undefined;
        },
        { once: true },
      );
    }
  }
}
