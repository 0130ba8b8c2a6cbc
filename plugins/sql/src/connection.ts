import type { DriverConstructor, DriverDatabase, DriverStatement } from './driver.js';

/** What a Connection needs to open its database. */
export interface ConnectionConfig {
  readonly file: string;
  readonly readonly: boolean;
  readonly wal: boolean;
  readonly busyTimeoutMs: number;
  readonly foreignKeys: boolean;
  readonly statementCacheSize: number;
}

/** A compiled statement and what we learned about it once, at compile time. */
export interface Entry {
  readonly stmt: DriverStatement;
  readonly reader: boolean;
  /** Schema-changing (CREATE/DROP/ALTER): running it invalidates cached column lists. */
  readonly ddl: boolean;
  columns: readonly string[];
  /** The connection's schema epoch `columns` was read at; -1 = never. */
  epoch: number;
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

  /** Compile `sql`; errors are marked so the caller can tell a bad statement from bad parameters. */
  compile(sql: string): Entry {
    if (typeof sql !== 'string' || sql.trim() === '') {
      throw Object.assign(new TypeError(`the SQL must be a non-empty string, got ${typeof sql === 'string' ? 'an empty string' : typeof sql}`), { sqlPhase: 'prepare' });
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
    return { stmt, reader: stmt.reader, ddl: verb === 'CREATE' || verb === 'DROP' || verb === 'ALTER', columns: [], epoch: -1 };
  }

  /** The cached compiled statement for `sql`; the oldest entry goes when the cache is full. */
  entry(sql: string): Entry {
    let e = this.cache.get(sql);
    if (e === undefined) {
      e = this.compile(sql);
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
    const s = e.stmt;
    // better-sqlite3 binds an array as positional parameters and an object as named ones.
    const rows = params === undefined ? s.all() : s.all(params);
    if (e.epoch !== this.epoch) {
      // columns() costs about twice a point query, so it is read once per schema epoch.
      e.columns = Object.freeze(s.columns().map((c) => c.name));
      e.epoch = this.epoch;
    }
    return { columns: e.columns, rows };
  }

  runExecute(e: Entry, params: unknown): ExecuteOutput {
    const s = e.stmt;
    const r = params === undefined ? s.run() : s.run(params);
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
    const e = this.compile(sql);
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
