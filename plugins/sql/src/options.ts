import { describeValue } from '@switchyard/errors';
import { SqlError } from './errors.js';

export type SqlMode = 'inline' | 'worker';

/** One database of sqlPlugin({ databases }). */
export interface DatabaseOptions {
  /** A file path (relative to the working directory) or ":memory:". */
  file: string;
  /**
   * "inline" (default): statements run on the main thread, fastest, but a slow statement
   * stalls every process while it runs. "worker": the database lives on its own worker
   * thread; each statement costs a thread round trip, slow ones stall nobody.
   */
  mode?: SqlMode;
  /** Journal mode WAL for file databases (readers do not block the writer). Default true. */
  wal?: boolean;
  /** How long SQLite waits for a lock held by another connection, ms. Default 5000. */
  busyTimeoutMs?: number;
  /** Open read-only (the file must exist). Default false. */
  readonly?: boolean;
  /** Enforce FOREIGN KEY constraints. Default true. */
  foreignKeys?: boolean;
  /** How many distinct SQL texts keep a compiled statement for query/execute. Default 200. */
  statementCacheSize?: number;
}

export interface SqlPluginOptions {
  /** Databases by the name processes use: `query('main', …)`. */
  databases: Readonly<Record<string, DatabaseOptions>>;
}

/** What sqlPlugin() uses without options: one in-memory database named "default". */
export const DEFAULT_SQL_OPTIONS: SqlPluginOptions = Object.freeze({ databases: Object.freeze({ default: Object.freeze({ file: ':memory:' }) }) });

export interface ResolvedDatabase {
  readonly name: string;
  readonly file: string;
  readonly mode: SqlMode;
  readonly wal: boolean;
  readonly busyTimeoutMs: number;
  readonly readonly: boolean;
  readonly foreignKeys: boolean;
  readonly statementCacheSize: number;
}

const KNOWN = ['file', 'mode', 'wal', 'busyTimeoutMs', 'readonly', 'foreignKeys', 'statementCacheSize'] as const;

function bad(database: string | undefined, field: string, message: string): SqlError {
  const where = database === undefined ? '' : `database "${database}": `;
  return new SqlError('SQL_BAD_OPTIONS', `sql plugin: ${where}"${field}" ${message}`, database === undefined ? {} : { database });
}

function bool(name: string, o: Record<string, unknown>, field: string, dflt: boolean): boolean {
  const v = o[field];
  if (v === undefined) return dflt;
  if (typeof v !== 'boolean') throw bad(name, field, `must be true or false, got ${describeValue(v)}`);
  return v;
}

function int(name: string, o: Record<string, unknown>, field: string, dflt: number, min: number, max: number): number {
  const v = o[field];
  if (v === undefined) return dflt;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw bad(name, field, `must be an integer from ${min} to ${max}, got ${describeValue(v)}`);
  }
  return v;
}

/** Validate sqlPlugin() options; the error names the database and the field at fault. */
export function resolveOptions(options: unknown): ResolvedDatabase[] {
  if (typeof options !== 'object' || options === null) throw bad(undefined, 'options', `must be { databases: { name: { file } } }, got ${describeValue(options)}`);
  const dbs = (options as { databases?: unknown }).databases;
  if (typeof dbs !== 'object' || dbs === null || Array.isArray(dbs)) {
    throw bad(undefined, 'databases', `must be an object mapping names to { file, … }, got ${describeValue(dbs)}`);
  }
  const names = Object.keys(dbs);
  if (names.length === 0) throw bad(undefined, 'databases', 'must name at least one database');
  return names.map((name) => {
    if (name === '') throw bad(undefined, 'databases', 'has a database with an empty name');
    const o = (dbs as Record<string, unknown>)[name];
    if (typeof o !== 'object' || o === null || Array.isArray(o)) throw bad(name, 'options', `must be an object like { file: "app.db" }, got ${describeValue(o)}`);
    const rec = o as Record<string, unknown>;
    for (const key of Object.keys(rec)) {
      if (!(KNOWN as readonly string[]).includes(key)) throw bad(name, key, `is not an option (known: ${KNOWN.join(', ')})`);
    }
    const file = rec.file;
    if (typeof file !== 'string' || file.trim() === '') throw bad(name, 'file', `must be a file path or ":memory:", got ${describeValue(file)}`);
    const mode = rec.mode ?? 'inline';
    if (mode !== 'inline' && mode !== 'worker') throw bad(name, 'mode', `must be "inline" or "worker", got ${describeValue(mode)}`);
    const readonly = bool(name, rec, 'readonly', false);
    if (readonly && file.trim() === ':memory:') throw bad(name, 'readonly', 'cannot be true for ":memory:" (an in-memory database starts empty)');
    return Object.freeze({
      name,
      file: file.trim(),
      mode,
      wal: bool(name, rec, 'wal', true),
      busyTimeoutMs: int(name, rec, 'busyTimeoutMs', 5000, 0, 0x7fffffff),
      readonly,
      foreignKeys: bool(name, rec, 'foreignKeys', true),
      statementCacheSize: int(name, rec, 'statementCacheSize', 200, 0, 100_000),
    });
  });
}
