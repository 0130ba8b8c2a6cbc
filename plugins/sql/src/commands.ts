import { CommandBase, type Command } from '@switchyard/dispatcher';
import type { Handle } from '@switchyard/runtime';

/** SQL command IDs (100–119). */
export const SqlCommand = {
  Query: 100,
  Execute: 101,
  Prepare: 102,
  Begin: 103,
  StmtQuery: 104,
  StmtExecute: 105,
  StmtClose: 106,
  TxQuery: 107,
  TxExecute: 108,
  TxPrepare: 109,
  TxCommit: 110,
  TxRollback: 111,
} as const;

/** A value SQLite can bind: BLOBs as Buffer/Uint8Array, INTEGERs beyond 2^53 as bigint. */
export type SqlValue = number | string | bigint | Uint8Array | null;

/** Bound parameters: positional (`?`) as an array, named (`:name`, `@name`, `$name`) as an object. */
export type Params = readonly SqlValue[] | { readonly [name: string]: SqlValue };

/** A result row: column name → value (INTEGER and REAL as number, TEXT as string, BLOB as Buffer, NULL as null). */
export type Row = Record<string, unknown>;

export interface QueryResult<R = Row> {
  /** Result column names in order (the keys of each row; a duplicated name appears once per column). */
  readonly columns: readonly string[];
  readonly rows: R[];
}

export interface ExecuteResult {
  /** Rows inserted, updated or deleted by the statement. */
  readonly changes: number;
  /** The rowid of the last row inserted on this database's connection. */
  readonly lastInsertId: number;
}

/**
 * A prepared statement: a resource handle (`kind: 'statement'`) owned by the process that
 * prepared it, with what it was prepared from. Only `kind` and `id` are read back: the rest
 * describes it for the caller, and a changed copy changes nothing.
 */
export interface Statement extends Handle<'statement'> {
  readonly database: string;
  readonly sql: string;
  /** True when the statement returns rows (use stmtQuery), false otherwise (use stmtExecute). */
  readonly reader: boolean;
  /** Set for a statement made by txPrepare: it closes when that transaction ends. */
  readonly transaction?: Transaction;
}

/** An open transaction: a resource handle (`kind: 'transaction'`) owned by the process that began it. */
export interface Transaction extends Handle<'transaction'> {
  readonly database: string;
}

/**
 * SQLite's BEGIN flavour. The default, "immediate", takes the write lock at once so that a
 * transaction that reads then writes cannot fail with SQLITE_BUSY half-way (other connections).
 */
export type BeginMode = 'deferred' | 'immediate' | 'exclusive';

export interface BeginOptions {
  mode?: BeginMode;
}

export class QueryCmd<R = Row> extends CommandBase<QueryResult<R>> {
  readonly id = SqlCommand.Query;
  constructor(
    readonly database: string,
    readonly sql: string,
    readonly params: Params | undefined,
  ) {
    super();
  }
}

export class ExecuteCmd extends CommandBase<ExecuteResult> {
  readonly id = SqlCommand.Execute;
  constructor(
    readonly database: string,
    readonly sql: string,
    readonly params: Params | undefined,
  ) {
    super();
  }
}

export class PrepareCmd extends CommandBase<Statement> {
  readonly id = SqlCommand.Prepare;
  constructor(
    readonly database: string,
    readonly sql: string,
  ) {
    super();
  }
}

export class BeginCmd extends CommandBase<Transaction> {
  readonly id = SqlCommand.Begin;
  constructor(
    readonly database: string,
    readonly mode: BeginMode,
  ) {
    super();
  }
}

export class StmtQueryCmd<R = Row> extends CommandBase<QueryResult<R>> {
  readonly id = SqlCommand.StmtQuery;
  constructor(
    readonly statement: Statement,
    readonly params: Params | undefined,
  ) {
    super();
  }
}

export class StmtExecuteCmd extends CommandBase<ExecuteResult> {
  readonly id = SqlCommand.StmtExecute;
  constructor(
    readonly statement: Statement,
    readonly params: Params | undefined,
  ) {
    super();
  }
}

export class StmtCloseCmd extends CommandBase<boolean> {
  readonly id = SqlCommand.StmtClose;
  constructor(readonly statement: Statement) {
    super();
  }
}

export class TxQueryCmd<R = Row> extends CommandBase<QueryResult<R>> {
  readonly id = SqlCommand.TxQuery;
  constructor(
    readonly tx: Transaction,
    readonly sql: string,
    readonly params: Params | undefined,
  ) {
    super();
  }
}

export class TxExecuteCmd extends CommandBase<ExecuteResult> {
  readonly id = SqlCommand.TxExecute;
  constructor(
    readonly tx: Transaction,
    readonly sql: string,
    readonly params: Params | undefined,
  ) {
    super();
  }
}

export class TxPrepareCmd extends CommandBase<Statement> {
  readonly id = SqlCommand.TxPrepare;
  constructor(
    readonly tx: Transaction,
    readonly sql: string,
  ) {
    super();
  }
}

export class CommitCmd extends CommandBase<void> {
  readonly id = SqlCommand.TxCommit;
  constructor(readonly tx: Transaction) {
    super();
  }
}

export class RollbackCmd extends CommandBase<boolean> {
  readonly id = SqlCommand.TxRollback;
  constructor(readonly tx: Transaction) {
    super();
  }
}

/** Run a statement that returns rows. Values are bound, never spliced into the SQL. */
export const query = <R = Row>(database: string, sql: string, params?: Params): QueryCmd<R> => new QueryCmd<R>(database, sql, params);

/** Run a statement for its effect: INSERT, UPDATE, DELETE, DDL. */
export const execute = (database: string, sql: string, params?: Params): ExecuteCmd => new ExecuteCmd(database, sql, params);

/** Prepare a statement owned by the calling process; it is closed when the process ends. */
export const prepare = (database: string, sql: string): PrepareCmd => new PrepareCmd(database, sql);

/**
 * Begin a transaction. While it is open, other processes' statements on this database wait
 * (FIFO) until it is committed, rolled back, or its owner ends (which rolls it back).
 */
export const begin = (database: string, options: BeginOptions = {}): BeginCmd => new BeginCmd(database, options.mode ?? 'immediate');

export const stmtQuery = <R = Row>(statement: Statement, params?: Params): StmtQueryCmd<R> => new StmtQueryCmd<R>(statement, params);
export const stmtExecute = (statement: Statement, params?: Params): StmtExecuteCmd => new StmtExecuteCmd(statement, params);
/** Close a statement. Resolves to false when it was already closed. */
export const stmtClose = (statement: Statement): StmtCloseCmd => new StmtCloseCmd(statement);

export const txQuery = <R = Row>(tx: Transaction, sql: string, params?: Params): TxQueryCmd<R> => new TxQueryCmd<R>(tx, sql, params);
export const txExecute = (tx: Transaction, sql: string, params?: Params): TxExecuteCmd => new TxExecuteCmd(tx, sql, params);
/** Prepare a statement that lives as long as the transaction. */
export const txPrepare = (tx: Transaction, sql: string): TxPrepareCmd => new TxPrepareCmd(tx, sql);
/** Commit. A commit that fails rolls the transaction back and ends it. */
export const commit = (tx: Transaction): CommitCmd => new CommitCmd(tx);
/** Roll back. Resolves to false when the transaction had already ended, so it is safe in error paths. */
export const rollback = (tx: Transaction): RollbackCmd => new RollbackCmd(tx);

/**
 * Run `body` in a transaction: commit when it returns, roll back when it throws.
 *
 *     const id = yield* transaction('main', function* (tx) {
 *       const r = yield* txExecute(tx, 'insert into orders(total) values (?)', [total]);
 *       yield* txExecute(tx, 'update stock set n = n - 1 where item = ?', [item]);
 *       return r.lastInsertId;
 *     });
 */
export function* transaction<T>(
  database: string,
  body: (tx: Transaction) => Generator<Command, T, unknown>,
  options: BeginOptions = {},
): Generator<Command, T, unknown> {
  const tx = yield* begin(database, options);
  let result: T;
  try {
    result = yield* body(tx);
  } catch (error) {
    yield* rollback(tx);
    throw error;
  }
  yield* commit(tx);
  return result;
}
