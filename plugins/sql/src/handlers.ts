import type { Handler, HandlerContext, ResultReceiver, Tag } from '@switchyard/dispatcher';
import { describeValue, didYouMean } from '@switchyard/errors';
import type { Handle, Pid, PluginContext, ResourceTable } from '@switchyard/runtime';
import {
  SqlCommand,
  type BeginCmd,
  type BeginMode,
  type CommitCmd,
  type ExecuteCmd,
  type Params,
  type PrepareCmd,
  type QueryCmd,
  type RollbackCmd,
  type Statement,
  type StmtCloseCmd,
  type StmtExecuteCmd,
  type StmtQueryCmd,
  type Transaction,
  type TxExecuteCmd,
  type TxPrepareCmd,
  type TxQueryCmd,
} from './commands.js';
import { Connection } from './connection.js';
import { Driver } from './driver.js';
import { quoteSql, SqlError, toSqlError, type RawError } from './errors.js';
import type { ResolvedDatabase } from './options.js';
import { WorkerLink } from './worker-link.js';
import { Op, type Reply, type Request } from './worker-script.js';

/** A transaction: a 'transaction' resource owned by the process that began it (or was given it). */
interface Tx {
  readonly db: Db;
  /** Statements made by txPrepare: closed when the transaction ends. */
  readonly stmts: Set<StmtRec>;
  handle: Transaction;
  open: boolean;
}

/** A prepared statement: a 'statement' resource owned by the process that prepared it (or was given it). */
interface StmtRec {
  /** The connection's (or worker's) id for the compiled statement; not the handle's id. */
  readonly id: number;
  readonly db: Db;
  readonly sql: string;
  readonly tx: Tx | null;
  /** Its resource handle; set once it is in the table. */
  key: Handle<'statement'> | null;
  /** What the owner got back, once SQLite compiled it. */
  handle: Statement | null;
  closed: boolean;
}

/**
 * Who yielded, kept beyond the handler call: the PID and the signal of that one yield, read
 * synchronously in the handler (a yield's signal must not be read later).
 */
type Caller = Pick<HandlerContext, 'pid' | 'signal'>;

/** A statement that arrived while another process held the database's transaction. */
interface Waiting {
  readonly caller: Caller;
  readonly tag: Tag;
  readonly receiver: ResultReceiver;
  readonly resume: (caller: Caller) => void;
}

const RESULT = 0;
const BEGIN = 1;
const PREPARE = 2;

/** A request in flight to a worker. */
interface Pending {
  readonly kind: typeof RESULT | typeof BEGIN | typeof PREPARE;
  readonly db: Db;
  readonly tag: Tag;
  readonly receiver: ResultReceiver;
  readonly sql: string | undefined;
  /** The transaction the request runs in, to notice SQLite rolling it back on an error. */
  readonly tx: Tx | null;
  /** The signal of the yield (BEGIN only: a begin nobody waits for any more is rolled back). */
  readonly signal: AbortSignal | null;
  readonly stmt: StmtRec | null;
}

class Db {
  conn: Connection | null = null;
  link: WorkerLink<Pending> | null = null;
  /** The open transaction: every process but its owner waits. */
  tx: Tx | null = null;
  readonly waiting: Waiting[] = [];
  closed = false;
  constructor(readonly options: ResolvedDatabase) {}
  get name(): string {
    return this.options.name;
  }
}

const MODES: readonly BeginMode[] = ['deferred', 'immediate', 'exclusive'];

/** A well-formed handle of `kind` (open or not): what rollback() and stmtClose() accept as "already ended". */
function isHandleOf(v: unknown, kind: string): v is Handle {
  return typeof v === 'object' && v !== null && (v as Handle).kind === kind && typeof (v as Handle).id === 'number';
}

function checkParams(db: Db, sql: string, params: unknown): void {
  if (params !== undefined && (typeof params !== 'object' || params === null)) {
    throw new SqlError('SQL_BAD_PARAMS', `database "${db.name}": parameters must be an array (positional) or an object (named), got ${describeValue(params)} in statement: ${quoteSql(String(sql))}`, {
      database: db.name,
      sql: String(sql),
    });
  }
}

/** Rows cloned from a worker carry BLOBs as plain Uint8Arrays; inline mode gives Buffers. */
function toBuffers(rows: Record<string, unknown>[]): void {
  for (const row of rows) {
    for (const k in row) {
      const v = row[k];
      if (v instanceof Uint8Array && !Buffer.isBuffer(v)) row[k] = Buffer.from(v.buffer, v.byteOffset, v.byteLength);
    }
  }
}

/** Counters of one installation, reported by setup's `stats` (`rt.stats().plugins.sql`). */
export type SqlStats = {
  /** Prepared statements open (prepare/txPrepare not yet closed). */
  statements: number;
  /** Transactions open. */
  transactions: number;
  /** Statements waiting for another process's transaction to end. */
  waiting: number;
  /** Requests sent to worker threads and not yet answered. */
  inFlight: number;
  /** Worker threads running (worker-mode databases; 0 after stop). */
  workers: number;
};

/**
 * The sql plugin's state for one runtime (created by `setup`): databases and who waits.
 * Statements and transactions live in the runtime's resource table.
 */
export class SqlHandlers {
  private readonly resources: ResourceTable;
  private readonly dbs = new Map<string, Db>();
  private readonly stmts = new Set<StmtRec>();
  private readonly txs = new Set<Tx>();
  private nextStmt = 1;
  private readonly onReplyBound = (p: Pending, r: Reply) => this.onReply(p, r);

  constructor(ctx: Pick<PluginContext, 'resources'>, databases: readonly ResolvedDatabase[]) {
    this.resources = ctx.resources;
    for (const d of databases) this.dbs.set(d.name, new Db(d));
  }

  // ------------------------------------------------------------ lifecycle

  /** Open every database; on a failure close those already open and fail with SQL_OPEN_FAILED. */
  async open(): Promise<void> {
    for (const db of this.dbs.values()) {
      const o = db.options;
      try {
        if (o.mode === 'inline') db.conn = new Connection(Driver, o);
        else db.link = await WorkerLink.open<Pending>(db.name, o, this.onReplyBound, (error, pending) => this.onWorkerFailure(db, error, pending));
      } catch (error) {
        await this.close();
        const why = error instanceof Error ? error.message : String(error);
        throw new SqlError('SQL_OPEN_FAILED', `sql plugin: database "${db.name}": cannot open "${o.file}": ${why}`, {
          database: db.name,
          sqliteCode: typeof (error as RawError).code === 'string' ? ((error as RawError).code as string) : undefined,
          cause: error,
        });
      }
    }
  }

  /** Close every database. Statements still waiting fail with SQL_CLOSED. Idempotent. */
  async close(timeoutMs = 5000): Promise<void> {
    const closing: Promise<void>[] = [];
    for (const db of this.dbs.values()) {
      if (db.closed) continue;
      db.closed = true;
      const waiting = db.waiting.splice(0);
      for (const w of waiting) w.receiver.completeYield(w.tag, undefined, this.closedError(db));
      db.tx = null;
      if (db.conn !== null) {
        db.conn.close();
        db.conn = null;
      }
      if (db.link !== null) closing.push(db.link.close(timeoutMs));
    }
    // Every process has ended by now, so the table disposed all statements and transactions.
    this.stmts.clear();
    this.txs.clear();
    await Promise.all(closing);
  }

  stats(): SqlStats {
    let waiting = 0;
    let inFlight = 0;
    let workers = 0;
    for (const db of this.dbs.values()) {
      waiting += db.waiting.length;
      inFlight += db.link?.inFlight ?? 0;
      if (db.link?.alive === true) workers++;
    }
    return { statements: this.stmts.size, transactions: this.txs.size, waiting, inFlight, workers };
  }

  // ------------------------------------------------------------ lookups

  private closedError(db: Db): SqlError {
    return new SqlError('SQL_CLOSED', `database "${db.name}" is closed (the runtime stopped)`, { database: db.name });
  }

  private db(name: string): Db {
    const db = this.dbs.get(name);
    if (db === undefined) {
      const hint = typeof name === 'string' ? didYouMean(name, this.dbs.keys()) : '';
      throw new SqlError('NO_SUCH_DATABASE', `no database ${describeValue(name)}${hint} (configured: ${[...this.dbs.keys()].map((n) => `"${n}"`).join(', ')})`, {
        database: String(name),
      });
    }
    if (db.closed) throw this.closedError(db);
    return db;
  }

  /** The caller's open transaction: NO_SUCH_RESOURCE / NOT_OWNER from the resource table otherwise. */
  private ownTx(pid: Pid, handle: unknown): Tx {
    const tx = this.resources.use<Tx>(pid, handle, 'transaction');
    if (tx.db.closed) throw this.closedError(tx.db);
    return tx;
  }

  /** The caller's open statement: NO_SUCH_RESOURCE / NOT_OWNER from the resource table otherwise. */
  private ownStmt(pid: Pid, handle: unknown): StmtRec {
    const s = this.resources.use<StmtRec>(pid, handle, 'statement');
    if (s.db.closed) throw this.closedError(s.db);
    return s;
  }

  /** Whether `pid` must wait: another process's transaction is open on `db`. */
  private busy(db: Db, pid: Pid): boolean {
    return db.tx !== null && this.resources.ownerOf(db.tx.handle) !== pid;
  }

  // ------------------------------------------------------------ transactions and waiting

  /** Queue the request; `ctx.signal` is read now, while the handler runs. */
  private wait(db: Db, ctx: Caller, tag: Tag, receiver: ResultReceiver, resume: (caller: Caller) => void): void {
    db.waiting.push({ caller: { pid: ctx.pid, signal: ctx.signal }, tag, receiver, resume });
  }

  /** Run waiting statements in arrival order until one of them takes the transaction. */
  private drain(db: Db): void {
    while (db.tx === null && db.waiting.length > 0) {
      const w = db.waiting.shift()!;
      // The process ended, or the yield was abandoned (a lost race): its turn is skipped.
      if (w.caller.signal.aborted) continue;
      try {
        w.resume(w.caller);
      } catch (error) {
        w.receiver.completeYield(w.tag, undefined, error);
      }
    }
  }

  private newTx(db: Db, owner: Pid): Tx {
    const tx: Tx = { db, stmts: new Set(), handle: undefined as unknown as Transaction, open: true };
    const key = this.resources.add(owner, 'transaction', tx, (t) => this.abandonTx(t));
    tx.handle = Object.freeze({ kind: 'transaction', id: key.id, database: db.name });
    this.txs.add(tx);
    db.tx = tx;
    return tx;
  }

  /** Forget a transaction whose SQLite side is already over (committed, rolled back, or never begun), and let the next one in. */
  private endTx(tx: Tx): void {
    if (!tx.open) return;
    tx.open = false;
    this.txs.delete(tx);
    this.resources.release(tx.handle);
    for (const s of [...tx.stmts]) this.closeStmt(s);
    const db = tx.db;
    if (db.tx === tx) {
      db.tx = null;
      if (!db.closed) this.drain(db);
    }
  }

  /** The resource's dispose: its owner ended with the transaction open. Roll it back. */
  private abandonTx(tx: Tx): void {
    const db = tx.db;
    if (tx.open && !db.closed) {
      try {
        if (db.conn !== null) db.conn.rollback();
        else db.link?.post({ i: 0, o: Op.Rollback }, undefined);
      } catch {
        // A failed ROLLBACK (or a dead worker) leaves nothing more this process can do.
      }
    }
    this.endTx(tx);
  }

  /** Close a statement: out of the table, finalized in SQLite. Also the resource's dispose. */
  private closeStmt(s: StmtRec): void {
    if (s.closed) return;
    s.closed = true;
    this.stmts.delete(s);
    if (s.key !== null) this.resources.release(s.key);
    s.tx?.stmts.delete(s);
    const db = s.db;
    if (db.closed) return;
    if (db.conn !== null) db.conn.stmtClose(s.id);
    else {
      try {
        db.link?.post({ i: 0, o: Op.StmtClose, d: s.id }, undefined);
      } catch {
        // A dead worker has no statements left to close.
      }
    }
  }

  /** Map a driver error; if SQLite rolled the transaction back because of it, end ours too. */
  private failed(db: Db, error: unknown, sql: string | undefined): SqlError {
    const e = toSqlError(error, db.name, sql);
    if (db.tx !== null && db.conn !== null && !db.conn.inTransaction) this.endTx(db.tx);
    return e;
  }

  // ------------------------------------------------------------ worker replies

  private post(db: Db, request: Request, pending: Pending | undefined, sql: string | undefined): void {
    try {
      db.link!.post(request, pending);
    } catch (error) {
      // postMessage refuses values it cannot clone (functions, symbols): bad parameters.
      throw toSqlError(error, db.name, sql);
    }
  }

  private pending(kind: Pending['kind'], db: Db, signal: AbortSignal | null, tag: Tag, receiver: ResultReceiver, sql: string | undefined, stmt: StmtRec | null = null): Pending {
    return { kind, db, tag, receiver, sql, tx: db.tx, signal, stmt };
  }

  private onReply(p: Pending, r: Reply): void {
    const db = p.db;
    if (r.e !== undefined) {
      const error = toSqlError(r.e, db.name, p.sql);
      if (p.kind === BEGIN) {
        const tx = p.tx;
        if (tx !== null) this.endTx(tx);
      } else if (p.kind === PREPARE && p.stmt !== null) {
        this.closeStmt(p.stmt);
      } else if (p.tx !== null && p.tx.open && r.t === false) {
        this.endTx(p.tx);
      }
      p.receiver.completeYield(p.tag, undefined, error);
      return;
    }
    switch (p.kind) {
      case RESULT: {
        const out = r.r as { rows?: Record<string, unknown>[] };
        if (r.b === true && out.rows !== undefined) toBuffers(out.rows);
        p.receiver.completeYield(p.tag, out);
        return;
      }
      case BEGIN: {
        const tx = p.tx!;
        if (p.signal!.aborted || !tx.open) {
          // Nobody will ever use this transaction (the begin lost a race, or its owner ended).
          if (tx.open) {
            this.post(db, { i: 0, o: Op.Rollback }, undefined, undefined);
            this.endTx(tx);
          }
          return;
        }
        p.receiver.completeYield(p.tag, tx.handle);
        return;
      }
      case PREPARE: {
        const s = p.stmt!;
        if (s.closed) return;
        s.handle = this.stmtHandle(s, r.r === true);
        p.receiver.completeYield(p.tag, s.handle);
        return;
      }
    }
  }

  private onWorkerFailure(db: Db, error: SqlError, pending: Pending[]): void {
    for (const p of pending) p.receiver.completeYield(p.tag, undefined, error);
    if (db.tx !== null) this.endTx(db.tx);
  }

  // ------------------------------------------------------------ statements

  private stmtHandle(s: StmtRec, reader: boolean): Statement {
    const base = { kind: 'statement', id: s.key!.id, database: s.db.name, sql: s.sql, reader } as const;
    return Object.freeze(s.tx === null ? base : { ...base, transaction: s.tx.handle });
  }

  private doQuery(db: Db, sql: string, params: Params | undefined, tag: Tag, receiver: ResultReceiver): void {
    checkParams(db, sql, params);
    const conn = db.conn;
    if (conn !== null) {
      let out;
      try {
        out = conn.query(sql, params);
      } catch (error) {
        throw this.failed(db, error, sql);
      }
      receiver.completeYield(tag, out);
      return;
    }
    this.post(db, { i: 0, o: Op.Query, s: sql, p: params }, this.pending(RESULT, db, null, tag, receiver, sql), sql);
  }

  private doExecute(db: Db, sql: string, params: Params | undefined, tag: Tag, receiver: ResultReceiver): void {
    checkParams(db, sql, params);
    const conn = db.conn;
    if (conn !== null) {
      let out;
      try {
        out = conn.execute(sql, params);
      } catch (error) {
        throw this.failed(db, error, sql);
      }
      receiver.completeYield(tag, out);
      return;
    }
    this.post(db, { i: 0, o: Op.Execute, s: sql, p: params }, this.pending(RESULT, db, null, tag, receiver, sql), sql);
  }

  private doPrepare(db: Db, owner: Pid, tx: Tx | null, sql: string, tag: Tag, receiver: ResultReceiver): void {
    const s: StmtRec = { id: this.nextStmt++, db, sql, tx, key: null, handle: null, closed: false };
    const conn = db.conn;
    if (conn !== null) {
      let reader: boolean;
      try {
        reader = conn.prepare(s.id, sql);
      } catch (error) {
        throw this.failed(db, error, typeof sql === 'string' ? sql : undefined);
      }
      this.own(s, owner);
      s.handle = this.stmtHandle(s, reader);
      receiver.completeYield(tag, s.handle);
      return;
    }
    // In the table before the worker answers, so that the owner's end closes it either way.
    this.own(s, owner);
    try {
      this.post(db, { i: 0, o: Op.Prepare, s: sql, d: s.id }, this.pending(PREPARE, db, null, tag, receiver, sql, s), sql);
    } catch (error) {
      this.closeStmt(s);
      throw error;
    }
  }

  private own(s: StmtRec, owner: Pid): void {
    s.key = this.resources.add(owner, 'statement', s, (x) => this.closeStmt(x));
    this.stmts.add(s);
    s.tx?.stmts.add(s);
  }

  private doStmt(s: StmtRec, params: Params | undefined, tag: Tag, receiver: ResultReceiver, asQuery: boolean): void {
    const db = s.db;
    checkParams(db, s.sql, params);
    const conn = db.conn;
    if (conn !== null) {
      let out;
      try {
        out = asQuery ? conn.stmtQuery(s.id, params) : conn.stmtExecute(s.id, params);
      } catch (error) {
        throw this.failed(db, error, s.sql);
      }
      receiver.completeYield(tag, out);
      return;
    }
    this.post(db, { i: 0, o: asQuery ? Op.StmtQuery : Op.StmtExecute, d: s.id, p: params }, this.pending(RESULT, db, null, tag, receiver, s.sql), s.sql);
  }

  // ------------------------------------------------------------ handlers
  // A handler may run again from drain() with the Caller saved when it had to wait: that is why
  // they take `Caller` (the PID and that yield's signal), never reading a signal later.

  readonly query = (ctx: Caller, cmd: QueryCmd, tag: Tag, receiver: ResultReceiver): void => {
    const db = this.db(cmd.database);
    if (this.busy(db, ctx.pid)) return this.wait(db, ctx, tag, receiver, (c) => this.query(c, cmd, tag, receiver));
    this.doQuery(db, cmd.sql, cmd.params, tag, receiver);
  };

  readonly execute = (ctx: Caller, cmd: ExecuteCmd, tag: Tag, receiver: ResultReceiver): void => {
    const db = this.db(cmd.database);
    if (this.busy(db, ctx.pid)) return this.wait(db, ctx, tag, receiver, (c) => this.execute(c, cmd, tag, receiver));
    this.doExecute(db, cmd.sql, cmd.params, tag, receiver);
  };

  readonly prepare: Handler<PrepareCmd> = (ctx, cmd, tag, receiver) => {
    this.doPrepare(this.db(cmd.database), ctx.pid, null, cmd.sql, tag, receiver);
  };

  readonly begin = (ctx: Caller, cmd: BeginCmd, tag: Tag, receiver: ResultReceiver): void => {
    const db = this.db(cmd.database);
    const mode = cmd.mode;
    if (!MODES.includes(mode)) {
      throw new SqlError('SQL_BAD_ARGUMENT', `database "${db.name}": begin mode must be one of ${MODES.map((m) => `"${m}"`).join(', ')}, got ${describeValue(mode)}`, { database: db.name });
    }
    if (db.tx !== null && !this.busy(db, ctx.pid)) {
      throw new SqlError('TX_ALREADY_OPEN', `database "${db.name}": process ${ctx.pid} already has transaction #${db.tx.handle.id} open (no nesting; commit or roll it back first)`, { database: db.name });
    }
    if (db.tx !== null) return this.wait(db, ctx, tag, receiver, (c) => this.begin(c, cmd, tag, receiver));
    const tx = this.newTx(db, ctx.pid);
    const conn = db.conn;
    if (conn !== null) {
      try {
        conn.begin(mode);
      } catch (error) {
        this.endTx(tx);
        throw toSqlError(error, db.name, `BEGIN ${mode.toUpperCase()}`);
      }
      receiver.completeYield(tag, tx.handle);
      return;
    }
    try {
      this.post(db, { i: 0, o: Op.Begin, m: mode }, this.pending(BEGIN, db, ctx.signal, tag, receiver, `BEGIN ${mode.toUpperCase()}`), undefined);
    } catch (error) {
      this.endTx(tx);
      throw error;
    }
  };

  readonly stmtQuery = (ctx: Caller, cmd: StmtQueryCmd, tag: Tag, receiver: ResultReceiver): void => {
    const s = this.ownStmt(ctx.pid, cmd.statement);
    if (this.busy(s.db, ctx.pid)) return this.wait(s.db, ctx, tag, receiver, (c) => this.stmtQuery(c, cmd, tag, receiver));
    this.doStmt(s, cmd.params, tag, receiver, true);
  };

  readonly stmtExecute = (ctx: Caller, cmd: StmtExecuteCmd, tag: Tag, receiver: ResultReceiver): void => {
    const s = this.ownStmt(ctx.pid, cmd.statement);
    if (this.busy(s.db, ctx.pid)) return this.wait(s.db, ctx, tag, receiver, (c) => this.stmtExecute(c, cmd, tag, receiver));
    this.doStmt(s, cmd.params, tag, receiver, false);
  };

  readonly stmtClose: Handler<StmtCloseCmd> = (ctx, cmd, tag, receiver) => {
    const handle = cmd.statement;
    // Already closed (by stmtClose, its transaction's end): false, so that it is safe in cleanup paths.
    if (isHandleOf(handle, 'statement') && this.resources.get(handle) === undefined) {
      receiver.completeYield(tag, false);
      return;
    }
    this.resources.close(ctx.pid, handle, 'statement');
    receiver.completeYield(tag, true);
  };

  readonly txQuery: Handler<TxQueryCmd> = (ctx, cmd, tag, receiver) => {
    const tx = this.ownTx(ctx.pid, cmd.tx);
    this.doQuery(tx.db, cmd.sql, cmd.params, tag, receiver);
  };

  readonly txExecute: Handler<TxExecuteCmd> = (ctx, cmd, tag, receiver) => {
    const tx = this.ownTx(ctx.pid, cmd.tx);
    this.doExecute(tx.db, cmd.sql, cmd.params, tag, receiver);
  };

  readonly txPrepare: Handler<TxPrepareCmd> = (ctx, cmd, tag, receiver) => {
    const tx = this.ownTx(ctx.pid, cmd.tx);
    this.doPrepare(tx.db, ctx.pid, tx, cmd.sql, tag, receiver);
  };

  readonly commit: Handler<CommitCmd> = (ctx, cmd, tag, receiver) => {
    const tx = this.ownTx(ctx.pid, cmd.tx);
    const db = tx.db;
    const conn = db.conn;
    if (conn !== null) {
      try {
        conn.commit();
      } catch (error) {
        // Connection.commit() rolled back what COMMIT could not keep.
        this.endTx(tx);
        throw toSqlError(error, db.name, 'COMMIT');
      }
      receiver.completeYield(tag, undefined);
      this.endTx(tx);
      return;
    }
    // The worker runs requests in order, so statements let in after this one run after COMMIT.
    this.post(db, { i: 0, o: Op.Commit }, { kind: RESULT, db, tag, receiver, sql: 'COMMIT', tx: null, signal: null, stmt: null }, 'COMMIT');
    this.endTx(tx);
  };

  readonly rollback: Handler<RollbackCmd> = (ctx, cmd, tag, receiver) => {
    const handle = cmd.tx;
    // Already ended (committed, rolled back, or by a failed statement): false, safe in error paths.
    if (isHandleOf(handle, 'transaction') && this.resources.get(handle) === undefined) {
      receiver.completeYield(tag, false);
      return;
    }
    const tx = this.ownTx(ctx.pid, handle);
    const db = tx.db;
    const conn = db.conn;
    if (conn !== null) {
      try {
        conn.rollback();
      } catch (error) {
        this.endTx(tx);
        throw toSqlError(error, db.name, 'ROLLBACK');
      }
      receiver.completeYield(tag, true);
      this.endTx(tx);
      return;
    }
    this.post(db, { i: 0, o: Op.Rollback }, { kind: RESULT, db, tag, receiver, sql: 'ROLLBACK', tx: null, signal: null, stmt: null }, 'ROLLBACK');
    this.endTx(tx);
  };

  get handlers() {
    return {
      [SqlCommand.Query]: this.query,
      [SqlCommand.Execute]: this.execute,
      [SqlCommand.Prepare]: this.prepare,
      [SqlCommand.Begin]: this.begin,
      [SqlCommand.StmtQuery]: this.stmtQuery,
      [SqlCommand.StmtExecute]: this.stmtExecute,
      [SqlCommand.StmtClose]: this.stmtClose,
      [SqlCommand.TxQuery]: this.txQuery,
      [SqlCommand.TxExecute]: this.txExecute,
      [SqlCommand.TxPrepare]: this.txPrepare,
      [SqlCommand.TxCommit]: this.commit,
      [SqlCommand.TxRollback]: this.rollback,
    };
  }
}
