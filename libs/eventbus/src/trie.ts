import { SEG_ALT, SEG_GLOBSTAR, SEG_LITERAL, SEG_STAR, type ParsedPattern } from './pattern.js';

/** Something the index can hold: its system filter, and a slot the index owns. */
export interface Indexed {
  /** null = no filter: matches every system. */
  readonly systemFilter: ParsedPattern | null;
  /** Position in the bucket that holds it, so removal is O(1). Owned by the index. */
  indexSlot: number;
}

interface AltEdge<T> {
  readonly text: string;
  readonly options: readonly string[];
  readonly node: TrieNode<T>;
}

class TrieNode<T> {
  exact: Map<string, TrieNode<T>> | null = null;
  star: TrieNode<T> | null = null;
  globstar: TrieNode<T> | null = null;
  alts: AltEdge<T>[] | null = null;
  subs: T[] | null = null;
  /** Step stamp of the last state set this node joined; dedupes the set without a Set. */
  mark = 0;
  /** Reached through a `**` edge: it stays active on every further segment. */
  readonly loop: boolean;
  constructor(loop: boolean) {
    this.loop = loop;
  }

  isEmpty(): boolean {
    return (
      (this.subs === null || this.subs.length === 0) &&
      (this.exact === null || this.exact.size === 0) &&
      this.star === null &&
      this.globstar === null &&
      (this.alts === null || this.alts.length === 0)
    );
  }
}

function bucketAdd<T extends Indexed>(bucket: T[], item: T): void {
  item.indexSlot = bucket.length;
  bucket.push(item);
}

function bucketRemove<T extends Indexed>(bucket: T[], item: T): boolean {
  const slot = item.indexSlot;
  if (bucket[slot] !== item) return false;
  const last = bucket.pop()!;
  if (last !== item) {
    bucket[slot] = last;
    last.indexSlot = slot;
  }
  item.indexSlot = -1;
  return true;
}

/**
 * Finds the subscriptions whose system pattern matches a system name without
 * testing each of them, so a send costs in proportion to its matches:
 * - literal patterns: one Map lookup on the whole name;
 * - no filter, or only `**`: one bucket, always matched;
 * - `*` alone: one bucket, matched by non-empty names without a dot;
 * - everything else: a trie over pattern segments (literal children in a Map,
 *   one `*` child, one `**` child, alternation edges), walked as an NFA whose
 *   state set is a set of trie nodes. Each pattern lives in exactly one node, so a
 *   deduplicated state set yields each match once, and the walk is linear in the
 *   input's segments however many `**` the patterns hold.
 */
export class SubscriptionIndex<T extends Indexed> {
  /** One item is stored bare (most names have one subscriber); more go into an array. */
  private readonly exact = new Map<string, T | T[]>();
  private readonly all: T[] = [];
  private readonly single: T[] = [];
  private readonly root = new TrieNode<T>(false);
  private trieSize = 0;
  private stamp = 0;
  private cur: TrieNode<T>[] = [];
  private nxt: TrieNode<T>[] = [];

  add(item: T): void {
    const f = item.systemFilter;
    if (f === null || f.shape === 'all') return bucketAdd(this.all, item);
    switch (f.shape) {
      case 'never':
        // The raw empty pattern never matches; the bus maps "" to "no filter" before it gets here.
        item.indexSlot = -1;
        return;
      case 'single':
        return bucketAdd(this.single, item);
      case 'exact': {
        const b = this.exact.get(f.pattern);
        if (b === undefined) {
          item.indexSlot = 0;
          this.exact.set(f.pattern, item);
        } else if (Array.isArray(b)) {
          bucketAdd(b, item);
        } else {
          const pair = [b, item];
          item.indexSlot = 1;
          this.exact.set(f.pattern, pair);
        }
        return;
      }
      default: {
        let node = this.root;
        for (const seg of f.segments) node = this.child(node, seg.kind, seg.text, seg.options);
        node.subs ??= [];
        bucketAdd(node.subs, item);
        this.trieSize++;
      }
    }
  }

  remove(item: T): boolean {
    const f = item.systemFilter;
    if (f === null || f.shape === 'all') return bucketRemove(this.all, item);
    switch (f.shape) {
      case 'never':
        return false;
      case 'single':
        return bucketRemove(this.single, item);
      case 'exact': {
        const b = this.exact.get(f.pattern);
        if (b === item) {
          this.exact.delete(f.pattern);
          item.indexSlot = -1;
          return true;
        }
        if (b === undefined || !Array.isArray(b) || !bucketRemove(b, item)) return false;
        if (b.length === 1) {
          b[0]!.indexSlot = 0;
          this.exact.set(f.pattern, b[0]!);
        }
        return true;
      }
      default: {
        const path: TrieNode<T>[] = [this.root];
        let node: TrieNode<T> | null = this.root;
        for (const seg of f.segments) {
          node = this.existingChild(node, seg.kind, seg.text);
          if (node === null) return false;
          path.push(node);
        }
        if (node.subs === null || !bucketRemove(node.subs, item)) return false;
        this.trieSize--;
        // Prune emptied nodes so churn does not grow the trie.
        for (let i = path.length - 1; i > 0; i--) {
          const n = path[i]!;
          if (!n.isEmpty()) break;
          const seg = f.segments[i - 1]!;
          this.unlink(path[i - 1]!, seg.kind, seg.text);
        }
        return true;
      }
    }
  }

  clear(): void {
    this.exact.clear();
    this.all.length = 0;
    this.single.length = 0;
    const r = this.root;
    r.exact = null;
    r.star = null;
    r.globstar = null;
    r.alts = null;
    r.subs = null;
    this.trieSize = 0;
    this.cur.length = 0;
    this.nxt.length = 0;
  }

  /** Writes every item whose system filter matches `system` into `out`; returns how many. */
  collect(system: string, out: T[]): number {
    let n = 0;
    if (this.exact.size > 0) {
      const b = this.exact.get(system);
      if (b !== undefined) {
        if (Array.isArray(b)) for (let i = 0; i < b.length; i++) out[n++] = b[i]!;
        else out[n++] = b;
      }
    }
    const all = this.all;
    for (let i = 0; i < all.length; i++) out[n++] = all[i]!;
    const single = this.single;
    if (single.length > 0 && system.length > 0 && system.indexOf('.') === -1) {
      for (let i = 0; i < single.length; i++) out[n++] = single[i]!;
    }
    if (this.trieSize === 0) return n;

    let cur = this.cur;
    let nxt = this.nxt;
    let curLen = this.enter(cur, 0, this.root, ++this.stamp);
    let start = 0;
    for (;;) {
      const dot = system.indexOf('.', start);
      const end = dot === -1 ? system.length : dot;
      const stamp = ++this.stamp;
      let seg: string | undefined;
      let nxtLen = 0;
      for (let i = 0; i < curLen; i++) {
        const node = cur[i]!;
        if (node.loop) nxtLen = this.enter(nxt, nxtLen, node, stamp);
        if (node.exact !== null) {
          seg ??= system.slice(start, end);
          const c = node.exact.get(seg);
          if (c !== undefined) nxtLen = this.enter(nxt, nxtLen, c, stamp);
        }
        if (node.star !== null) nxtLen = this.enter(nxt, nxtLen, node.star, stamp);
        const alts = node.alts;
        if (alts !== null) {
          seg ??= system.slice(start, end);
          for (let a = 0; a < alts.length; a++) {
            const e = alts[a]!;
            if (e.options.includes(seg)) nxtLen = this.enter(nxt, nxtLen, e.node, stamp);
          }
        }
      }
      const t = cur;
      cur = nxt;
      nxt = t;
      curLen = nxtLen;
      if (curLen === 0 || dot === -1) break;
      start = dot + 1;
    }
    for (let i = 0; i < curLen; i++) {
      const subs = cur[i]!.subs;
      if (subs !== null) for (let j = 0; j < subs.length; j++) out[n++] = subs[j]!;
    }
    // Keep the (possibly swapped) scratch arrays for the next call.
    this.cur = cur;
    this.nxt = nxt;
    return n;
  }

  /** Adds `node` to a state set, with the nodes its `**` children reach by matching zero segments. */
  private enter(set: TrieNode<T>[], len: number, node: TrieNode<T>, stamp: number): number {
    if (node.mark === stamp) return len;
    node.mark = stamp;
    set[len++] = node;
    return node.globstar === null ? len : this.enter(set, len, node.globstar, stamp);
  }

  private child(node: TrieNode<T>, kind: number, text: string, options: readonly string[]): TrieNode<T> {
    switch (kind) {
      case SEG_STAR:
        return (node.star ??= new TrieNode<T>(false));
      case SEG_GLOBSTAR:
        return (node.globstar ??= new TrieNode<T>(true));
      case SEG_ALT: {
        const alts = (node.alts ??= []);
        for (const e of alts) if (e.text === text) return e.node;
        const created = new TrieNode<T>(false);
        alts.push({ text, options, node: created });
        return created;
      }
      default: {
        const map = (node.exact ??= new Map());
        let c = map.get(text);
        if (c === undefined) {
          c = new TrieNode<T>(false);
          map.set(text, c);
        }
        return c;
      }
    }
  }

  private existingChild(node: TrieNode<T>, kind: number, text: string): TrieNode<T> | null {
    switch (kind) {
      case SEG_STAR:
        return node.star;
      case SEG_GLOBSTAR:
        return node.globstar;
      case SEG_ALT:
        return node.alts?.find((e) => e.text === text)?.node ?? null;
      default:
        return node.exact?.get(text) ?? null;
    }
  }

  private unlink(parent: TrieNode<T>, kind: number, text: string): void {
    if (kind === SEG_STAR) parent.star = null;
    else if (kind === SEG_GLOBSTAR) parent.globstar = null;
    else if (kind === SEG_ALT) {
      const alts = parent.alts!;
      alts.splice(
        alts.findIndex((e) => e.text === text),
        1,
      );
      if (alts.length === 0) parent.alts = null;
    } else if (kind === SEG_LITERAL) {
      parent.exact!.delete(text);
      if (parent.exact!.size === 0) parent.exact = null;
    }
  }
}
