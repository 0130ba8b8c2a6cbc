import { WorkflowError } from './errors.js';
import { openDatabase, type DriverDatabase, type DriverStatement, type Synchronous } from '@switchyard/sqlite';

/** One recorded completion. `value` is the encoded result or error. */
export interface StepRecord {
  readonly command: number;
  readonly name: string;
  readonly ok: boolean;
  readonly value: string;
}

export interface RunRow {
  readonly id: string;
  readonly workflow: string;
  readonly status: string;
  readonly input: string;
  readonly result: string | null;
  readonly generation: number;
  readonly parent: string | null;
  readonly created_at: number;
  readonly closed_at: number | null;
  readonly owner: string | null;
  readonly lease_until: number;
  readonly blocked: string | null;
}

export interface LoadedJournal {
  readonly steps: Map<number, StepRecord>;
  /** Version markers; the shared empty map until the first is set (setMarker). */
  readonly markers: ReadonlyMap<string, number>;
  /** position → due time of durable timers; the shared empty map until the first is set (setTimer). */
  readonly timers: ReadonlyMap<number, number>;
  readonly maxPosition: number;
}

// Most runs have no markers and no timers: ten thousand recovered runs share these two.
const NO_MARKERS: ReadonlyMap<string, number> = new Map();
const NO_TIMERS: ReadonlyMap<number, number> = new Map();

export function setMarker(j: LoadedJournal, change: string, version: number): void {
  if (j.markers === NO_MARKERS) (j as { markers: ReadonlyMap<string, number> }).markers = new Map();
  (j.markers as Map<string, number>).set(change, version);
}

export function setTimer(j: LoadedJournal, position: number, due: number): void {
  if (j.timers === NO_TIMERS) (j as { timers: ReadonlyMap<number, number> }).timers = new Map();
  (j.timers as Map<number, number>).set(position, due);
}

function emptyJournal(): LoadedJournal {
  return { steps: new Map(), markers: NO_MARKERS, timers: NO_TIMERS, maxPosition: 0 };
}

/** An open run taken at recovery, with everything its replay needs. */
export interface RecoveredRun {
  readonly id: string;
  readonly workflow: string;
  readonly generation: number;
  readonly input: string;
  readonly journal: LoadedJournal;
  /** True when it has signals not yet consumed. */
  signalled: boolean;
}

interface RecoveryStatements {
  readonly n: number;
  readonly claim: DriverStatement;
  readonly runs: DriverStatement;
  readonly steps: DriverStatement;
  readonly markers: DriverStatement;
  readonly timers: DriverStatement;
  readonly signals: DriverStatement;
}

type Op = () => void;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS wf_runs (
  id TEXT PRIMARY KEY NOT NULL,
  workflow TEXT NOT NULL,
  status TEXT NOT NULL,
  input TEXT NOT NULL,
  result TEXT,
  generation INTEGER NOT NULL DEFAULT 0,
  parent TEXT,
  created_at INTEGER NOT NULL,
  closed_at INTEGER,
  owner TEXT,
  lease_until INTEGER NOT NULL DEFAULT 0,
  blocked TEXT
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS wf_runs_status ON wf_runs (status, created_at);
CREATE INDEX IF NOT EXISTS wf_runs_closed ON wf_runs (closed_at) WHERE closed_at IS NOT NULL;
CREATE TABLE IF NOT EXISTS wf_steps (
  run TEXT NOT NULL, pos INTEGER NOT NULL, command INTEGER NOT NULL, name TEXT NOT NULL, ok INTEGER NOT NULL, value TEXT NOT NULL,
  PRIMARY KEY (run, pos)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS wf_markers (
  run TEXT NOT NULL, change TEXT NOT NULL, version INTEGER NOT NULL, PRIMARY KEY (run, change)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS wf_timers (
  run TEXT NOT NULL, pos INTEGER NOT NULL, due INTEGER NOT NULL, PRIMARY KEY (run, pos)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS wf_signals (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, run TEXT NOT NULL, topic TEXT NOT NULL, payload TEXT NOT NULL,
  consumed INTEGER, dedupe TEXT UNIQUE
);
CREATE INDEX IF NOT EXISTS wf_signals_run ON wf_signals (run, consumed, seq);
CREATE TABLE IF NOT EXISTS wf_attrs (run TEXT NOT NULL, key TEXT NOT NULL, v);
CREATE INDEX IF NOT EXISTS wf_attrs_run ON wf_attrs (run, key);
CREATE INDEX IF NOT EXISTS wf_attrs_kv ON wf_attrs (key, v);
`;

/**
 * The SQLite journal. Writes are queued and committed together (group commit): the host
 * flushes before any workflow code runs on a result, so one fsync covers every completion of a
 * scheduler turn. Each run's writes are fenced by its lease: a runtime that lost a run's lease
 * (another runtime claimed it) writes nothing for it.
 */
export class Journal {
  readonly db: DriverDatabase;
  private runOps = new Map<string, Op[]>();
  private globalOps: Op[] = [];
  private pending = 0;
  private scheduled = false;
  private readonly tx: (lost: string[]) => void;
  private readonly s: Record<string, DriverStatement>;
  commits = 0;

  constructor(
    readonly file: string,
    synchronous: Synchronous,
    busyTimeoutMs: number,
    readonly owner: string,
    private readonly leaseMs: number,
    private readonly wallNow: () => number,
    private readonly onLeaseLost: (runIds: string[]) => void,
    /** When to commit what is queued; default: on the next event-loop turn. */
    private readonly schedule: (commit: () => void) => void = (commit) => setImmediate(commit),
  ) {
    this.db = openDatabase(file, { synchronous, busyTimeoutMs });
    try {
      this.db.exec(SCHEMA);
      const p = (sql: string) => this.db.prepare(sql);
      this.s = {
        insertRun: p(`INSERT OR IGNORE INTO wf_runs (id, workflow, status, input, parent, created_at, owner, lease_until) VALUES (?, ?, 'running', ?, ?, ?, ?, ?)`),
        getRun: p(`SELECT * FROM wf_runs WHERE id = ?`),
        fence: p(`UPDATE wf_runs SET lease_until = ? WHERE id = ? AND owner = ? AND status = 'running'`),
        claim: p(`UPDATE wf_runs SET owner = ?, lease_until = ?, blocked = NULL WHERE id = ? AND status = 'running' AND (owner IS NULL OR owner = ? OR lease_until < ?)`),
        renew: p(`UPDATE wf_runs SET lease_until = ? WHERE owner = ? AND status = 'running'`),
        release: p(`UPDATE wf_runs SET owner = NULL, lease_until = 0 WHERE owner = ? AND status = 'running'`),
        close: p(`UPDATE wf_runs SET status = ?, result = ?, closed_at = ?, owner = NULL, lease_until = 0, blocked = NULL WHERE id = ?`),
        block: p(`UPDATE wf_runs SET blocked = ? WHERE id = ?`),
        restart: p(`UPDATE wf_runs SET input = ?, generation = generation + 1, blocked = NULL WHERE id = ?`),
        steps: p(`SELECT pos, command, name, ok, value FROM wf_steps WHERE run = ?`),
        insertStep: p(`INSERT OR REPLACE INTO wf_steps (run, pos, command, name, ok, value) VALUES (?, ?, ?, ?, ?, ?)`),
        markers: p(`SELECT change, version FROM wf_markers WHERE run = ?`),
        insertMarker: p(`INSERT OR REPLACE INTO wf_markers (run, change, version) VALUES (?, ?, ?)`),
        timers: p(`SELECT pos, due FROM wf_timers WHERE run = ?`),
        insertTimer: p(`INSERT OR IGNORE INTO wf_timers (run, pos, due) VALUES (?, ?, ?)`),
        insertSignal: p(`INSERT OR IGNORE INTO wf_signals (run, topic, payload, dedupe) VALUES (?, ?, ?, ?)`),
        nextSignals: p(`SELECT seq, topic, payload FROM wf_signals WHERE run = ? AND consumed IS NULL ORDER BY seq LIMIT ?`),
        nextSignalsTopic: p(`SELECT seq, topic, payload FROM wf_signals WHERE run = ? AND consumed IS NULL AND topic = ? ORDER BY seq LIMIT ?`),
        consume: p(`UPDATE wf_signals SET consumed = ? WHERE seq = ?`),
        delAttr: p(`DELETE FROM wf_attrs WHERE run = ? AND key = ?`),
        insertAttr: p(`INSERT INTO wf_attrs (run, key, v) VALUES (?, ?, ?)`),
        attrs: p(`SELECT key, v FROM wf_attrs WHERE run = ? ORDER BY rowid`),
        expired: p(`SELECT id FROM wf_runs WHERE status != 'running' AND closed_at < ? LIMIT 1000`),
      };
      const s = this.s;
      const clear = ['wf_steps', 'wf_markers', 'wf_timers'].map((t) => p(`DELETE FROM ${t} WHERE run = ?`));
      this.clearJournal = (id: string) => {
        for (const c of clear) c.run(id);
      };
      const purge = ['wf_steps', 'wf_markers', 'wf_timers', 'wf_signals', 'wf_attrs'].map((t) => p(`DELETE FROM ${t} WHERE run = ?`));
      const delRun = p(`DELETE FROM wf_runs WHERE id = ?`);
      this.purgeRun = (id: string) => {
        for (const c of purge) c.run(id);
        delRun.run(id);
      };
      this.tx = this.db.transaction((lost: string[]) => {
        const until = this.wallNow() + this.leaseMs;
        for (const [run, ops] of this.runOps) {
          if (s.fence!.run(until, run, this.owner).changes === 0) {
            lost.push(run);
            continue;
          }
          for (const op of ops) op();
        }
        for (const op of this.globalOps) op();
      });
    } catch (error) {
      this.db.close();
      throw error;
    }
  }

  private readonly clearJournal: (id: string) => void;
  private readonly purgeRun: (id: string) => void;

  get stmts(): Record<string, DriverStatement> {
    return this.s;
  }

  /** Queue a write fenced by the run's lease. */
  addForRun(runId: string, op: Op): void {
    let ops = this.runOps.get(runId);
    if (ops === undefined) this.runOps.set(runId, (ops = []));
    ops.push(op);
    this.queued();
  }

  /** Queue a write not tied to a run this runtime holds (a signal, a new run). */
  add(op: Op): void {
    this.globalOps.push(op);
    this.queued();
  }

  private queued(): void {
    this.pending++;
    if (this.scheduled) return;
    this.scheduled = true;
    this.schedule(() => {
      if (!this.scheduled) return;
      this.scheduled = false;
      try {
        this.flush();
      } catch {
        // Reported to every waiter by flush(); nothing else waits on this commit.
      }
    });
  }

  get queuedWrites(): number {
    return this.pending;
  }

  /** True while writes of this run wait for the next commit. */
  hasPending(runId: string): boolean {
    return this.runOps.has(runId);
  }

  /** Call `fn` once everything queued now is committed (at once when nothing is queued). */
  whenCommitted(fn: (error?: unknown) => void): void {
    if (this.pending === 0) fn();
    else this.committed.push(fn);
  }
  private committed: ((error?: unknown) => void)[] = [];

  /** Commit everything queued, in one transaction. */
  flush(): void {
    if (this.pending === 0) return;
    const lost: string[] = [];
    const fns = this.committed;
    this.committed = [];
    try {
      this.tx(lost);
    } catch (error) {
      const failure = new WorkflowError('WORKFLOW_JOURNAL_FAILED', `workflow journal ${this.file}: a commit failed, its writes are lost: ${(error as Error)?.message ?? String(error)}`, undefined, { cause: error });
      for (const fn of fns) fn(failure);
      throw failure;
    } finally {
      this.runOps = new Map();
      this.globalOps = [];
      this.pending = 0;
    }
    this.commits++;
    if (lost.length > 0) this.onLeaseLost(lost);
    for (const fn of fns) fn();
  }

  getRun(id: string): RunRow | undefined {
    return this.s.getRun!.get(id) as RunRow | undefined;
  }

  insertRun(id: string, workflow: string, input: string, parent: string | null, createdAt: number): void {
    this.s.insertRun!.run(id, workflow, input, parent, createdAt, this.owner, this.wallNow() + this.leaseMs);
  }

  load(runId: string): LoadedJournal {
    const steps = new Map<number, StepRecord>();
    let maxPosition = 0;
    for (const r of this.s.steps!.all(runId) as { pos: number; command: number; name: string; ok: number; value: string }[]) {
      steps.set(r.pos, { command: r.command, name: r.name, ok: r.ok === 1, value: r.value });
      if (r.pos > maxPosition) maxPosition = r.pos;
    }
    const j: LoadedJournal = { steps, markers: NO_MARKERS, timers: NO_TIMERS, maxPosition };
    for (const r of this.s.markers!.all(runId) as { change: string; version: number }[]) setMarker(j, r.change, r.version);
    for (const r of this.s.timers!.all(runId) as { pos: number; due: number }[]) setTimer(j, r.pos, r.due);
    return j;
  }

  /** Try to take a run: free, ours (a restart with the same owner), or its lease ran out. */
  claim(runId: string): boolean {
    const now = this.wallNow();
    return this.s.claim!.run(this.owner, now + this.leaseMs, runId, this.owner, now).changes === 1;
  }

  /**
   * Recovery, in one transaction: take every open run of these workflows that is free, expired,
   * or already ours from before a restart (one UPDATE), then read what replay needs of all of
   * them at once: the runs (oldest first), their steps, markers and timers (one query each, walked
   * in the same order as the runs, so no per-run query and no per-row map lookup), and which of
   * them have unconsumed signals.
   */
  recoverAll(workflows: readonly string[]): RecoveredRun[] {
    if (workflows.length === 0) return [];
    const now = this.wallNow();
    const r = this.recoveryStatements(workflows.length);
    return this.db.transaction(() => {
      r.claim.run(this.owner, now + this.leaseMs, now, this.owner, ...workflows);
      const rows = r.runs.all(this.owner) as [string, string, number, string][];
      const out: RecoveredRun[] = new Array<RecoveredRun>(rows.length);
      const index = new Map<string, RecoveredRun>();
      for (let i = 0; i < rows.length; i++) {
        const [id, workflow, generation, input] = rows[i]!;
        const run: RecoveredRun = { id, workflow, generation, input, journal: emptyJournal(), signalled: false };
        out[i] = run;
        index.set(id, run);
      }
      // Steps come grouped by run (the plan walks runs, then each run's steps by primary key):
      // one map lookup per run, not per step.
      let cur: RecoveredRun | undefined;
      for (const s of r.steps.all(this.owner) as [string, number, number, string, number, string][]) {
        if (cur === undefined || cur.id !== s[0]) {
          cur = index.get(s[0]);
          if (cur === undefined) continue;
        }
        const pos = s[1];
        cur.journal.steps.set(pos, { command: s[2], name: s[3], ok: s[4] === 1, value: s[5] });
        if (pos > cur.journal.maxPosition) (cur.journal as { maxPosition: number }).maxPosition = pos;
      }
      for (const m of r.markers.all(this.owner) as [string, string, number][]) {
        const run = index.get(m[0]);
        if (run !== undefined) setMarker(run.journal, m[1], m[2]);
      }
      for (const t of r.timers.all(this.owner) as [string, number, number][]) {
        const run = index.get(t[0]);
        if (run !== undefined) setTimer(run.journal, t[1], t[2]);
      }
      for (const [id] of r.signals.all(this.owner) as [string][]) {
        const run = index.get(id);
        if (run !== undefined) run.signalled = true;
      }
      return out;
    })();
  }

  private recoveryStatements(n: number): RecoveryStatements {
    let r = this.recoveryCache;
    if (r !== undefined && r.n === n) return r;
    const p = (sql: string) => this.db.prepare(sql);
    // Open runs are reached through the (status, created_at) index; each run's rows by primary key.
    const held = `FROM wf_runs r CROSS JOIN`;
    const mine = `WHERE r.owner = ? AND r.status = 'running'`;
    r = {
      n,
      claim: p(`UPDATE wf_runs SET owner = ?, lease_until = ?, blocked = NULL WHERE status = 'running' AND (owner IS NULL OR lease_until < ? OR owner = ?) AND workflow IN (${Array.from({ length: n }, () => '?').join(', ')})`),
      runs: p(`SELECT r.id, r.workflow, r.generation, r.input FROM wf_runs r ${mine} ORDER BY r.created_at, r.id`).raw(true),
      steps: p(`SELECT s.run, s.pos, s.command, s.name, s.ok, s.value ${held} wf_steps s ON s.run = r.id ${mine}`).raw(true),
      markers: p(`SELECT m.run, m.change, m.version ${held} wf_markers m ON m.run = r.id ${mine}`).raw(true),
      timers: p(`SELECT t.run, t.pos, t.due ${held} wf_timers t ON t.run = r.id ${mine}`).raw(true),
      signals: p(`SELECT DISTINCT r.id ${held} wf_signals g ON g.run = r.id ${mine} AND g.consumed IS NULL`).raw(true),
    };
    this.recoveryCache = r;
    return r;
  }
  private recoveryCache: RecoveryStatements | undefined;

  /** Open runs of these workflows that this runtime may take. */
  claimable(workflows: readonly string[]): string[] {
    if (workflows.length === 0) return [];
    const sql = `SELECT id FROM wf_runs WHERE status = 'running' AND (owner IS NULL OR lease_until < ?) AND workflow IN (${workflows.map(() => '?').join(', ')}) ORDER BY created_at, id`;
    let stmt = this.claimableStmt;
    if (stmt === undefined || this.claimableSql !== sql) {
      stmt = this.claimableStmt = this.db.prepare(sql);
      this.claimableSql = sql;
    }
    return (stmt.all(this.wallNow(), ...workflows) as { id: string }[]).map((r) => r.id);
  }
  private claimableStmt: DriverStatement | undefined;
  private claimableSql = '';

  /**
   * Take these runs (free or expired) in one transaction, one commit for all of them; returns
   * the rows now held with their journals, in the order given.
   */
  claimMany(ids: readonly string[]): { row: RunRow; journal: LoadedJournal }[] {
    if (ids.length === 0) return [];
    return this.db.transaction(() => {
      const out: { row: RunRow; journal: LoadedJournal }[] = [];
      for (const id of ids) {
        if (!this.claim(id)) continue;
        const row = this.getRun(id);
        if (row !== undefined) out.push({ row, journal: this.load(id) });
      }
      return out;
    })();
  }

  /** IDs of the open runs this runtime holds. */
  heldIds(): Set<string> {
    const stmt = (this.heldStmt ??= this.db.prepare(`SELECT id FROM wf_runs WHERE owner = ? AND status = 'running'`).raw(true));
    return new Set((stmt.all(this.owner) as [string][]).map((r) => r[0]));
  }
  private heldStmt: DriverStatement | undefined;

  /** Open runs held here that have signals not yet consumed (stored by any runtime). */
  signalledHeld(): Set<string> {
    const stmt = (this.signalledStmt ??= this.db
      .prepare(`SELECT DISTINCT g.run FROM wf_signals g CROSS JOIN wf_runs r ON r.id = g.run WHERE g.consumed IS NULL AND r.owner = ? AND r.status = 'running'`)
      .raw(true));
    return new Set((stmt.all(this.owner) as [string][]).map((r) => r[0]));
  }
  private signalledStmt: DriverStatement | undefined;

  renewLeases(): void {
    this.s.renew!.run(this.wallNow() + this.leaseMs, this.owner);
  }

  releaseLeases(): void {
    this.s.release!.run(this.owner);
  }

  clear(runId: string): void {
    this.clearJournal(runId);
  }

  purge(olderThan: number): number {
    const ids = (this.s.expired!.all(olderThan) as { id: string }[]).map((r) => r.id);
    if (ids.length > 0) this.db.transaction(() => ids.forEach((id) => this.purgeRun(id)))();
    return ids.length;
  }

  close(): void {
    this.scheduled = false;
    this.db.close();
  }
}
