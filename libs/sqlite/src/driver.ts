// @types/better-sqlite3 is not installed in this workspace, so the import is untyped; the
// interfaces below describe the part of the driver Switchyard uses. The ts-ignore
// (not ts-expect-error) keeps this compiling once the @types package is added.
// @ts-ignore -- untyped module
import BetterSqlite3 from 'better-sqlite3';

export interface RunResult {
  changes: number;
  lastInsertRowid: number | bigint;
}

export interface ColumnInfo {
  name: string;
}

export interface DriverStatement {
  readonly reader: boolean;
  all(...params: unknown[]): unknown[];
  get(...params: unknown[]): unknown;
  run(...params: unknown[]): RunResult;
  iterate(...params: unknown[]): IterableIterator<unknown>;
  columns(): ColumnInfo[];
  raw(toggle?: boolean): DriverStatement;
}

export interface DriverDatabase {
  readonly inTransaction: boolean;
  readonly open: boolean;
  readonly name: string;
  prepare(sql: string): DriverStatement;
  exec(sql: string): void;
  pragma(source: string, options?: { simple?: boolean }): unknown;
  transaction<A extends unknown[], R>(fn: (...args: A) => R): (...args: A) => R;
  close(): void;
}

export interface DriverOptions {
  readonly?: boolean;
  fileMustExist?: boolean;
  timeout?: number;
}

export type DriverConstructor = new (file: string, options?: DriverOptions) => DriverDatabase;

/** The better-sqlite3 Database constructor. */
export const Driver = BetterSqlite3 as unknown as DriverConstructor;
