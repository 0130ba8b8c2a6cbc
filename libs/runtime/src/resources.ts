import { describeValue } from '@switchyard/errors';
import { ArgumentError, NoSuchProcessError, NoSuchResourceError, NotOwnerError, ResourceTableFullError } from './errors.js';
import type { Pid } from './types.js';

/** A handle: plain frozen data naming a resource, unique in its runtime. */
export interface Handle<K extends string = string> {
  readonly kind: K;
  readonly id: number;
}

/**
 * The runtime's one table of live things that processes own (timers, subscriptions, children,
 * statements, streams, …). Plugins reach it through their setup context; processes never do,
 * so every use by a process goes through the owner check.
 */
export interface ResourceTable {
  /**
   * Adopt `value` for `owner`. `dispose` runs once: on close(), or when the owner ends (newest
   * first, after its yield signals aborted). If `owner` has already ended, `value` is disposed
   * at once and NO_SUCH_PROCESS is thrown.
   */
  add<K extends string, V>(owner: Pid, kind: K, value: V, dispose?: (value: V) => void): Handle<K>;
  /** The value behind `handle` for a use by `pid`: NO_SUCH_RESOURCE (unknown, closed, other kind) or NOT_OWNER. */
  use<V>(pid: Pid, handle: unknown, kind: string): V;
  /** Check as `use`, remove, and dispose. */
  close(pid: Pid, handle: unknown, kind: string): void;
  /** Remove without disposing (the resource ended by itself: a timer fired, a child exited). */
  release(handle: Handle): boolean;
  /** No owner check: for the plugin's own callbacks (a timer firing needs its current owner). */
  get<V>(handle: Handle): V | undefined;
  ownerOf(handle: Handle): Pid | undefined;
  /** Move ownership; `from` must own it and `to` must be alive. */
  transfer(from: Pid, handle: unknown, to: Pid): void;
  /** Live resources, of one kind and/or one owner. */
  count(kind?: string, owner?: Pid): number;
}

/** What the table needs of a process: its PID and the newest entry it owns (a list, newest first). */
export interface ResourceOwner {
  readonly pid: Pid;
  owned: ResourceEntry | null;
}

/**
 * One live resource. The entries of one owner form a doubly linked list through `older`/`newer`
 * (head: `owner.owned`, the newest), so adding, removing and moving an entry allocate nothing and
 * cost O(1): a request-scoped process that opens one resource pays for no Set.
 */
export class ResourceEntry {
  older: ResourceEntry | null = null;
  newer: ResourceEntry | null = null;
  constructor(
    readonly handle: Handle,
    public owner: ResourceOwner,
    readonly value: unknown,
    readonly dispose: ((value: unknown) => void) | undefined,
  ) {}
}

function link(o: ResourceOwner, e: ResourceEntry): void {
  const head = o.owned;
  e.older = head;
  e.newer = null;
  if (head !== null) head.newer = e;
  o.owned = e;
}

function unlink(e: ResourceEntry): void {
  const o = e.owner;
  if (e.newer !== null) e.newer.older = e.older;
  else if (o.owned === e) o.owned = e.older;
  if (e.older !== null) e.older.newer = e.newer;
  e.older = null;
  e.newer = null;
}

const KIND = /^[a-z][a-z0-9._-]{0,31}$/;

/**
 * Handle IDs are generational slot numbers: `id = generation * SLOTS + slot + 1`. A lookup is an
 * array load and one comparison (no hashing, and no Map growing and shrinking as request-scoped
 * resources come and go); a handle kept after its resource closed names a slot whose generation has
 * moved on, so it never reaches the slot's next resource. A slot whose generation would leave the
 * safe integers is retired, never reused. The first handles of a runtime are 1, 2, 3, …
 */
const SLOTS = 2 ** 24;
const MAX_GENERATION = Math.floor(Number.MAX_SAFE_INTEGER / SLOTS) - 1;

export class Resources implements ResourceTable {
  /** Live entries by slot (`undefined`: free or retired). */
  private readonly slots: (ResourceEntry | undefined)[] = [];
  /** The next generation of each slot. */
  private readonly generations: number[] = [];
  /** Free slots, reused last-freed first. */
  private readonly free: number[] = [];
  private live = 0;
  /** Kinds already checked against KIND (plugins use a handful; capped so garbage cannot grow it). */
  private readonly kinds = new Set<string>();
  disposeErrors = 0;

  constructor(private readonly lookup: (pid: Pid) => ResourceOwner | undefined) {}

  add<K extends string, V>(owner: Pid, kind: K, value: V, dispose?: (value: V) => void): Handle<K> {
    if (!this.kinds.has(kind)) {
      if (typeof kind !== 'string' || !KIND.test(kind)) {
        throw new ArgumentError('kind', `resources.add(): kind must be a short lower-case name, got ${describeValue(kind)}`);
      }
      if (this.kinds.size < 256) this.kinds.add(kind);
    }
    const o = this.lookup(owner);
    if (o === undefined) {
      this.runDispose(dispose as ((v: unknown) => void) | undefined, value);
      throw new NoSuchProcessError(owner, `give a ${kind} to`);
    }
    let slot = this.free.pop();
    if (slot === undefined) {
      slot = this.slots.length;
      if (slot >= SLOTS) {
        this.runDispose(dispose as ((v: unknown) => void) | undefined, value);
        throw new ResourceTableFullError(kind, SLOTS);
      }
      this.slots.push(undefined);
      this.generations.push(0);
    }
    const generation = this.generations[slot]!;
    this.generations[slot] = generation + 1;
    const handle = Object.freeze({ kind, id: generation * SLOTS + slot + 1 });
    const e = new ResourceEntry(handle, o, value, dispose as ((v: unknown) => void) | undefined);
    this.slots[slot] = e;
    this.live++;
    link(o, e);
    return handle;
  }

  use<V>(pid: Pid, handle: unknown, kind: string): V {
    return this.check(pid, handle, kind).value as V;
  }

  close(pid: Pid, handle: unknown, kind: string): void {
    const e = this.check(pid, handle, kind);
    this.remove(e);
    this.runDispose(e.dispose, e.value);
  }

  release(handle: Handle): boolean {
    const e = this.lookupId(handle?.id);
    if (e === undefined || e.handle.kind !== handle.kind) return false;
    this.remove(e);
    return true;
  }

  get<V>(handle: Handle): V | undefined {
    const e = this.lookupId(handle?.id);
    return e !== undefined && e.handle.kind === handle.kind ? (e.value as V) : undefined;
  }

  ownerOf(handle: Handle): Pid | undefined {
    const e = this.lookupId(handle?.id);
    return e !== undefined && e.handle.kind === handle.kind ? e.owner.pid : undefined;
  }

  transfer(from: Pid, handle: unknown, to: Pid): void {
    const e = this.check(from, handle, undefined);
    const o = this.lookup(to);
    if (o === undefined) throw new NoSuchProcessError(to, `transfer ${e.handle.kind} #${e.handle.id} to`);
    if (o === e.owner) return;
    unlink(e);
    e.owner = o;
    link(o, e);
  }

  count(kind?: string, owner?: Pid): number {
    if (kind === undefined && owner === undefined) return this.live;
    let n = 0;
    for (const e of this.slots) {
      if (e !== undefined && (kind === undefined || e.handle.kind === kind) && (owner === undefined || e.owner.pid === owner)) n++;
    }
    return n;
  }

  byKind(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const e of this.slots) if (e !== undefined) out[e.handle.kind] = (out[e.handle.kind] ?? 0) + 1;
    return out;
  }

  /** The owner ended: dispose what it still owns, newest first. */
  disposeOwned(o: ResourceOwner): void {
    const head = o.owned;
    if (head === null) return;
    o.owned = null;
    if (head.older === null) {
      this.disposeEntry(head);
      return;
    }
    // Detach the whole list first: a dispose may release or close another entry of this owner.
    const list: ResourceEntry[] = [];
    for (let e: ResourceEntry | null = head; e !== null; ) {
      const older: ResourceEntry | null = e.older;
      e.older = null;
      e.newer = null;
      list.push(e);
      e = older;
    }
    for (const e of list) this.disposeEntry(e);
  }

  /** Dispose `e` unless something removed it meanwhile (released, closed). */
  private disposeEntry(e: ResourceEntry): void {
    if (this.lookupId(e.handle.id) !== e) return;
    this.vacate(e);
    this.runDispose(e.dispose, e.value);
  }

  /** The live entry whose handle has this ID, if any (any other number, fractional or out of range, finds none). */
  private lookupId(id: number): ResourceEntry | undefined {
    const e = this.slots[(id % SLOTS) - 1];
    return e !== undefined && e.handle.id === id ? e : undefined;
  }

  /** Free the entry's slot for reuse (or retire it once its generations are spent). */
  private vacate(e: ResourceEntry): void {
    const slot = (e.handle.id % SLOTS) - 1;
    this.slots[slot] = undefined;
    this.live--;
    if (this.generations[slot]! <= MAX_GENERATION) this.free.push(slot);
  }

  private check(pid: Pid, handle: unknown, kind: string | undefined): ResourceEntry {
    const h = handle as Partial<Handle> | null;
    if (typeof h !== 'object' || h === null || typeof h.kind !== 'string' || typeof h.id !== 'number') {
      throw new NoSuchResourceError(handle, pid, `${describeValue(handle)} is not a resource handle ({ kind, id })`);
    }
    if (kind !== undefined && h.kind !== kind) throw new NoSuchResourceError(handle, pid, `a ${kind} handle is needed here`);
    const e = this.lookupId(h.id);
    if (e === undefined || e.handle.kind !== h.kind) throw new NoSuchResourceError(handle, pid, 'it is closed or was never opened');
    if (e.owner.pid !== pid) throw new NotOwnerError(handle, pid, e.owner.pid);
    return e;
  }

  private remove(e: ResourceEntry): void {
    this.vacate(e);
    unlink(e);
  }

  private runDispose(dispose: ((v: unknown) => void) | undefined, value: unknown): void {
    if (dispose === undefined) return;
    try {
      dispose(value);
    } catch {
      // One failing dispose must reach no other process; it is counted in stats().
      this.disposeErrors++;
    }
  }
}
