import { EVENTS_TOPIC, type MailboxOverflow, type Message, type Pid } from './types.js';

/** Called once per tracked message: `true` when the process received it, `false` when it was discarded unread. */
export type OnTaken = (taken: boolean) => void;

/*
 * Storage. Queued messages live in chunks of SLOTS messages kept as columns, so a waiting message
 * is no heap object of its own and costs the garbage collector as little as it can:
 *   - payloads: one array element per message;
 *   - topics: a byte per message in a Uint8Array (outside the JS heap once the chunk is full
 *     size) naming one of the chunk's few topics; a chunk that sees more than NAMES topics keeps
 *     them per slot as well;
 *   - senders: the sender's PID or the plugin's onTaken (a message has at most one of them), a
 *     column made on the first message that has one;
 *   - links, once the topic index exists: the sequence number of the next message of the same
 *     topic (an Int32Array).
 * A backlog of a million from outside any process (no sender) is a thousand chunks holding 8 MB
 * of references plus 1 MB of numbers, where a node per message was 80 MB of objects; with
 * senders, 16 MB. The `Message` a receive() returns is made when it is taken (it dies young).
 *
 * Every message gets a sequence number; message `s` sits in slot `s % SLOTS` of chunk
 * `s / SLOTS`. A slot whose topic byte is 0 is empty: taken out of order (a tombstone), or taken
 * and not yet left behind by the head.
 */
const SHIFT = 10;
const SLOTS = 1 << SHIFT;
const MASK = SLOTS - 1;
/** Slots of the first chunk of a fresh mailbox; it grows ×8 as written, up to SLOTS. */
const FIRST = 8;
/** Topics a chunk numbers (in a byte); past this many it keeps a topic per slot. */
const NAMES = 8;
/** Tombstones allowed beyond the live count before the live messages are copied together. */
const SLACK = 2 * SLOTS;
/** Sequence numbers stay int32 (links) and small integers: past this, the mailbox renumbers (compacts). */
const SEQ_LIMIT = 2 ** 30;

class Chunk {
  /** The payload of each slot. */
  p: unknown[];
  /** The topic of each slot as an index into `names`; 0 is an empty slot (once `tcol` exists, 1 marks a full one). */
  t: Uint8Array;
  /** The chunk's topics; `names[0]` is undefined (an empty slot). */
  readonly names: (string | undefined)[] = [undefined];
  /** The topic of each slot, once the chunk has seen more than NAMES topics. */
  tcol: (string | undefined)[] | null = null;
  /** The sender (PID) or onTaken of each slot; made on the first message that has one. */
  s: unknown[] | null = null;
  /** The next message of the same topic, per slot, while the topic index exists. */
  links: Int32Array | null;

  constructor(n: number, indexed: boolean) {
    this.p = new Array<unknown>(n);
    this.t = new Uint8Array(n);
    this.links = indexed ? new Int32Array(n) : null;
  }

  topic(i: number): string | undefined {
    return this.tcol === null ? this.names[this.t[i]!] : this.tcol[i];
  }

  write(i: number, topic: string, payload: unknown, sender: unknown): void {
    this.p[i] = payload;
    if (sender !== undefined) (this.s ??= new Array<unknown>(this.t.length))[i] = sender;
    const tcol = this.tcol;
    if (tcol !== null) {
      tcol[i] = topic;
      this.t[i] = 1;
      return;
    }
    const names = this.names;
    let k = 1;
    while (k < names.length && names[k] !== topic) k++;
    if (k === names.length) {
      if (k > NAMES) {
        // Many topics: keep them per slot from now on.
        const n = this.t.length;
        const col = new Array<string | undefined>(n);
        for (let j = 0; j < n; j++) col[j] = names[this.t[j]!];
        col[i] = topic;
        this.tcol = col;
        this.t[i] = 1;
        return;
      }
      names.push(topic);
    }
    this.t[i] = k;
  }

  clear(i: number): void {
    this.t[i] = 0;
    if (this.tcol !== null) this.tcol[i] = undefined;
    this.p[i] = undefined;
    if (this.s !== null) this.s[i] = undefined;
  }

  /** Eight times the slots (up to SLOTS): the first chunk, as it fills. */
  grow(): void {
    const n = Math.min(SLOTS, this.t.length * 8);
    this.p.length = n;
    const t = new Uint8Array(n);
    t.set(this.t);
    this.t = t;
    if (this.tcol !== null) this.tcol.length = n;
    if (this.s !== null) this.s.length = n;
    if (this.links !== null) {
      const l = new Int32Array(n);
      l.set(this.links);
      this.links = l;
    }
  }
}

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
  /**
   * A lone message is kept here, not in a chunk (while `chunks` is null and size is 1): a process
   * that takes each message soon after it arrives (a request/reply loop) allocates no storage.
   * The second message moves it into a chunk.
   */
  private t0: string | undefined = undefined;
  private p0: unknown = undefined;
  private s0: unknown = undefined;
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

  /** Message slots of storage held (chunks, the spare included): 0 when empty or holding a lone message. */
  get slots(): number {
    let n = this.spare === null ? 0 : SLOTS;
    if (this.chunks !== null) for (const c of this.chunks) n += c.t.length;
    return n;
  }

  /** Queue a message. It has a sender (`from`) or is a plugin's tracked delivery (`onTaken`), never both. */
  push(topic: string, payload: unknown, from: Pid | undefined, onTaken: OnTaken | null, system: boolean): void {
    const sender = onTaken ?? from;
    if (this.size === 0) {
      this.t0 = topic;
      this.p0 = payload;
      this.s0 = sender;
    } else {
      if (this.chunks === null) this.spill();
      else if (this.tail === SEQ_LIMIT) this.compact();
      this.append(topic, payload, sender);
    }
    if (onTaken !== null) this.tracked++;
    this.size++;
    if (!system) this.user++;
  }

  /** The oldest message (of `topic`, when given), removed; undefined when there is none. */
  take(topic?: string): Message | undefined {
    const chunks = this.chunks;
    if (chunks === null) {
      const t = this.t0;
      if (t === undefined || (topic !== undefined && topic !== t)) return undefined;
      const payload = this.p0;
      const sender = this.s0;
      this.removeLone(t, sender);
      if (typeof sender === 'function') {
        (sender as OnTaken)(true);
        return { topic: t, payload };
      }
      return sender === undefined ? { topic: t, payload } : { topic: t, payload, from: sender as Pid };
    }
    let s: number;
    let c: Chunk;
    let q: TopicQueue | undefined;
    if (topic === undefined) {
      s = this.head;
      c = chunks[0]!;
    } else {
      q = (this.topics ?? this.buildIndex()).get(topic);
      if (q === undefined) return undefined;
      s = q.head;
      c = chunks[(s >>> SHIFT) - (this.head >>> SHIFT)]!;
    }
    const i = s & MASK;
    const t = c.topic(i)!;
    const payload = c.p[i];
    const sender = c.s === null ? undefined : c.s[i];
    this.remove(s, c, i, t, sender, q);
    if (typeof sender === 'function') {
      (sender as OnTaken)(true);
      return { topic: t, payload };
    }
    return sender === undefined ? { topic: t, payload } : { topic: t, payload, from: sender as Pid };
  }

  /** Drop the oldest non-system message to make room (dropOldest). False when only system messages wait. */
  evictOldest(): boolean {
    const chunks = this.chunks;
    if (this.user === 0) return false;
    if (chunks === null) {
      // The lone message is not a system one (user > 0).
      const sender = this.s0;
      this.removeLone(this.t0!, sender);
      if (typeof sender === 'function') (sender as OnTaken)(false);
      return true;
    }
    const first = this.head >>> SHIFT;
    for (let s = this.head; s < this.tail; s++) {
      const c = chunks[(s >>> SHIFT) - first]!;
      const i = s & MASK;
      const t = c.topic(i);
      if (t === undefined || t === EVENTS_TOPIC) continue;
      // It is the head of its topic queue: every older message waiting is a system message.
      const sender = c.s === null ? undefined : c.s[i];
      this.remove(s, c, i, t, sender, undefined);
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
    const lone = this.s0;
    this.release();
    this.topics = null;
    if (tracked === 0) return;
    if (chunks === null) {
      try {
        (lone as OnTaken)(false);
      } catch {
        // A plugin's credit callback must not break the exit of a process.
      }
      return;
    }
    const first = head >>> SHIFT;
    for (let s = head; s < tail; s++) {
      const c = chunks[(s >>> SHIFT) - first]!;
      const i = s & MASK;
      const sender = c.s === null ? undefined : c.s[i];
      if (typeof sender !== 'function' || c.topic(i) === undefined) continue;
      try {
        (sender as OnTaken)(false);
      } catch {
        // A plugin's credit callback must not break the exit of a process.
      }
    }
  }

  /** A second message arrives: the lone one moves into a chunk first. */
  private spill(): void {
    const t = this.t0!;
    const p = this.p0;
    const sender = this.s0;
    this.t0 = this.p0 = this.s0 = undefined;
    this.append(t, p, sender);
  }

  /** Take the lone message out. */
  private removeLone(t: string, sender: unknown): void {
    this.t0 = this.p0 = this.s0 = undefined;
    this.size = 0;
    if (t !== EVENTS_TOPIC) this.user--;
    if (typeof sender === 'function') this.tracked--;
  }

  /** Write a message at the tail (and in the index, when there is one). */
  private append(topic: string, payload: unknown, sender: unknown): void {
    const s = this.tail++;
    const i = s & MASK;
    const topics = this.topics;
    let c = this.last;
    if (c === null) {
      // A fresh mailbox: the first chunk grows as it is written, so a short queue costs short columns.
      c = new Chunk(FIRST, topics !== null);
      this.chunks = [c];
      this.head = s;
    } else if (i === 0) {
      c = this.spare;
      this.spare = null;
      if (c === null) c = new Chunk(SLOTS, topics !== null);
      else if (topics !== null && c.links === null) c.links = new Int32Array(SLOTS);
      this.chunks!.push(c);
    } else if (i >= c.t.length) c.grow();
    this.last = c;
    c.write(i, topic, payload, sender);
    if (topics !== null) {
      const q = topics.get(topic);
      if (q === undefined) topics.set(topic, { head: s, tail: s });
      else {
        const p = q.tail;
        this.chunks![(p >>> SHIFT) - (this.head >>> SHIFT)]!.links![p & MASK] = s;
        q.tail = s;
      }
    }
  }

  /** Take message `s` (slot `i` of chunk `c`, topic `t`, topic queue `q` when known) out: the head of its topic queue. */
  private remove(s: number, c: Chunk, i: number, t: string, sender: unknown, q: TopicQueue | undefined): void {
    const topics = this.topics;
    if (topics !== null) {
      q ??= topics.get(t)!;
      if (q.tail === s) topics.delete(t);
      else q.head = c.links![i]!;
    }
    c.clear(i);
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
      const i = s & MASK;
      if (i === 0) {
        chunks.shift();
        this.spare ??= c;
        c = chunks[0]!;
      }
      if (c.t[i] !== 0) break;
      s++;
      this.dead--;
    }
    this.head = s;
  }

  /** No message waits: let go of every chunk and start numbering again. The index (empty) stays. */
  private release(): void {
    this.chunks = this.last = this.spare = null;
    this.t0 = this.p0 = this.s0 = undefined;
    this.head = this.tail = this.dead = this.size = this.user = this.tracked = 0;
  }

  /** Copy the waiting messages, in order, into fresh chunks numbered from 0 (tombstones dropped, index rebuilt). */
  private compact(): void {
    const chunks = this.chunks;
    const head = this.head;
    const tail = this.tail;
    this.chunks = this.last = this.spare = null;
    this.head = this.tail = this.dead = 0;
    if (this.topics !== null) this.topics = new Map();
    if (chunks === null) return;
    const first = head >>> SHIFT;
    for (let s = head; s < tail; s++) {
      const c = chunks[(s >>> SHIFT) - first]!;
      const i = s & MASK;
      const t = c.topic(i);
      if (t !== undefined) this.append(t, c.p[i], c.s === null ? undefined : c.s[i]);
    }
  }

  /** Build the topic index over what waits: a link column per chunk, a queue per topic. */
  private buildIndex(): Map<string, TopicQueue> {
    const topics = new Map<string, TopicQueue>();
    this.topics = topics;
    const chunks = this.chunks;
    if (chunks === null) return topics;
    for (const c of chunks) c.links = new Int32Array(c.t.length);
    // One pass: the link of each message is written when the next of its topic is found.
    const first = this.head >>> SHIFT;
    let s = this.head;
    for (let k = 0; k < chunks.length; k++) {
      const c = chunks[k]!;
      const end = Math.min(this.tail, (s | MASK) + 1);
      for (; s < end; s++) {
        const t = c.topic(s & MASK);
        if (t === undefined) continue;
        const q = topics.get(t);
        if (q === undefined) topics.set(t, { head: s, tail: s });
        else {
          const p = q.tail;
          chunks[(p >>> SHIFT) - first]!.links![p & MASK] = s;
          q.tail = s;
        }
      }
    }
    return topics;
  }
}
