import type { Handler, HandlerContext, ResultReceiver, Tag } from '@switchyard/dispatcher';
import type { PluginContext, Runtime } from '@switchyard/runtime';
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

interface Tx {
  readonly id: number;
  readonly db: Db;
  readonly owner: string;
  readonly stmts: Set<StmtRec>;
  readonly handle: Transaction;
  open: boolean;
}

interface StmtRec {
  readonly id: number;
  readonly db: Db;
  readonly owner: string;
  readonly sql: string;
  readonly tx: Tx | null;
  handle: Statement | null;
}

/** What a process holds, freed when it ends. */
interface Holdings {
  readonly stmts: Set<StmtRec>;
  readonly txs: Set<Tx>;
}

/** A statement that arrived while another process held the database's transaction. */
interface Waiting {
  readonly ctx: HandlerContext;
  readonly tag: Tag;
  readonly receiver: ResultReceiver;
  readonly resume: () => void;
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
  readonly ctx: HandlerContext | null;
  readonly stmt: StmtRec | null;
}

class Db {
  conn: Connection | null = null;
  link: WorkerLink<Pending> | null = null;
  /** The process whose transaction is open: everyone else's statements wait. */
  holder: string | null = null;
  tx: Tx | null = null;
  readonly waiting: Waiting[] = [];
  closed = false;
  constructor(readonly options: ResolvedDatabase) {}
  get name(): string {
    return this.options.name;
  }
}

const MODES: readonly BeginMode[] = ['deferred', 'immediate', 'exclusive'];

function isHandle(v: unknown): v is { id: number } {
  return typeof v === 'object' && v !== null && typeof (v as { id?: unknown }).id === 'number';
}

function checkParams(db: Db, sql: string, params: unknown): void {
  if (params !== undefined && (typeof params !== 'object' || params === null)) {
    throw new SqlError('SQL_BAD_PARAMS', `database "${db.name}": parameters must be an array (positional) or an object (named), got ${params === null ? 'null' : typeof params} in statement: ${quoteSql(String(sql))}`, {
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

/** The sql plugin's state for one runtime: databases, open statements and transactions, who waits. */
export class SqlHandlers {
  private readonly runtime: Runtime;
  private readonly dbs = new Map<string, Db>();
  private readonly stmts = new Map<number, StmtRec>();
  private readonly txs = new Map<number, Tx>();
  private readonly holdings = new Map<string, Holdings>();
  private nextStmt = 1;
  private nextTx = 1;
  private readonly onReplyBound = (p: Pending, r: Reply) => this.onReply(p, r);

  constructor(ctx: Pick<PluginContext, 'runtime'>, databases: readonly ResolvedDatabase[]) {
    this.runtime = ctx.runtime;
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
      db.holder = null;
      if (db.conn !== null) {
        db.conn.close();
        db.conn = null;
      }
      if (db.link !== null) closing.push(db.link.close(timeoutMs));
    }
    this.stmts.clear();
    this.txs.clear();
    this.holdings.clear();
    await Promise.all(closing);
  }

  stats(): { statements: number; transactions: number; waiting: number; inFlight: number; workers: number } {
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
      throw new SqlError('NO_SUCH_DATABASE', `no database "${String(name)}" (configured: ${[...this.dbs.keys()].map((n) => `"${n}"`).join(', ')})`, {
        database: String(name),
      });
    }
    if (db.closed) throw this.closedError(db);
    return db;
  }

  private ownTx(ctx: HandlerContext, handle: Transaction): Tx {
    if (!isHandle(handle)) throw new SqlError('SQL_BAD_ARGUMENT', `expected a transaction from begin(), got ${handle === null ? 'null' : typeof handle}`);
    const tx = this.txs.get(handle.id);
    if (tx === undefined || !tx.open) {
      throw new SqlError('NO_SUCH_TRANSACTION', `transaction ${handle.id} on database "${String(handle.database)}" is not open: it was committed, rolled back, or its process ended`, {
        database: handle.database,
      });
    }
    if (tx.owner !== ctx.pid) {
      throw new SqlError('NOT_OWNER', `transaction ${tx.id} on database "${tx.db.name}" belongs to process ${tx.owner}, not ${ctx.pid}`, { database: tx.db.name });
    }
    if (tx.db.closed) throw this.closedError(tx.db);
    return tx;
  }

  private ownStmt(ctx: HandlerContext, handle: Statement): StmtRec {
    if (!isHandle(handle)) throw new SqlError('SQL_BAD_ARGUMENT', `expected a statement from prepare() or txPrepare(), got ${handle === null ? 'null' : typeof handle}`);
    const s = this.stmts.get(handle.id);
    if (s === undefined) {
      throw new SqlError(
        'NO_SUCH_STATEMENT',
        `statement ${handle.id} on database "${String(handle.database)}" is closed: by stmtClose(), by the end of its transaction, or because its process ended`,
        { database: handle.database, sql: handle.sql },
      );
    }
    if (s.owner !== ctx.pid) {
      throw new SqlError('NOT_OWNER', `statement ${s.id} on database "${s.db.name}" belongs to process ${s.owner}, not ${ctx.pid}`, { database: s.db.name, sql: s.sql });
    }
    if (s.db.closed) throw this.closedError(s.db);
    return s;
  }

  private holdingsOf(pid: string): Holdings {
    let h = this.holdings.get(pid);
    if (h === undefined) {
      h = { stmts: new Set(), txs: new Set() };
      this.holdings.set(pid, h);
      this.runtime.onExit(pid, () => this.releaseAll(pid));
    }
    return h;
  }

  // ------------------------------------------------------------ transactions and waiting

  private wait(db: Db, ctx: HandlerContext, tag: Tag, receiver: ResultReceiver, resume: () => void): void {
    db.waiting.push({ ctx, tag, receiver, resume });
  }

  /** Run waiting statements in arrival order until one of them takes the transaction. */
  private drain(db: Db): void {
    while (db.holder === null && db.waiting.length > 0) {
      const w = db.waiting.shift()!;
      // The process ended, or the yield was abandoned (a lost race): its turn is skipped.
      if (w.ctx.signal.aborted) continue;
      try {
        w.resume();
      } catch (error) {
        w.receiver.completeYield(w.tag, undefined, error);
      }
    }
  }

  private newTx(db: Db, owner: string): Tx {
    const id = this.nextTx++;
    const tx: Tx = { id, db, owner, stmts: new Set(), handle: Object.freeze({ database: db.name, id }), open: true };
    this.txs.set(id, tx);
    this.holdingsOf(owner).txs.add(tx);
    db.holder = owner;
    db.tx = tx;
    return tx;
  }

  /** Forget a transaction whose SQLite side is already over (committed, rolled back, or never begun), and let the next one in. */
  private endTx(tx: Tx): void {
    if (!tx.open) return;
    tx.open = false;
    this.txs.delete(tx.id);
    this.holdings.get(tx.owner)?.txs.delete(tx);
    for (const s of tx.stmts) this.closeStmt(s);
    const db = tx.db;
    if (db.tx === tx) {
      db.tx = null;
      db.holder = null;
      if (!db.closed) this.drain(db);
    }
  }

  /** The owner ended: roll back what it left open, close its statements. */
  private releaseAll(pid: string): void {
    const h = this.holdings.get(pid);
    if (h === undefined) return;
    this.holdings.delete(pid);
    for (const tx of [...h.txs]) {
      const db = tx.db;
      if (!db.closed) {
        try {
          if (db.conn !== null) db.conn.rollback();
          else db.link?.post({ i: 0, o: Op.Rollback }, undefined);
        } catch {
          // A failed ROLLBACK (or a dead worker) leaves nothing more this process can do.
        }
      }
      this.endTx(tx);
    }
    for (const s of [...h.stmts]) this.closeStmt(s);
  }

  private closeStmt(s: StmtRec): void {
    if (!this.stmts.delete(s.id)) return;
    this.holdings.get(s.owner)?.stmts.delete(s);
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

  private pending(kind: Pending['kind'], db: Db, ctx: HandlerContext | null, tag: Tag, receiver: ResultReceiver, sql: string | undefined, stmt: StmtRec | null = null): Pending {
    return { kind, db, tag, receiver, sql, tx: db.tx, ctx, stmt };
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
        if (p.ctx!.signal.aborted || !tx.open) {
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
        if (!this.stmts.has(s.id)) return;
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
    return Object.freeze(
      s.tx === null ? { database: s.db.name, id: s.id, sql: s.sql, reader } : { database: s.db.name, id: s.id, sql: s.sql, reader, transaction: s.tx.id },
    );
  }

  private doQuery(db: Db, ctx: HandlerContext, sql: string, params: Params | undefined, tag: Tag, receiver: ResultReceiver): void {
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
    this.post(db, { i: 0, o: Op.Query, s: sql, p: params }, this.pending(RESULT, db, ctx, tag, receiver, sql), sql);
  }

  private doExecute(db: Db, ctx: HandlerContext, sql: string, params: Params | undefined, tag: Tag, receiver: ResultReceiver): void {
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
    this.post(db, { i: 0, o: Op.Execute, s: sql, p: params }, this.pending(RESULT, db, ctx, tag, receiver, sql), sql);
  }

  private doPrepare(db: Db, ctx: HandlerContext, tx: Tx | null, sql: string, tag: Tag, receiver: ResultReceiver): void {
    const s: StmtRec = { id: this.nextStmt++, db, owner: ctx.pid, sql, tx, handle: null };
    const conn = db.conn;
    if (conn !== null) {
      let reader: boolean;
      try {
        reader = conn.prepare(s.id, sql);
      } catch (error) {
        throw this.failed(db, error, typeof sql === 'string' ? sql : undefined);
      }
      this.own(s);
      s.handle = this.stmtHandle(s, reader);
      receiver.completeYield(tag, s.handle);
      return;
    }
    this.own(s);
    try {
      this.post(db, { i: 0, o: Op.Prepare, s: sql, d: s.id }, this.pending(PREPARE, db, ctx, tag, receiver, sql, s), sql);
    } catch (error) {
      this.closeStmt(s);
      throw error;
    }
  }

  private own(s: StmtRec): void {
    this.stmts.set(s.id, s);
    this.holdingsOf(s.owner).stmts.add(s);
    s.tx?.stmts.add(s);
  }

  private doStmt(s: StmtRec, ctx: HandlerContext, params: Params | undefined, tag: Tag, receiver: ResultReceiver, asQuery: boolean): void {
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
    this.post(db, { i: 0, o: asQuery ? Op.StmtQuery : Op.StmtExecute, d: s.id, p: params }, this.pending(RESULT, db, ctx, tag, receiver, s.sql), s.sql);
  }

  // ------------------------------------------------------------ handlers

  readonly query: Handler<QueryCmd> = (ctx, cmd, tag, receiver) => {
    const db = this.db(cmd.database);
    if (db.holder !== null && db.holder !== ctx.pid) return this.wait(db, ctx, tag, receiver, () => this.query(ctx, cmd, tag, receiver));
    this.doQuery(db, ctx, cmd.sql, cmd.params, tag, receiver);
  };

  readonly execute: Handler<ExecuteCmd> = (ctx, cmd, tag, receiver) => {
    const db = this.db(cmd.database);
    if (db.holder !== null && db.holder !== ctx.pid) return this.wait(db, ctx, tag, receiver, () => this.execute(ctx, cmd, tag, receiver));
    this.doExecute(db, ctx, cmd.sql, cmd.params, tag, receiver);
  };

  readonly prepare: Handler<PrepareCmd> = (ctx, cmd, tag, receiver) => {
    this.doPrepare(this.db(cmd.database), ctx, null, cmd.sql, tag, receiver);
  };

  readonly begin: Handler<BeginCmd> = (ctx, cmd, tag, receiver) => {
    const db = this.db(cmd.database);
    const mode = cmd.mode;
    if (!MODES.includes(mode)) {
      throw new SqlError('SQL_BAD_ARGUMENT', `database "${db.name}": begin mode must be one of ${MODES.map((m) => `"${m}"`).join(', ')}, got ${JSON.stringify(mode) ?? String(mode)}`, { database: db.name });
    }
    if (db.holder === ctx.pid) {
      throw new SqlError('TX_ALREADY_OPEN', `database "${db.name}": process ${ctx.pid} already has transaction ${db.tx?.id} open (no nesting; commit or roll it back first)`, { database: db.name });
    }
    if (db.holder !== null) return this.wait(db, ctx, tag, receiver, () => this.begin(ctx, cmd, tag, receiver));
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
      this.post(db, { i: 0, o: Op.Begin, m: mode }, this.pending(BEGIN, db, ctx, tag, receiver, `BEGIN ${mode.toUpperCase()}`), undefined);
    } catch (error) {
      this.endTx(tx);
      throw error;
    }
  };

  readonly stmtQuery: Handler<StmtQueryCmd> = (ctx, cmd, tag, receiver) => {
    const s = this.ownStmt(ctx, cmd.statement);
    const db = s.db;
    if (db.holder !== null && db.holder !== ctx.pid) return this.wait(db, ctx, tag, receiver, () => this.stmtQuery(ctx, cmd, tag, receiver));
    this.doStmt(s, ctx, cmd.params, tag, receiver, true);
  };

  readonly stmtExecute: Handler<StmtExecuteCmd> = (ctx, cmd, tag, receiver) => {
    const s = this.ownStmt(ctx, cmd.statement);
    const db = s.db;
    if (db.holder !== null && db.holder !== ctx.pid) return this.wait(db, ctx, tag, receiver, () => this.stmtExecute(ctx, cmd, tag, receiver));
    this.doStmt(s, ctx, cmd.params, tag, receiver, false);
  };

  readonly stmtClose: Handler<StmtCloseCmd> = (ctx, cmd, tag, receiver) => {
    const handle = cmd.statement;
    if (!isHandle(handle)) throw new SqlError('SQL_BAD_ARGUMENT', `expected a statement from prepare() or txPrepare(), got ${handle === null ? 'null' : typeof handle}`);
    const s = this.stmts.get(handle.id);
    if (s === undefined) {
      receiver.completeYield(tag, false);
      return;
    }
    if (s.owner !== ctx.pid) {
      throw new SqlError('NOT_OWNER', `statement ${s.id} on database "${s.db.name}" belongs to process ${s.owner}, not ${ctx.pid}`, { database: s.db.name, sql: s.sql });
    }
    this.closeStmt(s);
    receiver.completeYield(tag, true);
  };

  readonly txQuery: Handler<TxQueryCmd> = (ctx, cmd, tag, receiver) => {
    const tx = this.ownTx(ctx, cmd.tx);
    this.doQuery(tx.db, ctx, cmd.sql, cmd.params, tag, receiver);
  };

  readonly txExecute: Handler<TxExecuteCmd> = (ctx, cmd, tag, receiver) => {
    const tx = this.ownTx(ctx, cmd.tx);
    this.doExecute(tx.db, ctx, cmd.sql, cmd.params, tag, receiver);
  };

  readonly txPrepare: Handler<TxPrepareCmd> = (ctx, cmd, tag, receiver) => {
    const tx = this.ownTx(ctx, cmd.tx);
    this.doPrepare(tx.db, ctx, tx, cmd.sql, tag, receiver);
  };

  readonly commit: Handler<CommitCmd> = (ctx, cmd, tag, receiver) => {
    const tx = this.ownTx(ctx, cmd.tx);
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
    this.post(db, { i: 0, o: Op.Commit }, { kind: RESULT, db, tag, receiver, sql: 'COMMIT', tx: null, ctx, stmt: null }, 'COMMIT');
    this.endTx(tx);
  };

  readonly rollback: Handler<RollbackCmd> = (ctx, cmd, tag, receiver) => {
    const handle = cmd.tx;
    if (!isHandle(handle)) throw new SqlError('SQL_BAD_ARGUMENT', `expected a transaction from begin(), got ${handle === null ? 'null' : typeof handle}`);
    const known = this.txs.get(handle.id);
    if ((known === undefined || !known.open) && Number.isInteger(handle.id) && handle.id > 0 && handle.id < this.nextTx) {
      receiver.completeYield(tag, false);
      return;
    }
    const tx = this.ownTx(ctx, handle);
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
    this.post(db, { i: 0, o: Op.Rollback }, { kind: RESULT, db, tag, receiver, sql: 'ROLLBACK', tx: null, ctx, stmt: null }, 'ROLLBACK');
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
