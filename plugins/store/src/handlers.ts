import type { Handler } from '@switchyard/dispatcher';
import { describeValue, didYouMean } from '@switchyard/errors';
import type { Clock, PluginContext, TimerId } from '@switchyard/runtime';
import { MemoryBackend, SqliteBackend, type Backend, type StoredRecord } from './backends.js';
import {
  StoreCommand,
  type DeleteCmd,
  type Entry,
  type EntryCmd,
  type GetCmd,
  type HasCmd,
  type JsonValue,
  type ListCmd,
  type ListPage,
  type PutCmd,
  type SetCmd,
  type SetOptions,
} from './commands.js';
import { StoreError, VersionConflictError } from './errors.js';
import { encode } from './json.js';
import type { ResolvedStore } from './options.js';

export const MAX_KEY_LENGTH = 1024;

/** Counters of one installation, reported by setup's `stats` (`rt.stats().plugins.store`). */
export type StoreStats = {
  /** Stores configured. */
  stores: number;
  /** Records held in all stores, including expired ones not yet swept. */
  keys: number;
  /** Stores whose sweep timer is armed (only while some value can expire). */
  sweepTimers: number;
  /** Records held per store: `keys.<store name>`. */
  [perStore: `keys.${string}`]: number;
};
export const DEFAULT_LIMIT = 100;
export const MAX_LIMIT = 1000;

const LONE_SURROGATE = /\p{Surrogate}/u;

class Store {
  backend: Backend | null = null;
  /** The last version handed out. */
  seq = 0;
  sweepTimer: TimerId | undefined = undefined;
  closed = false;
  /** Store time is epoch ms: the wall clock at open, advanced by the runtime clock (virtual in tests). */
  private wallBase = 0;
  private clockBase = 0;
  constructor(
    readonly options: ResolvedStore,
    private readonly clock: Clock,
  ) {}
  get name(): string {
    return this.options.name;
  }
  startClock(): void {
    this.wallBase = Date.now();
    this.clockBase = this.clock.now();
  }
  now(): number {
    return this.wallBase + (this.clock.now() - this.clockBase);
  }
}

function sqliteCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_') ? code : undefined;
}

/** The store plugin's state for one runtime. Every command completes synchronously. */
export class StoreHandlers {
  private readonly clock: Clock;
  private readonly stores = new Map<string, Store>();

  constructor(ctx: Pick<PluginContext, 'clock'>, stores: readonly ResolvedStore[]) {
    this.clock = ctx.clock;
    for (const s of stores) this.stores.set(s.name, new Store(s, ctx.clock));
  }

  // ------------------------------------------------------------ lifecycle

  open(): void {
    for (const s of this.stores.values()) {
      const o = s.options;
      try {
        s.backend = o.backend === 'memory' ? new MemoryBackend() : new SqliteBackend(o);
      } catch (error) {
        this.close();
        const why = error instanceof Error ? error.message : String(error);
        throw new StoreError('STORE_OPEN_FAILED', `store plugin: store "${s.name}": cannot open "${o.file}": ${why}`, {
          store: s.name,
          sqliteCode: sqliteCode(error),
          cause: error,
        });
      }
      s.seq = s.backend.lastVersion;
      s.startClock();
      if (s.backend.hasExpiring()) this.armSweep(s);
    }
  }

  /** Clear sweep timers and close backends. Idempotent. */
  close(): void {
    for (const s of this.stores.values()) {
      if (s.closed) continue;
      s.closed = true;
      if (s.sweepTimer !== undefined) this.clock.clearTimeout(s.sweepTimer);
      s.sweepTimer = undefined;
      s.backend?.close();
      s.backend = null;
    }
  }

  /** `rt.stats().plugins.store`: totals, and `keys.<store>` per store. */
  stats(): StoreStats {
    const out: StoreStats = { stores: this.stores.size, keys: 0, sweepTimers: 0 };
    for (const s of this.stores.values()) {
      const keys = s.backend?.size() ?? 0;
      out.keys += keys;
      if (s.sweepTimer !== undefined) out.sweepTimers++;
      out[`keys.${s.name}`] = keys;
    }
    return out;
  }

  // ------------------------------------------------------------ expiry

  /** One timer per store, armed only while some value can expire; unref'd so it never keeps Node alive. */
  private armSweep(s: Store): void {
    if (s.sweepTimer !== undefined || s.closed) return;
    s.sweepTimer = this.clock.setTimeout(
      () => {
        s.sweepTimer = undefined;
        if (s.closed || s.backend === null) return;
        try {
          s.backend.sweep(s.now(), s.seq);
        } catch {
          // A failed sweep (e.g. the file is locked) is retried on the next round; reads still hide expired values.
        }
        if (s.backend.hasExpiring()) this.armSweep(s);
      },
      s.options.sweepIntervalMs,
      true,
    );
  }

  // ------------------------------------------------------------ checks

  private store(name: string): Store & { backend: Backend } {
    const s = this.stores.get(name);
    if (s === undefined) {
      const hint = typeof name === 'string' ? didYouMean(name, this.stores.keys()) : '';
      throw new StoreError('NO_SUCH_STORE', `no store ${describeValue(name)}${hint} (configured: ${[...this.stores.keys()].map((n) => `"${n}"`).join(', ')})`, {
        store: typeof name === 'string' ? name : undefined,
      });
    }
    if (s.closed || s.backend === null) throw new StoreError('STORE_CLOSED', `store "${s.name}" is closed (the runtime stopped)`, { store: s.name });
    return s as Store & { backend: Backend };
  }

  private key(s: Store, key: unknown): string {
    if (typeof key !== 'string' || key.length === 0 || key.length > MAX_KEY_LENGTH) {
      throw new StoreError('STORE_BAD_KEY', `store "${s.name}": a key must be a non-empty string of at most ${MAX_KEY_LENGTH} characters, got ${describeValue(key)}${typeof key === 'string' && key.length > MAX_KEY_LENGTH ? ` (${key.length} characters)` : ''}`, {
        store: s.name,
      });
    }
    // SQLite stores UTF-8; a lone surrogate would come back as U+FFFD, a different key.
    if (LONE_SURROGATE.test(key)) throw new StoreError('STORE_BAD_KEY', `store "${s.name}": key ${JSON.stringify(key)} contains a lone UTF-16 surrogate`, { store: s.name });
    return key;
  }

  private ttl(s: Store, key: string, ttlMs: unknown): number | null {
    if (ttlMs === undefined) return null;
    if (typeof ttlMs !== 'number' || !Number.isFinite(ttlMs) || ttlMs <= 0) {
      throw new StoreError('STORE_BAD_ARGUMENT', `store "${s.name}": ttlMs for key ${JSON.stringify(key)} must be a finite number of ms > 0, got ${describeValue(ttlMs)}`, { store: s.name, key });
    }
    return s.now() + ttlMs;
  }

  /** Run a backend operation; any failure becomes a StoreError naming the store and key. */
  private guarded<T>(s: Store, key: string | undefined, op: () => T): T {
    try {
      return op();
    } catch (error) {
      throw this.failed(s, key, error);
    }
  }

  private failed(s: Store, key: string | undefined, error: unknown): StoreError {
    if (error instanceof StoreError) return error;
    const why = error instanceof Error ? error.message : String(error);
    const code = sqliteCode(error);
    return new StoreError('STORE_FAILED', `store "${s.name}": ${why}${code === undefined ? '' : ` [${code}]`}${key === undefined ? '' : ` (key ${JSON.stringify(key)})`}`, {
      store: s.name,
      key,
      sqliteCode: code,
      cause: error,
    });
  }

  /** The live record of `key`; an expired one is deleted on the way (lazy expiry). */
  private live(s: Store & { backend: Backend }, key: string): StoredRecord | undefined {
    const r = s.backend.get(key);
    if (r === undefined) return undefined;
    if (r.expiresAt !== null && r.expiresAt <= s.now()) {
      s.backend.remove(key, s.seq);
      return undefined;
    }
    return r;
  }

  private write(s: Store & { backend: Backend }, key: string, json: string, expiresAt: number | null): number {
    const version = s.seq + 1;
    s.backend.write(key, { json, version, expiresAt });
    s.seq = version;
    if (expiresAt !== null) this.armSweep(s);
    return version;
  }

  // ------------------------------------------------------------ the API other plugins use (storesKey)

  names(): string[] {
    return [...this.stores.keys()];
  }

  getValue(store: string, key: string): JsonValue | undefined {
    const s = this.store(store);
    const k = this.key(s, key);
    const r = this.guarded(s, k, () => this.live(s, k));
    return r === undefined ? undefined : (JSON.parse(r.json) as JsonValue);
  }

  setValue(store: string, key: string, value: unknown, options?: SetOptions): number {
    const s = this.store(store);
    const k = this.key(s, key);
    const expiresAt = this.ttl(s, k, options?.ttlMs);
    const json = encode(s.name, k, value);
    return this.guarded(s, k, () => this.write(s, k, json, expiresAt));
  }

  deleteValue(store: string, key: string): boolean {
    const s = this.store(store);
    const k = this.key(s, key);
    return this.guarded(s, k, () => this.live(s, k) !== undefined && s.backend.remove(k, s.seq));
  }

  // ------------------------------------------------------------ handlers

  readonly get: Handler<GetCmd> = (_ctx, cmd, tag, receiver) => {
    receiver.completeYield(tag, this.getValue(cmd.store, cmd.key));
  };

  readonly set: Handler<SetCmd> = (_ctx, cmd, tag, receiver) => {
    receiver.completeYield(tag, this.setValue(cmd.store, cmd.key, cmd.value, cmd.options));
  };

  readonly del: Handler<DeleteCmd> = (_ctx, cmd, tag, receiver) => {
    receiver.completeYield(tag, this.deleteValue(cmd.store, cmd.key));
  };

  readonly has: Handler<HasCmd> = (_ctx, cmd, tag, receiver) => {
    const s = this.store(cmd.store);
    const key = this.key(s, cmd.key);
    const r = this.guarded(s, key, () => this.live(s, key));
    receiver.completeYield(tag, r !== undefined);
  };

  readonly entry: Handler<EntryCmd> = (_ctx, cmd, tag, receiver) => {
    const s = this.store(cmd.store);
    const key = this.key(s, cmd.key);
    const r = this.guarded(s, key, () => this.live(s, key));
    const e: Entry | undefined = r === undefined ? undefined : { key, value: JSON.parse(r.json) as JsonValue, version: r.version, expiresAt: r.expiresAt };
    receiver.completeYield(tag, e);
  };

  readonly list: Handler<ListCmd> = (_ctx, cmd, tag, receiver) => {
    const s = this.store(cmd.store);
    const o = cmd.options ?? {};
    if (typeof o !== 'object' || o === null) throw new StoreError('STORE_BAD_ARGUMENT', `store "${s.name}": list options must be an object, got ${describeValue(o)}`, { store: s.name });
    const prefix = o.prefix ?? '';
    if (typeof prefix !== 'string') throw new StoreError('STORE_BAD_ARGUMENT', `store "${s.name}": list prefix must be a string, got ${describeValue(prefix)}`, { store: s.name });
    const cursor = o.cursor ?? '';
    if (typeof cursor !== 'string') throw new StoreError('STORE_BAD_ARGUMENT', `store "${s.name}": list cursor must be the string a previous page returned, got ${describeValue(cursor)}`, { store: s.name });
    const limit = o.limit ?? DEFAULT_LIMIT;
    if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
      throw new StoreError('STORE_BAD_ARGUMENT', `store "${s.name}": list limit must be an integer from 1 to ${MAX_LIMIT}, got ${describeValue(limit)}`, { store: s.name });
    }
    const records = this.guarded(s, undefined, () => s.backend.list(prefix, cursor, limit + 1, s.now()));
    const more = records.length > limit;
    if (more) records.length = limit;
    const entries: Entry[] = records.map((r) => ({ key: r.key, value: JSON.parse(r.json) as JsonValue, version: r.version, expiresAt: r.expiresAt }));
    const page: ListPage = { entries, cursor: more ? entries[entries.length - 1]!.key : undefined };
    receiver.completeYield(tag, page);
  };

  readonly put: Handler<PutCmd> = (_ctx, cmd, tag, receiver) => {
    const s = this.store(cmd.store);
    const key = this.key(s, cmd.key);
    const o = cmd.options ?? {};
    const expected = o.version;
    if (expected !== undefined && (typeof expected !== 'number' || !Number.isInteger(expected) || expected < 1)) {
      throw new StoreError('STORE_BAD_ARGUMENT', `store "${s.name}": put version for key ${JSON.stringify(key)} must be a version from entry() or a previous write (an integer >= 1), got ${describeValue(expected)}`, {
        store: s.name,
        key,
      });
    }
    if (o.ifAbsent !== undefined && typeof o.ifAbsent !== 'boolean') {
      throw new StoreError('STORE_BAD_ARGUMENT', `store "${s.name}": put ifAbsent for key ${JSON.stringify(key)} must be true or false, got ${describeValue(o.ifAbsent)}`, { store: s.name, key });
    }
    if (expected !== undefined && o.ifAbsent === true) {
      throw new StoreError('STORE_BAD_ARGUMENT', `store "${s.name}": put for key ${JSON.stringify(key)} cannot have both version and ifAbsent`, { store: s.name, key });
    }
    const expiresAt = this.ttl(s, key, o.ttlMs);
    const json = encode(s.name, key, cmd.value);
    const version = this.guarded(s, key, () => {
      const current = this.live(s, key);
      const actual = current === undefined ? null : current.version;
      if (o.ifAbsent === true && actual !== null) throw new VersionConflictError(s.name, key, null, actual);
      if (expected !== undefined && actual !== expected) throw new VersionConflictError(s.name, key, expected, actual);
      return this.write(s, key, json, expiresAt);
    });
    receiver.completeYield(tag, version);
  };

  get handlers() {
    return {
      [StoreCommand.Get]: this.get,
      [StoreCommand.Set]: this.set,
      [StoreCommand.Delete]: this.del,
      [StoreCommand.Has]: this.has,
      [StoreCommand.Entry]: this.entry,
      [StoreCommand.List]: this.list,
      [StoreCommand.Put]: this.put,
    };
  }
}
