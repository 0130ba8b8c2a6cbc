import { EVENTS_TOPIC, type MailboxOverflow, type Message, type Pid } from './types.js';

/** Called once per tracked message: `true` when the process received it, `false` when it was discarded unread. */
export type OnTaken = (taken: boolean) => void;

/*
 * Storage. Queued messages live in chunks: plain arrays of SLOTS messages, three elements each
 * (topic, payload, and the sender's PID or the plugin's onTaken: a message has at most one of
 * them), so a waiting message is no heap object of its own. A backlog of a million costs a
 * thousand arrays for the garbage collector to copy and mark, not a million objects, and 24 bytes
 * a message instead of a node's 80. The `Message` a receive() returns is made when it is taken
 * (it dies young).
 *
 * Every message gets a sequence number; message `s` sits in slot `s % SLOTS` of chunk
 * `s / SLOTS`. A slot whose topic is `undefined` is empty: taken out of order (a tombstone). Once
 * the topic index exists, each chunk has a link column (an Int32Array, outside the JS heap): the
 * sequence number of the next message of the same topic.
 */
const SHIFT = 10;
const SLOTS = 1 << SHIFT;
const MASK = SLOTS - 1;
/** Elements per slot: topic, payload, sender (PID or onTaken). */
const STRIDE = 3;
/** Tombstones allowed beyond the live count before the live messages are copied together. */
const SLACK = 2 * SLOTS;
/** Sequence numbers stay int32 (links) and small integers: past this, the mailbox renumbers (compacts). */
const SEQ_LIMIT = 2 ** 30;

/** Slots of the first chunk of a fresh mailbox; it grows ×4 as written, up to SLOTS (exact sizes, no slack). */
const FIRST = 8;

type Chunk = unknown[];

/** One topic's messages: sequence numbers of its oldest and newest (each links to the next). A FIFO taken only at its head. */
interface TopicQueue {
  head: number;
  tail: number;
}

/**
 * A bounded mailbox. Arrival order is kept for a plain receive(); a per-topic index makes a
 * selective receive O(1) however many unrelated messages wait. System messages (exits,
 * cancels) count but are never refused or dropped.
 *
 * The index is built on the first selective receive (one walk over what waits then) and kept
 * from then on: a process that only ever receive()s in arrival order pays no Map operation per
 * message. A message taken by topic ahead of older ones leaves a tombstone that a plain receive
 * steps over; when tombstones outnumber the live messages (plus SLACK), the live ones are copied
 * into fresh chunks, so storage stays within about twice what waits. An empty mailbox holds no
 * chunk at all: a process pays for storage only while messages wait for it.
 */
export class Mailbox {
  /** The chunks from the one holding the oldest message (`head`) to the one written last; null when empty. */
  private chunks: Chunk[] | null = null;
  /** The link column of each chunk, while the index exists and messages wait. */
  private links: Int32Array[] | null = null;
  /** The chunk written last (the last of `chunks`). */
  private last: Chunk | null = null;
  /** A full-size chunk the head has left, kept for the tail to reuse while the mailbox is not empty. */
  private spare: Chunk | null = null;
  /** Sequence number of the oldest message waiting (when size > 0). */
  private head = 0;
  /** Sequence number the next message gets. */
  private tail = 0;
  /** Tombstones between head and tail. */
  private dead = 0;
  /** Waiting messages that carry an onTaken. */
  private tracked = 0;
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

  /** Message slots of storage held (chunks, the spare included): 0 when empty. */
  get slots(): number {
    let n = this.spare === null ? 0 : SLOTS;
    if (this.chunks !== null) for (const c of this.chunks) n += c.length / STRIDE;
    return n;
  }

  /** Queue a message. It has a sender (`from`) or is a plugin's tracked delivery (`onTaken`), never both. */
  push(topic: string, payload: unknown, from: Pid | undefined, onTaken: OnTaken | null, system: boolean): void {
    if (this.tail === SEQ_LIMIT) this.compact();
    if (onTaken !== null) {
      this.append(topic, payload, onTaken);
      this.tracked++;
    } else this.append(topic, payload, from);
    this.size++;
    if (!system) this.user++;
  }

  /** The oldest message (of `topic`, when given), removed; undefined when there is none. */
  take(topic?: string): Message | undefined {
    const chunks = this.chunks;
    if (chunks === null) return undefined;
    let s: number;
    let c: Chunk;
    if (topic === undefined) {
      s = this.head;
      c = chunks[0]!;
    } else {
      const q = (this.topics ?? this.buildIndex()).get(topic);
      if (q === undefined) return undefined;
      s = q.head;
      c = chunks[(s >>> SHIFT) - (this.head >>> SHIFT)]!;
    }
    const o = (s & MASK) * STRIDE;
    const t = c[o] as string;
    const payload = c[o + 1];
    const sender = c[o + 2];
    this.remove(s, c, o, t, sender);
    if (typeof sender === 'function') {
      (sender as OnTaken)(true);
      return { topic: t, payload };
    }
    return sender === undefined ? { topic: t, payload } : { topic: t, payload, from: sender as Pid };
  }

  /** Drop the oldest non-system message to make room (dropOldest). False when only system messages wait. */
  evictOldest(): boolean {
    const chunks = this.chunks;
    if (chunks === null || this.user === 0) return false;
    const first = this.head >>> SHIFT;
    for (let s = this.head; s < this.tail; s++) {
      const c = chunks[(s >>> SHIFT) - first]!;
      const o = (s & MASK) * STRIDE;
      const t = c[o] as string | undefined;
      if (t === undefined || t === EVENTS_TOPIC) continue;
      // It is the head of its topic queue: every older message waiting is a system message.
      const sender = c[o + 2];
      this.remove(s, c, o, t, sender);
      if (typeof sender === 'function') (sender as OnTaken)(false);
      return true;
    }
    return false;
  }

  /** Empty the mailbox (its process ended): tracked messages are reported as not taken. */
  discard(): void {
    const chunks = this.chunks;
    const head = this.head;
    const tail = this.tail;
    const tracked = this.tracked;
    this.release();
    this.topics = null;
    if (chunks === null || tracked === 0) return;
    const first = head >>> SHIFT;
    for (let s = head; s < tail; s++) {
      const c = chunks[(s >>> SHIFT) - first]!;
      const o = (s & MASK) * STRIDE;
      const sender = c[o + 2];
      if (c[o] === undefined || typeof sender !== 'function') continue;
      try {
        (sender as OnTaken)(false);
      } catch {
        // A plugin's credit callback must not break the exit of a process.
      }
    }
  }

  /** Write a message at the tail (and in the index, when there is one). */
  private append(topic: string, payload: unknown, sender: unknown): void {
    const s = this.tail++;
    const o = (s & MASK) * STRIDE;
    let c = this.last;
    if (c === null) {
      // A fresh mailbox: the first chunk grows as it is written, so a short queue costs a short array.
      c = new Array<unknown>(FIRST * STRIDE);
      this.chunks = [c];
      this.head = s;
      if (this.topics !== null) this.links = [new Int32Array(FIRST)];
    } else if (o === 0) {
      c = this.spare ?? new Array<unknown>(SLOTS * STRIDE);
      this.spare = null;
      this.chunks!.push(c);
      this.links?.push(new Int32Array(SLOTS));
    } else if (o >= c.length) this.grow(c);
    this.last = c;
    c[o] = topic;
    c[o + 1] = payload;
    c[o + 2] = sender;
    const topics = this.topics;
    if (topics !== null) {
      const q = topics.get(topic);
      if (q === undefined) topics.set(topic, { head: s, tail: s });
      else {
        this.link(q.tail, s);
        q.tail = s;
      }
    }
  }

  /** Grow the first chunk (the only one while it grows) and its link column ×4. */
  private grow(c: Chunk): void {
    const n = Math.min(SLOTS, (c.length / STRIDE) * 4);
    c.length = n * STRIDE;
    const links = this.links;
    if (links !== null) {
      const l = new Int32Array(n);
      l.set(links[0]!);
      links[0] = l;
    }
  }

  /** Record that message `next` follows message `s` in its topic. */
  private link(s: number, next: number): void {
    this.links![(s >>> SHIFT) - (this.head >>> SHIFT)]![s & MASK] = next;
  }

  /** Take message `s` (slot `o` of chunk `c`, topic `t`) out: the head of its topic queue. */
  private remove(s: number, c: Chunk, o: number, t: string, sender: unknown): void {
    const topics = this.topics;
    if (topics !== null) {
      const q = topics.get(t)!;
      if (q.tail === s) topics.delete(t);
      else q.head = this.links![(s >>> SHIFT) - (this.head >>> SHIFT)]![s & MASK]!;
    }
    c[o] = c[o + 1] = c[o + 2] = undefined;
    if (t !== EVENTS_TOPIC) this.user--;
    if (typeof sender === 'function') this.tracked--;
    if (--this.size === 0) this.release();
    else if (s === this.head) this.advance();
    else if (++this.dead > this.size + SLACK) this.compact();
  }

  /** Move the head past the message just taken and any tombstones after it, leaving emptied chunks behind. */
  private advance(): void {
    const chunks = this.chunks!;
    let c = chunks[0]!;
    let s = this.head + 1;
    for (;;) {
      const o = (s & MASK) * STRIDE;
      if (o === 0) {
        chunks.shift();
        this.links?.shift();
        this.spare ??= c;
        c = chunks[0]!;
      }
      if (c[o] !== undefined) break;
      s++;
      this.dead--;
    }
    this.head = s;
  }

  /** No message waits: let go of every chunk and start numbering again. The index (empty) stays. */
  private release(): void {
    this.chunks = this.links = this.last = this.spare = null;
    this.head = this.tail = this.dead = this.size = this.user = this.tracked = 0;
  }

  /** Copy the waiting messages, in order, into fresh chunks numbered from 0 (tombstones dropped, index rebuilt). */
  private compact(): void {
    const chunks = this.chunks;
    const head = this.head;
    const tail = this.tail;
    this.chunks = this.links = this.last = this.spare = null;
    this.head = this.tail = this.dead = 0;
    if (this.topics !== null) this.topics = new Map();
    if (chunks === null) return;
    const first = head >>> SHIFT;
    for (let s = head; s < tail; s++) {
      const c = chunks[(s >>> SHIFT) - first]!;
      const o = (s & MASK) * STRIDE;
      const t = c[o] as string | undefined;
      if (t !== undefined) this.append(t, c[o + 1], c[o + 2]);
    }
  }

  /** Build the topic index over what waits: a link column per chunk, a queue per topic. */
  private buildIndex(): Map<string, TopicQueue> {
    const topics = new Map<string, TopicQueue>();
    this.topics = topics;
    const chunks = this.chunks;
    if (chunks === null) return topics;
    const links = (this.links = chunks.map((c) => new Int32Array(c.length / STRIDE)));
    // The link of each message is written when the next of its topic is found: one pass, one Map lookup per message.
    const first = this.head >>> SHIFT;
    let s = this.head;
    for (let k = 0; k < chunks.length; k++) {
      const c = chunks[k]!;
      const end = Math.min(this.tail, (s | MASK) + 1);
      for (; s < end; s++) {
        const t = c[(s & MASK) * STRIDE] as string | undefined;
        if (t === undefined) continue;
        const q = topics.get(t);
        if (q === undefined) topics.set(t, { head: s, tail: s });
        else {
          const p = q.tail;
          links[(p >>> SHIFT) - first]![p & MASK] = s;
          q.tail = s;
        }
      }
    }
    return topics;
  }
}
