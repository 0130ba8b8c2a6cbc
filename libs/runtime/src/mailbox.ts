import { EVENTS_TOPIC, type MailboxOverflow, type Message, type Pid } from './types.js';

/** Called once per tracked message: `true` when the process received it, `false` when it was discarded unread. */
export type OnTaken = (taken: boolean) => void;

/**
 * One queued message, its fields held in the node itself: in the mailbox's arrival order
 * (prev/next) and in its topic's order (tnext). A queued message is one object; the Message a
 * receive() returns is made when it is taken (short-lived), so a backlog keeps half the objects
 * alive. System messages are those of the events topic.
 */
class Node {
  prev: Node | null = null;
  next: Node | null = null;
  tnext: Node | null = null;
  constructor(
    readonly topic: string,
    readonly payload: unknown,
    readonly from: Pid | undefined,
    readonly onTaken: OnTaken | null,
  ) {}

  get system(): boolean {
    return this.topic === EVENTS_TOPIC;
  }

  message(): Message {
    return this.from === undefined ? { topic: this.topic, payload: this.payload } : { topic: this.topic, payload: this.payload, from: this.from };
  }
}

/** The FIFO of one topic: a chain through `tnext`, taken only at its head. */
interface TopicQueue {
  head: Node;
  tail: Node;
}

/**
 * A bounded mailbox. Arrival order is kept for a plain receive(); a per-topic index makes a
 * selective receive O(1) however many unrelated messages wait. System messages (exits,
 * cancels) count but are never refused or dropped.
 *
 * The index is built on the first selective receive (one walk over what waits then) and kept
 * from then on: a process that only ever receive()s in arrival order pays no Map operation per
 * message.
 */
export class Mailbox {
  private head: Node | null = null;
  private tail: Node | null = null;
  private topics: Map<string, TopicQueue> | null = null;
  /** Messages other than system ones: what the capacity bounds. */
  private user = 0;
  size = 0;

  constructor(
    readonly capacity: number,
    readonly overflow: MailboxOverflow,
  ) {}

  /** True when a non-system message would meet the overflow policy. */
  get full(): boolean {
    return this.user >= this.capacity;
  }

  get free(): number {
    return Math.max(0, this.capacity - this.user);
  }

  push(topic: string, payload: unknown, from: Pid | undefined, onTaken: OnTaken | null, system: boolean): void {
    const n = new Node(topic, payload, from, onTaken);
    if (this.tail === null) this.head = n;
    else {
      this.tail.next = n;
      n.prev = this.tail;
    }
    this.tail = n;
    if (this.topics !== null) index(this.topics, n);
    this.size++;
    if (!system) this.user++;
  }

  /** The oldest message (of `topic`, when given), removed; undefined when there is none. */
  take(topic?: string): Message | undefined {
    const n = topic === undefined ? this.head : (this.topics ?? this.buildIndex()).get(topic)?.head;
    if (n === undefined || n === null) return undefined;
    this.unlink(n);
    n.onTaken?.(true);
    return n.message();
  }

  /** Drop the oldest non-system message to make room (dropOldest). False when only system messages wait. */
  evictOldest(): boolean {
    let n = this.head;
    while (n !== null && n.system) n = n.next;
    if (n === null) return false;
    // It is the head of its topic queue: every message of the system topic is a system message.
    this.unlink(n);
    n.onTaken?.(false);
    return true;
  }

  /** Empty the mailbox (its process ended): tracked messages are reported as not taken. */
  discard(): void {
    let n = this.head;
    this.head = this.tail = null;
    this.topics = null;
    this.size = this.user = 0;
    while (n !== null) {
      const next = n.next;
      if (n.onTaken !== null) {
        try {
          n.onTaken(false);
        } catch {
          // A plugin's credit callback must not break the exit of a process.
        }
      }
      n = next;
    }
  }

  private buildIndex(): Map<string, TopicQueue> {
    const topics = new Map<string, TopicQueue>();
    for (let n = this.head; n !== null; n = n.next) index(topics, n);
    return (this.topics = topics);
  }

  /** Remove `n`, which is the head of its topic queue. */
  private unlink(n: Node): void {
    const topics = this.topics;
    if (topics !== null) {
      const topic = n.topic;
      if (n.tnext === null) topics.delete(topic);
      else topics.get(topic)!.head = n.tnext;
    }
    if (n.prev === null) this.head = n.next;
    else n.prev.next = n.next;
    if (n.next === null) this.tail = n.prev;
    else n.next.prev = n.prev;
    n.prev = n.next = n.tnext = null;
    this.size--;
    if (!n.system) this.user--;
  }
}

/** Append `n` to its topic's queue in the index. */
function index(topics: Map<string, TopicQueue>, n: Node): void {
  const q = topics.get(n.topic);
  if (q === undefined) topics.set(n.topic, { head: n, tail: n });
  else {
    q.tail.tnext = n;
    q.tail = n;
  }
}
