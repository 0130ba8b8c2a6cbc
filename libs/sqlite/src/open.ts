import { describeValue, OptionError } from '@switchyard/errors';
import { Driver, type DriverDatabase } from './driver.js';

/** SQLite's `synchronous` levels. With WAL, NORMAL cannot corrupt the file; a power cut may lose the last commits. FULL syncs every commit. */
export type Synchronous = 'OFF' | 'NORMAL' | 'FULL' | 'EXTRA';

const LEVELS: readonly Synchronous[] = ['OFF', 'NORMAL', 'FULL', 'EXTRA'];

export interface OpenOptions {
  /** Write-ahead log (default true; ignored for ":memory:" and read-only files). */
  wal?: boolean;
  /** Default: leave SQLite's default (FULL). */
  synchronous?: Synchronous;
  /** How long a statement waits for another connection's lock, ms (default 5000). */
  busyTimeoutMs?: number;
  readonly?: boolean;
  foreignKeys?: boolean;
}

/** True for the names SQLite treats as a private in-memory database. */
export function isMemory(file: string): boolean {
  return file === ':memory:' || file === '';
}

/**
 * Open a database with the pragmas every Switchyard package sets the same way. The
 * connection is closed again if a pragma fails, so a bad file never leaks a handle.
 */
export function openDatabase(file: string, options: OpenOptions = {}): DriverDatabase {
  const readonly = options.readonly ?? false;
  const sync = options.synchronous;
  if (sync !== undefined && !LEVELS.includes(sync)) {
    throw new OptionError(`openDatabase(${describeValue(file, 200)})`, 'synchronous', `must be one of ${LEVELS.join(', ')}, got ${describeValue(sync)}`);
  }
  const db = new Driver(file, { readonly, fileMustExist: readonly, timeout: options.busyTimeoutMs ?? 5000 });
  try {
    if ((options.wal ?? true) && !readonly && !isMemory(file)) db.pragma('journal_mode = WAL');
    if (sync !== undefined) db.pragma(`synchronous = ${sync}`);
    if (options.foreignKeys !== undefined) db.pragma(options.foreignKeys ? 'foreign_keys = ON' : 'foreign_keys = OFF');
  } catch (error) {
    db.close();
    throw error;
  }
  return db;
}
