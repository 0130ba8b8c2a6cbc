import { SwitchyardError } from '@switchyard/errors';

export type SqlErrorCode =
  /** SQLite refused the statement; `sqliteCode` says why (e.g. SQLITE_CONSTRAINT_UNIQUE). */
  | 'SQL_ERROR'
  /** The SQL text is not one statement this API runs (several statements, BEGIN/COMMIT, not a string). */
  | 'SQL_BAD_STATEMENT'
  /** The parameters do not fit the statement (count, names, unbindable values). */
  | 'SQL_BAD_PARAMS'
  /** A command argument is wrong (an unknown BEGIN mode). */
  | 'SQL_BAD_ARGUMENT'
  /** sqlPlugin() options are wrong. */
  | 'SQL_BAD_OPTIONS'
  /** A database could not be opened at start. */
  | 'SQL_OPEN_FAILED'
  | 'NO_SUCH_DATABASE'
  /** begin() by a process that already holds the transaction of that database. */
  | 'TX_ALREADY_OPEN'
  /** The database was closed (the runtime stopped). */
  | 'SQL_CLOSED'
  /** The worker thread of a worker-mode database died. */
  | 'SQL_WORKER_FAILED';

export interface SqlErrorDetails {
  database?: string;
  sql?: string;
  sqliteCode?: string;
  cause?: unknown;
}

/** Every error of the sql plugin. `database` and `sql` name what failed. */
export class SqlError extends SwitchyardError {
  declare readonly code: SqlErrorCode;
  /** SQLite's extended result code, e.g. "SQLITE_CONSTRAINT_UNIQUE"; undefined for errors raised before SQLite ran. */
  readonly sqliteCode: string | undefined;
  readonly database: string | undefined;
  /** The statement that failed, when there is one. */
  readonly sql: string | undefined;

  constructor(code: SqlErrorCode, message: string, details: SqlErrorDetails = {}) {
    super(code, message, details.cause === undefined ? undefined : { cause: details.cause });
    this.sqliteCode = details.sqliteCode;
    this.database = details.database;
    this.sql = details.sql;
  }
}

/** The parts of a driver error that survive a trip from a worker thread. */
export interface RawError {
  readonly message: string;
  readonly code?: unknown;
  /** "prepare" when the statement could not be compiled (as opposed to bound or run). */
  readonly sqlPhase?: unknown;
}

const MAX_SQL_IN_MESSAGE = 200;

export function quoteSql(sql: string): string {
  const s = sql.replace(/\s+/g, ' ').trim();
  return s.length > MAX_SQL_IN_MESSAGE ? `${s.slice(0, MAX_SQL_IN_MESSAGE)}…` : s;
}

/** Turn what better-sqlite3 threw (here or in a worker) into a SqlError naming the database and statement. */
export function toSqlError(raw: unknown, database: string, sqlGiven: string | undefined): SqlError {
  if (raw instanceof SqlError) return raw;
  // A command built by hand may carry anything as its SQL text: never let that break the error itself.
  const sql = typeof sqlGiven === 'string' && sqlGiven.trim() !== '' ? sqlGiven : undefined;
  const r = (typeof raw === 'object' && raw !== null ? raw : { message: String(raw) }) as RawError;
  const message = typeof r.message === 'string' ? r.message : String(raw);
  const where = sql === undefined ? '' : ` in statement: ${quoteSql(sql)}`;
  const cause = raw instanceof Error ? raw : undefined;
  if (typeof r.code === 'string' && r.code.startsWith('SQLITE_')) {
    return new SqlError('SQL_ERROR', `database "${database}": ${message} [${r.code}]${where}`, { database, sql, sqliteCode: r.code, cause });
  }
  const code = r.sqlPhase === 'prepare' ? 'SQL_BAD_STATEMENT' : 'SQL_BAD_PARAMS';
  return new SqlError(code, `database "${database}": ${message}${where}`, { database, sql, cause });
}
