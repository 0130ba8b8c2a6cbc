import type { DriverConstructor, DriverDatabase, DriverStatement, RunResult } from './driver.js';

/** What a Connection needs to open its database. */
export interface ConnectionConfig {
  readonly file: string;
  readonly readonly: boolean;
  readonly wal: boolean;
  readonly busyTimeoutMs: number;
  readonly foreignKeys: boolean;
  readonly statementCacheSize: number;
}

/** A compiled statement and what we learned about it, once per schema epoch. */
export interface Entry {
  readonly sql: string;
  readonly stmt: DriverStatement;
  readonly reader: boolean;
  /** Schema-changing (CREATE/DROP/ALTER): running it invalidates what entries learned. */
  readonly ddl: boolean;
  /** Worth analysing (cached or owned), as opposed to compiled for one run. */
  readonly reused: boolean;
  columns: readonly string[];
  /** SQLite's program for it returns at most one row: run it with get() instead of all(). */
  single: boolean;
  /** The connection's schema epoch `columns` and `single` were learned at; -1 = never. */
  epoch: number;
}

/** One instruction of an EXPLAIN listing. */
interface Instruction {
  addr: number;
  opcode: string;
  p1: number;
  p2: number;
}

export interface QueryOutput {
  readonly columns: readonly string[];
  readonly rows: unknown[];
}

export interface ExecuteOutput {
  readonly changes: number;
  readonly lastInsertId: number;
}

/**
 * One SQLite connection and its statements. The same class runs on the main thread
 * (inline mode) and inside a worker thread (worker mode): the worker is given this class's
 * source text (Function.prototype.toString), so it must stay self-contained: no imports
 * used at run time, no helpers outside the class, only what plain JavaScript has.
 */
export class Connection {
  readonly db: DriverDatabase;
  private readonly cache = new Map<string, Entry>();
  private readonly owned = new Map<number, Entry>();
  private readonly cacheSize: number;
  private readonly control: DriverStatement[];
  /** Bumped by every schema change run here; column lists are re-read when it moved. */
  private epoch = 0;

  constructor(Driver: DriverConstructor, config: ConnectionConfig) {
    this.cacheSize = config.statementCacheSize;
    this.db = new Driver(config.file, { readonly: config.readonly, fileMustExist: config.readonly, timeout: config.busyTimeoutMs });
    try {
      const memory = config.file === ':memory:' || config.file === '';
      if (config.wal && !config.readonly && !memory) this.db.pragma('journal_mode = WAL');
      this.db.pragma(config.foreignKeys ? 'foreign_keys = ON' : 'foreign_keys = OFF');
      this.control = [
        this.db.prepare('BEGIN DEFERRED'),
        this.db.prepare('BEGIN IMMEDIATE'),
        this.db.prepare('BEGIN EXCLUSIVE'),
        this.db.prepare('COMMIT'),
        this.db.prepare('ROLLBACK'),
      ];
    } catch (error) {
      this.db.close();
      throw error;
    }
  }

  get inTransaction(): boolean {
    return this.db.inTransaction;
  }

  /**
   * Compile `sql`; errors are marked so the caller can tell a bad statement from bad parameters.
   * This class is also sent to the worker thread as source text (worker-script.ts), so it cannot
   * use SqlError: its errors are plain, marked `sqlPhase`, and toSqlError() makes every one of them a
   * SqlError (SQL_BAD_STATEMENT / SQL_BAD_PARAMS / SQL_ERROR) naming the database before a process sees it.
   */
  compile(sql: string, reused: boolean): Entry {
    if (typeof sql !== 'string' || sql.trim() === '') {
      throw Object.assign(new Error(`the SQL must be a non-empty string, got ${typeof sql === 'string' ? (sql === '' ? 'an empty string' : 'only whitespace') : typeof sql}`), { sqlPhase: 'prepare' });
    }
    const head = /^\s*([A-Za-z]+)/.exec(sql);
    const verb = head === null ? '' : head[1]!.toUpperCase();
    if (verb === 'BEGIN' || verb === 'COMMIT' || verb === 'END' || verb === 'ROLLBACK' || verb === 'SAVEPOINT' || verb === 'RELEASE') {
      throw Object.assign(new Error(`${verb} cannot be run as a statement: use begin(), commit() and rollback(), which keep other processes out of the transaction`), { sqlPhase: 'prepare' });
    }
    let stmt: DriverStatement;
    try {
      stmt = this.db.prepare(sql);
    } catch (error) {
      if (typeof error === 'object' && error !== null) (error as { sqlPhase?: string }).sqlPhase = 'prepare';
      throw error;
    }
    return { sql, stmt, reader: stmt.reader, ddl: verb === 'CREATE' || verb === 'DROP' || verb === 'ALTER', reused, columns: [], single: false, epoch: -1 };
  }

  /** The cached compiled statement for `sql`; the oldest entry goes when the cache is full. */
  entry(sql: string): Entry {
    let e = this.cache.get(sql);
    if (e === undefined) {
      e = this.compile(sql, this.cacheSize > 0);
      if (this.cacheSize > 0) {
        if (this.cache.size >= this.cacheSize) this.cache.delete(this.cache.keys().next().value as string);
        this.cache.set(sql, e);
      }
    }
    return e;
  }

  runQuery(e: Entry, params: unknown): QueryOutput {
    if (!e.reader) {
      this.runExecute(e, params);
      return { columns: [], rows: [] };
    }
    // What an entry learned holds only for the schema it was learned at. A statement compiled
    // before a schema change describes the old schema until it runs (SQLite re-prepares it then),
    // so after a change it runs the safe way first and learns afterwards.
    const fresh = e.epoch === this.epoch;
    const s = e.stmt;
    let rows: unknown[];
    // Positional values go as separate arguments: better-sqlite3 binds an array argument
    // through a much slower path (about +1 µs per point query).
    if (fresh && e.single) {
      // get() steps once; all() steps again to find the end and builds an array (~+0.4 µs).
      let row: unknown;
      if (params === undefined) row = s.get();
      else if (!Array.isArray(params)) row = s.get(params);
      else if (params.length === 1) row = s.get(params[0]);
      else row = s.get(...(params as unknown[]));
      rows = row === undefined ? [] : [row];
    } else if (params === undefined) rows = s.all();
    else if (!Array.isArray(params)) rows = s.all(params);
    else if (params.length === 1) rows = s.all(params[0]);
    else rows = s.all(...(params as unknown[]));
    if (!fresh) this.learn(e);
    return { columns: e.columns, rows };
  }

  /** Read what does not change until the schema does: column names (costly: ~2 point queries) and row-count shape. */
  learn(e: Entry): void {
    e.columns = Object.freeze(e.stmt.columns().map((c) => c.name));
    e.single = e.reused && this.atMostOneRow(e.sql);
    e.epoch = this.epoch;
  }

  /**
   * Whether SQLite's compiled program for `sql` can produce at most one row, judged from its
   * EXPLAIN listing, conservatively: straight-line code (every jump forward, none out of the
   * body), exactly one ResultRow, and only opcodes known not to loop. Anything else (loops,
   * subroutines, sorters, unknown opcodes) is "maybe many", which only costs speed.
   */
  atMostOneRow(sql: string): boolean {
    let listing: Instruction[] | undefined;
    try {
      const ex = this.db.prepare(`EXPLAIN ${sql}`);
      // EXPLAIN needs the statement's parameters bound (any value will do); find out which by asking.
      const positional: null[] = [];
      let named: Record<string, null> | undefined;
      for (let tries = 0; tries < 100 && listing === undefined; tries++) {
        try {
          listing = (named === undefined ? ex.all(...positional) : ex.all(...positional, named)) as Instruction[];
        } catch (error) {
          const message = String((error as { message?: unknown } | null)?.message);
          const missing = /^Missing named parameter "(.*)"$/.exec(message);
          if (message === 'Missing named parameters') named = {};
          else if (missing !== null && named !== undefined) named[missing[1]!] = null;
          else if (message === 'Too few parameter values were provided') positional.push(null);
          else return false;
        }
      }
    } catch {
      return false;
    }
    return listing !== undefined && Connection.straightLine(listing);
  }

  /** Opcodes that neither jump nor loop. */
  static readonly calm: ReadonlySet<string> = new Set([
    'Transaction', 'TableLock', 'ReadCookie', 'OpenRead', 'Close', 'Variable', 'Integer', 'Int64', 'Real', 'String8', 'String',
    'Null', 'SoftNull', 'Blob', 'Copy', 'SCopy', 'IntCopy', 'Move', 'Affinity', 'RealAffinity', 'Rowid', 'Column', 'Count',
    'ColumnsUsed', 'Function', 'PureFunc', 'Add', 'Subtract', 'Multiply', 'Divide', 'Remainder', 'Concat', 'BitAnd', 'BitOr',
    'ShiftLeft', 'ShiftRight', 'BitNot', 'Not', 'Cast', 'CollSeq', 'ZeroOrNull', 'IsTrue', 'DeferredSeek', 'IdxRowid', 'Noop', 'TypeCheck',
  ]);
  /** Opcodes whose P2 is a jump target; allowed only jumping forward within the body. */
  static readonly forward: ReadonlySet<string> = new Set([
    'MustBeInt', 'SeekRowid', 'NotExists', 'SeekGE', 'SeekGT', 'SeekLE', 'SeekLT', 'IdxGT', 'IdxGE', 'IdxLT', 'IdxLE',
    'IsNull', 'NotNull', 'If', 'IfNot', 'Eq', 'Ne', 'Lt', 'Le', 'Gt', 'Ge', 'DecrJumpZero',
  ]);

  static straightLine(p: readonly Instruction[]): boolean {
    const n = p.length;
    if (n < 3 || p[0]!.opcode !== 'Init') return false;
    const last = p[n - 1]!;
    if (last.opcode !== 'Goto' || last.p2 !== 1) return false;
    let halt = -1;
    for (let i = 1; i < n; i++) {
      if (p[i]!.opcode === 'Halt') {
        halt = i;
        break;
      }
    }
    if (halt < 0 || p[0]!.p2 !== halt + 1) return false;
    let results = 0;
    for (let i = 1; i < n - 1; i++) {
      if (i === halt) continue;
      const { opcode, p2 } = p[i]!;
      if (i < halt && opcode === 'ResultRow') results++;
      else if (i < halt && Connection.forward.has(opcode)) {
        if (!(p2 > i && p2 <= halt) && !(opcode === 'MustBeInt' && p2 === 0)) return false;
      } else if (!Connection.calm.has(opcode)) return false;
    }
    return results === 1;
  }

  runExecute(e: Entry, params: unknown): ExecuteOutput {
    const s = e.stmt;
    let r: RunResult;
    if (params === undefined) r = s.run();
    else if (!Array.isArray(params)) r = s.run(params);
    else if (params.length === 1) r = s.run(params[0]);
    else r = s.run(...(params as unknown[]));
    if (e.ddl) this.epoch++;
    return { changes: r.changes, lastInsertId: Number(r.lastInsertRowid) };
  }

  query(sql: string, params: unknown): QueryOutput {
    return this.runQuery(this.entry(sql), params);
  }

  execute(sql: string, params: unknown): ExecuteOutput {
    return this.runExecute(this.entry(sql), params);
  }

  /** A statement of its own (not shared with the cache) under the caller's id. */
  prepare(id: number, sql: string): boolean {
    const e = this.compile(sql, true);
    this.owned.set(id, e);
    return e.reader;
  }

  private ownedEntry(id: number): Entry {
    const e = this.owned.get(id);
    if (e === undefined) throw Object.assign(new Error(`statement ${id} is closed`), { sqlPhase: 'prepare' });
    return e;
  }

  stmtQuery(id: number, params: unknown): QueryOutput {
    return this.runQuery(this.ownedEntry(id), params);
  }

  stmtExecute(id: number, params: unknown): ExecuteOutput {
    return this.runExecute(this.ownedEntry(id), params);
  }

  /** better-sqlite3 has no explicit finalize: dropping the last reference lets SQLite finalize it. */
  stmtClose(id: number): boolean {
    return this.owned.delete(id);
  }

  get statements(): number {
    return this.owned.size;
  }

  begin(mode: string): void {
    this.control[mode === 'deferred' ? 0 : mode === 'exclusive' ? 2 : 1]!.run();
  }

  /** A COMMIT that fails leaves SQLite's transaction open; roll it back so the connection is clean for the next owner. */
  commit(): void {
    try {
      this.control[3]!.run();
    } catch (error) {
      if (this.db.inTransaction) this.control[4]!.run();
      throw error;
    }
  }

  rollback(): boolean {
    if (!this.db.inTransaction) return false;
    this.control[4]!.run();
    return true;
  }

  close(): void {
    this.owned.clear();
    this.cache.clear();
    if (this.db.open) this.db.close();
  }
}
