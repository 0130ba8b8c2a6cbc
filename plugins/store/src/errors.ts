import { SwitchyardError } from '@switchyard/errors';

export type StoreErrorCode =
  /** The value is not JSON data (see the README); the message names the key and where in the value. */
  | 'STORE_BAD_VALUE'
  /** Not a non-empty string of at most 1024 characters, or a lone UTF-16 surrogate in it. */
  | 'STORE_BAD_KEY'
  /** An option of a command is wrong (ttlMs, limit, version, …). */
  | 'STORE_BAD_ARGUMENT'
  | 'VERSION_CONFLICT'
  | 'NO_SUCH_STORE'
  | 'STORE_BAD_OPTIONS'
  | 'STORE_OPEN_FAILED'
  /** The runtime stopped and closed the store. */
  | 'STORE_CLOSED'
  /** SQLite failed (disk full, I/O error, …); `sqliteCode` says how. */
  | 'STORE_FAILED';

export class StoreError extends SwitchyardError {
  declare readonly code: StoreErrorCode;
  readonly store: string | undefined;
  readonly key: string | undefined;
  readonly sqliteCode: string | undefined;
  constructor(code: StoreErrorCode, message: string, details: { store?: string; key?: string; sqliteCode?: string; cause?: unknown } = {}) {
    super(code, message, details.cause === undefined ? undefined : { cause: details.cause });
    this.store = details.store;
    this.key = details.key;
    this.sqliteCode = details.sqliteCode;
  }
}

/** A put() condition failed: `null` stands for "no value". */
export class VersionConflictError extends StoreError {
  declare readonly store: string;
  declare readonly key: string;
  readonly expectedVersion: number | null;
  readonly actualVersion: number | null;
  constructor(store: string, key: string, expectedVersion: number | null, actualVersion: number | null) {
    const expected = expectedVersion === null ? 'no value' : `version ${expectedVersion}`;
    const actual = actualVersion === null ? 'no value' : `version ${actualVersion}`;
    super('VERSION_CONFLICT', `store "${store}": key ${JSON.stringify(key)} was expected at ${expected} but is at ${actual}`, { store, key });
    this.expectedVersion = expectedVersion;
    this.actualVersion = actualVersion;
  }
}
