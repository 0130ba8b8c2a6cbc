import { CommandBase } from '@switchyard/dispatcher';

/** Store command IDs (120–129). */
export const StoreCommand = {
  Get: 120,
  Set: 121,
  Delete: 122,
  Has: 123,
  Entry: 124,
  List: 125,
  Put: 126,
} as const;

/** What a store holds: JSON data (see the README for exactly what is accepted). */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** A value with its version and expiry. */
export interface Entry<T = JsonValue> {
  readonly key: string;
  readonly value: T;
  /** Increases with every write to the store; a key never gets a version it had before. */
  readonly version: number;
  /** When the value expires, in epoch ms of the store's clock; null = never. */
  readonly expiresAt: number | null;
}

export interface SetOptions {
  /** Expire the value this many ms from now. Without it the value never expires (a previous TTL is dropped). */
  ttlMs?: number;
}

export interface PutOptions extends SetOptions {
  /** Write only if the key is at this version now (compare-and-set); else VERSION_CONFLICT. */
  version?: number;
  /** Write only if the key has no value now; else VERSION_CONFLICT. */
  ifAbsent?: boolean;
}

export interface ListOptions {
  /** Only keys starting with this. Default: all keys. */
  prefix?: string;
  /** The `cursor` of the previous page, to continue after it. */
  cursor?: string;
  /** Entries per page, 1–1000. Default 100. */
  limit?: number;
}

export interface ListPage<T = JsonValue> {
  /** In key order (Unicode code point order). */
  readonly entries: Entry<T>[];
  /** Pass to the next list() call; undefined when this was the last page. */
  readonly cursor: string | undefined;
}

export class GetCmd<T = JsonValue> extends CommandBase<T | undefined> {
  readonly id = StoreCommand.Get;
  constructor(
    readonly store: string,
    readonly key: string,
  ) {
    super();
  }
}

export class SetCmd extends CommandBase<number> {
  readonly id = StoreCommand.Set;
  constructor(
    readonly store: string,
    readonly key: string,
    readonly value: unknown,
    readonly options: SetOptions | undefined,
  ) {
    super();
  }
}

export class DeleteCmd extends CommandBase<boolean> {
  readonly id = StoreCommand.Delete;
  constructor(
    readonly store: string,
    readonly key: string,
  ) {
    super();
  }
}

export class HasCmd extends CommandBase<boolean> {
  readonly id = StoreCommand.Has;
  constructor(
    readonly store: string,
    readonly key: string,
  ) {
    super();
  }
}

export class EntryCmd<T = JsonValue> extends CommandBase<Entry<T> | undefined> {
  readonly id = StoreCommand.Entry;
  constructor(
    readonly store: string,
    readonly key: string,
  ) {
    super();
  }
}

export class ListCmd<T = JsonValue> extends CommandBase<ListPage<T>> {
  readonly id = StoreCommand.List;
  constructor(
    readonly store: string,
    readonly options: ListOptions | undefined,
  ) {
    super();
  }
}

export class PutCmd extends CommandBase<number> {
  readonly id = StoreCommand.Put;
  constructor(
    readonly store: string,
    readonly key: string,
    readonly value: unknown,
    readonly options: PutOptions | undefined,
  ) {
    super();
  }
}

/** The value of `key`, or undefined. Each call returns a fresh copy. */
export const get = <T = JsonValue>(store: string, key: string): GetCmd<T> => new GetCmd<T>(store, key);

/** Write `value` (JSON data) under `key`. Resolves to the new version. */
export const set = (store: string, key: string, value: unknown, options?: SetOptions): SetCmd => new SetCmd(store, key, value, options);

/** Delete `key`. Resolves to true when it had a value. */
export const del = (store: string, key: string): DeleteCmd => new DeleteCmd(store, key);

/** Whether `key` has a value (not expired). */
export const has = (store: string, key: string): HasCmd => new HasCmd(store, key);

/** The value of `key` with its version and expiry, or undefined. */
export const entry = <T = JsonValue>(store: string, key: string): EntryCmd<T> => new EntryCmd<T>(store, key);

/** One page of entries in key order. */
export const list = <T = JsonValue>(store: string, options?: ListOptions): ListCmd<T> => new ListCmd<T>(store, options);

/**
 * Write with conditions: `{ version }` for compare-and-set, `{ ifAbsent: true }` to create only.
 * A failed condition is a VersionConflictError. Resolves to the new version.
 */
export const put = (store: string, key: string, value: unknown, options?: PutOptions): PutCmd => new PutCmd(store, key, value, options);
