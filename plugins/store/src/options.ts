import { describeValue } from '@switchyard/errors';
import { StoreError } from './errors.js';

export interface MemoryStoreOptions {
  backend: 'memory';
  /** How often expired values are deleted, ms (they are invisible as soon as they expire). Default 60000. */
  sweepIntervalMs?: number;
}

export interface SqliteStoreOptions {
  backend: 'sqlite';
  /** A file path (relative to the working directory) or ":memory:". */
  file: string;
  /** Table name; several stores may share one file with different tables. Default "kv". */
  table?: string;
  /** How long SQLite waits for a lock held by another connection, ms. Default 5000. */
  busyTimeoutMs?: number;
  sweepIntervalMs?: number;
}

export type StoreOptions = MemoryStoreOptions | SqliteStoreOptions;

export interface StorePluginOptions {
  /** Stores by the name processes use: `get('cache', key)`. */
  stores: Readonly<Record<string, StoreOptions>>;
}

/** What storePlugin() uses without options: one memory store named "default". */
export const DEFAULT_STORE_OPTIONS: StorePluginOptions = Object.freeze({ stores: Object.freeze({ default: Object.freeze({ backend: 'memory' as const }) }) });

export interface ResolvedStore {
  readonly name: string;
  readonly backend: 'memory' | 'sqlite';
  readonly file: string;
  readonly table: string;
  readonly busyTimeoutMs: number;
  readonly sweepIntervalMs: number;
}

const KNOWN: Record<'memory' | 'sqlite', readonly string[]> = {
  memory: ['backend', 'sweepIntervalMs'],
  sqlite: ['backend', 'file', 'table', 'busyTimeoutMs', 'sweepIntervalMs'],
};

function bad(store: string | undefined, field: string, message: string): StoreError {
  const where = store === undefined ? '' : `store "${store}": `;
  return new StoreError('STORE_BAD_OPTIONS', `store plugin: ${where}"${field}" ${message}`, store === undefined ? {} : { store });
}

function int(name: string, o: Record<string, unknown>, field: string, dflt: number, min: number, max: number): number {
  const v = o[field];
  if (v === undefined) return dflt;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) throw bad(name, field, `must be an integer from ${min} to ${max}, got ${describeValue(v)}`);
  return v;
}

/** Validate storePlugin() options; the error names the store and the field at fault. */
export function resolveOptions(options: unknown): ResolvedStore[] {
  if (typeof options !== 'object' || options === null) throw bad(undefined, 'options', `must be { stores: { name: { backend } } }, got ${describeValue(options)}`);
  const stores = (options as { stores?: unknown }).stores;
  if (typeof stores !== 'object' || stores === null || Array.isArray(stores)) {
    throw bad(undefined, 'stores', `must be an object mapping names to { backend, … }, got ${describeValue(stores)}`);
  }
  const names = Object.keys(stores);
  if (names.length === 0) throw bad(undefined, 'stores', 'must name at least one store');
  return names.map((name) => {
    if (name === '') throw bad(undefined, 'stores', 'has a store with an empty name');
    const o = (stores as Record<string, unknown>)[name];
    if (typeof o !== 'object' || o === null || Array.isArray(o)) throw bad(name, 'options', `must be an object like { backend: "memory" }, got ${describeValue(o)}`);
    const rec = o as Record<string, unknown>;
    const backend = rec.backend;
    if (backend !== 'memory' && backend !== 'sqlite') throw bad(name, 'backend', `must be "memory" or "sqlite", got ${describeValue(backend)}`);
    for (const key of Object.keys(rec)) {
      if (!KNOWN[backend].includes(key)) throw bad(name, key, `is not an option of the ${backend} backend (known: ${KNOWN[backend].join(', ')})`);
    }
    let file = '';
    let table = 'kv';
    if (backend === 'sqlite') {
      if (typeof rec.file !== 'string' || rec.file.trim() === '') throw bad(name, 'file', `must be a file path or ":memory:", got ${describeValue(rec.file)}`);
      file = rec.file.trim();
      if (rec.table !== undefined) {
        // The table name is put into SQL text (identifiers cannot be bound), so only plain identifiers.
        if (typeof rec.table !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(rec.table)) {
          throw bad(name, 'table', `must be a plain identifier (letters, digits, _; not starting with a digit), got ${describeValue(rec.table)}`);
        }
        table = rec.table;
      }
    }
    return Object.freeze({
      name,
      backend,
      file,
      table,
      busyTimeoutMs: int(name, rec, 'busyTimeoutMs', 5000, 0, 0x7fffffff),
      sweepIntervalMs: int(name, rec, 'sweepIntervalMs', 60_000, 1, 0x7fffffff),
    });
  });
}
