import { randomUUID } from 'node:crypto';
import { describeValue, didYouMean } from '@switchyard/errors';
import type { Handler, HandlerContext, ResultReceiver, Tag } from '@switchyard/dispatcher';
import { NullishFailureError, ReceiveTimeoutError, systemClock, type ExitReason, type HostAnswer, type PluginContext, type Runtime } from '@switchyard/runtime';
import { decode, encode } from './codec.js';
import {
  ContinueAsNew,
  WorkflowCommand,
  type CallCmd,
  type ManageCmd,
  type ReceiveSignalCmd,
  type ResultCmd,
  type RunInfo,
  type RunStatus,
  type SideEffectCmd,
  type SignalCmd,
  type StartCmd,
  type StepInfo,
  type TimerCmd,
  type UpsertAttrsCmd,
} from './commands.js';
import { badArgument, WorkflowError } from './errors.js';
import { Journal, setTimer, type LoadedJournal, type RunRow, type StepRecord } from './journal.js';
import { MEMORY_JOURNAL, type ResolvedOptions } from './options.js';
import { attrValue, checkDeclared, compileFilter, storedValues } from './query.js';
import { encodeError, Run, stepOf, type RunOwner } from './run.js';
import { TimerWheel, type DueEntry } from './timers.js';

type Waiter = (answer: HostAnswer) => void;

export interface WorkflowStats {
  /** Runs loaded in this runtime (running, sleeping or waiting). */
  loaded: number;
  /** Durable timers waiting, all behind one armed clock timer. */
  timers: number;
  /** Clock timers armed for durable timers (0 or 1). */
  armedTimers: number;
  /** Journal transactions committed. */
  commits: number;
  /** Processes waiting for a run's result. */
  resultWaiters: number;
  /** 1 when the journal is a file; 0 for the in-memory journal (the default), whose runs are lost when the runtime stops. */
  durable: number;
}

/** The workflow module of one runtime: journal, loaded runs, timers and the handlers. */
export class WorkflowHandlers implements RunOwner {
  private readonly rt: Runtime;
  private readonly wallNow: () => number;
  private journalDb: Journal | null = null;
  private readonly wheel: TimerWheel;
  private readonly runs = new Map<string, Run>();
  private readonly byPid = new Map<string, Run>();
  private readonly waiters = new Map<string, Waiter[]>();
  private readyWaiters: (() => void)[] | null = [];
  private tick: unknown = undefined;
  private stopped = false;
  private starting: NodeJS.Immediate | null = null;
  readonly owner: string;
  private readonly workflowNames: readonly string[];

  constructor(
    private readonly ctx: PluginContext,
    private readonly options: ResolvedOptions,
  ) {
    this.rt = ctx.runtime;
    const clock = ctx.clock;
    this.wallNow = clock === systemClock ? Date.now : () => clock.now();
    this.wheel = new TimerWheel(clock, this.wallNow);
    this.owner = options.owner ?? `${ctx.runtime.node}:${randomUUID()}`;
    this.workflowNames = [...options.workflows.keys()];
  }

  get handlers(): Record<number, Handler<never>> {
    return {
      [WorkflowCommand.SideEffect]: this.sideEffect,
      [WorkflowCommand.Call]: this.call,
      [WorkflowCommand.Version]: this.versionOutside,
      [WorkflowCommand.UpsertAttrs]: this.upsertAttrs,
      [WorkflowCommand.Timer]: this.timer,
      [WorkflowCommand.Receive]: this.receive,
      [WorkflowCommand.Start]: this.startCmd,
      [WorkflowCommand.Result]: this.result,
      [WorkflowCommand.Signal]: this.signal,
      [WorkflowCommand.Manage]: this.manage,
    };
  }

  private get journal(): Journal {
    if (this.journalDb === null) throw new WorkflowError('WORKFLOW_CLOSED', `the workflow journal ${this.options.file} is not open (the runtime is not running)`);
    return this.journalDb;
  }

  stats(): WorkflowStats {
    let resultWaiters = 0;
    for (const w of this.waiters.values()) resultWaiters += w.length;
    return { loaded: this.runs.size, timers: this.wheel.size, armedTimers: this.wheel.isArmed ? 1 : 0, commits: this.journalDb?.commits ?? 0, resultWaiters, durable: this.options.file === MEMORY_JOURNAL ? 0 : 1 };
  }

  // ---------------------------------------------------------------- lifecycle

  open(): void {
    // Commit when every process that can run has run (each run that completed a step is then
    // waiting at its commit barrier), or after two event-loop turns if other processes keep the
    // runtime busy: the larger the group, the fewer fsyncs.
    const schedule = (commit: () => void) => {
      let done = false;
      const go = () => {
        if (done) return;
        done = true;
        commit();
      };
      void this.rt.whenIdle().then(go);
      setImmediate(() => setImmediate(go));
    };
    this.journalDb = new Journal(this.options.file, this.options.synchronous, this.options.busyTimeoutMs, this.owner, this.options.leaseMs, this.wallNow, (ids) => this.leaseLost(ids), schedule);
    this.schedulePoll();
    // Recovery waits until every plugin has started: spawning is refused until then.
    const attempt = () => {
      this.starting = null;
      if (this.stopped) return;
      try {
        this.rt.spawn(function* probe() {});
      } catch {
        this.starting = setImmediate(attempt);
        return;
      }
      this.recover();
    };
    this.starting = setImmediate(attempt);
  }

  async close(): Promise<void> {
    this.stopped = true;
    if (this.starting !== null) clearImmediate(this.starting);
    this.starting = null;
    if (this.tick !== undefined) this.ctx.clock.clearTimeout(this.tick);
    this.tick = undefined;
    this.wheel.dispose();
    const db = this.journalDb;
    if (db === null) return;
    try {
      db.flush();
      db.releaseLeases();
    } finally {
      db.close();
      this.journalDb = null;
      this.runs.clear();
      this.byPid.clear();
      this.waiters.clear();
    }
  }

  private recover(): void {
    const j = this.journal;
    this.wheel.hold();
    const recovered = j.recoverAll(this.workflowNames);
    for (const r of recovered) {
      if (this.runs.has(r.id)) continue;
      const run = this.load(r, r.journal);
      if (run !== undefined) run.mayHaveSignals = r.signalled;
    }
    // Overdue timers fire in due order once every recovered run has replayed up to its wait.
    void this.rt.whenIdle().then(() => {
      if (this.stopped) return;
      this.wheel.release();
      const ws = this.readyWaiters ?? [];
      this.readyWaiters = null;
      for (const w of ws) w();
    });
  }

  private schedulePoll(): void {
    const every = Math.max(50, Math.floor(this.options.leaseMs / 3));
    this.tick = this.ctx.clock.setTimeout(() => {
      this.tick = undefined;
      if (this.stopped || this.journalDb === null) return;
      try {
        this.poll();
      } finally {
        if (!this.stopped) this.schedulePoll();
      }
    }, every, true);
  }

  /** Lease renewal, retention, and what another runtime may have changed (results, signals, expired leases). */
  private poll(): void {
    const j = this.journal;
    j.flush();
    j.renewLeases();
    // Runs closed (cancelled) or taken over elsewhere while they waited here.
    const held = j.heldIds();
    const gone = [...this.runs.keys()].filter((id) => !held.has(id));
    if (gone.length > 0) this.leaseLost(gone);
    if (this.options.retentionMs > 0) j.purge(this.wallNow() - this.options.retentionMs);
    for (const id of [...this.waiters.keys()]) if (!this.runs.has(id)) this.answerIfClosed(id);
    // Signals another runtime stored: one query for all held runs, not one per waiting run.
    for (const id of j.signalledHeld()) {
      const run = this.runs.get(id);
      if (run === undefined || run.receivers.length === 0) continue;
      run.mayHaveSignals = true;
      this.wake(run);
    }
    // Runs freed or expired elsewhere: taken in one transaction (one commit, not one per run).
    const free = j.claimable(this.workflowNames).filter((id) => !this.runs.has(id));
    for (const { row, journal } of j.claimMany(free)) this.load(row, journal);
  }

  private load(row: Pick<RunRow, 'id' | 'workflow' | 'generation' | 'input'>, journal?: LoadedJournal): Run | undefined {
    const def = this.options.workflows.get(row.workflow);
    if (def === undefined) {
      // Another runtime may know it: give the lease back.
      this.journal.db.prepare(`UPDATE wf_runs SET owner = NULL, lease_until = 0, blocked = ? WHERE id = ? AND owner = ?`).run(`workflow "${row.workflow}" is not registered in runtime ${this.owner}`, row.id, this.owner);
      return undefined;
    }
    const run = new Run(this, row.id, def, row.generation, decode(row.input), journal ?? this.journal.load(row.id));
    this.runs.set(row.id, run);
    const pid = this.rt.spawnWith({ host: run }, (pctx) => run.body(pctx));
    run.pid = pid;
    this.byPid.set(pid, run);
    return run;
  }

  // ---------------------------------------------------------------- RunOwner

  pending(run: Run): boolean {
    return this.journalDb?.hasPending(run.runId) ?? false;
  }

  record(run: Run, position: number, rec: StepRecord, consumedSeq: number | undefined): void {
    const s = this.journal.stmts;
    const id = run.runId;
    this.journal.addForRun(id, () => {
      s.insertStep!.run(id, position, rec.command, rec.name, rec.ok ? 1 : 0, rec.value);
      if (consumedSeq !== undefined) {
        s.consume!.run(position, consumedSeq);
        run.untake(consumedSeq);
      }
    });
  }

  recordMarker(run: Run, changeId: string, version: number): void {
    const s = this.journal.stmts;
    this.journal.addForRun(run.runId, () => s.insertMarker!.run(run.runId, changeId, version));
  }

  exited(run: Run, reason: ExitReason): void {
    if (this.runs.get(run.runId) === run) this.runs.delete(run.runId);
    this.byPid.delete(run.pid);
    run.receivers = [];
    if (run.parkedTimer !== undefined) {
      this.wheel.cancel(run.parkedTimer);
      run.parkedTimer = undefined;
    }
    if (run.leaseLost || this.journalDb === null) return;
    const j = this.journal;
    const s = j.stmts;
    const id = run.runId;
    switch (reason.kind) {
      case 'normal': {
        const value = reason.value;
        if (value instanceof ContinueAsNew) {
          let input: string;
          try {
            input = encode(value.input, `workflow run "${id}" continueAsNew input`);
          } catch (error) {
            this.closeRun(run, 'failed', encodeError(error));
            return;
          }
          j.addForRun(id, () => {
            j.clear(id);
            s.restart!.run(input, id);
          });
          j.whenCommitted((error) => {
            if (error !== undefined || this.stopped || this.journalDb === null) return;
            const row = j.getRun(id);
            if (row !== undefined && row.status === 'running' && row.owner === this.owner) this.load(row);
          });
          return;
        }
        let result: string;
        try {
          result = encode(value, `workflow run "${id}" result`);
        } catch (error) {
          this.closeRun(run, 'failed', encodeError(error));
          return;
        }
        this.closeRun(run, 'completed', result);
        return;
      }
      case 'error': {
        const error = reason.error;
        if (run.stopError !== null && error === run.stopError) {
          if (run.stopError.code === 'WORKFLOW_LEASE_LOST') return;
          const msg = run.stopError.message;
          j.addForRun(id, () => s.block!.run(msg, id));
          return;
        }
        this.closeRun(run, 'failed', encodeError(error));
        return;
      }
      default:
        // Cancelled or terminated by someone else (the runtime stopping): the run stays open.
        if (run.cancelRequested !== null) this.closeRun(run, 'cancelled', encodeError(cancelledError(id, run.cancelRequested)));
    }
  }

  private closeRun(run: Run, status: RunStatus, result: string): void {
    const j = this.journal;
    const id = run.runId;
    const at = this.wallNow();
    j.addForRun(id, () => j.stmts.close!.run(status, result, at, id));
    // Closes of one turn share a commit; waiters learn the result once it is durable.
    j.whenCommitted(() => this.answerIfClosed(id));
  }

  private leaseLost(ids: string[]): void {
    for (const id of ids) {
      const run = this.runs.get(id);
      if (run === undefined) continue;
      run.leaseLost = true;
      run.stopError = new WorkflowError('WORKFLOW_LEASE_LOST', `workflow run "${id}": another runtime holds its lease now, or it was closed elsewhere`, id);
      this.runs.delete(id);
      this.rt.terminate(run.pid);
    }
    for (const id of ids) this.answerIfClosed(id);
  }

  // ---------------------------------------------------------------- results

  private answerIfClosed(id: string): void {
    const ws = this.waiters.get(id);
    if (ws === undefined) return;
    const row = this.journalDb?.getRun(id);
    if (row === undefined || row.status === 'running') return;
    this.waiters.delete(id);
    const answer = answerOf(row);
    for (const w of ws) w(answer);
  }

  private waitResult(id: string, signal: AbortSignal, done: Waiter): void {
    const row = this.journal.getRun(id);
    if (row === undefined) throw noSuchRun(id);
    if (row.status !== 'running') {
      done(answerOf(row));
      return;
    }
    let ws = this.waiters.get(id);
    if (ws === undefined) this.waiters.set(id, (ws = []));
    ws.push(done);
    signal.addEventListener(
      'abort',
      () => {
        const list = this.waiters.get(id);
        const i = list?.indexOf(done) ?? -1;
        if (i >= 0) list!.splice(i, 1);
        if (list?.length === 0) this.waiters.delete(id);
      },
      { once: true },
    );
  }

  // ---------------------------------------------------------------- runs

  /**
   * Start a run (or attach to it); `done` gets its ID once the start is committed. Starts of one
   * turn share a commit.
   */
  startRun(workflow: string, input: unknown, id: string | undefined, ifExists: 'refuse' | 'attach', parent: Run | undefined, done: (error: unknown, id?: string) => void): void {
    const def = this.options.workflows.get(workflow);
    if (def === undefined) {
      throw new WorkflowError('WORKFLOW_UNKNOWN', `no workflow "${workflow}" is registered${didYouMeanList(workflow, [...this.options.workflows.keys()])}`);
    }
    const runId = id ?? randomUUID();
    const j = this.journal;
    const refused = (existing: { workflow: string; status: string }) =>
      new WorkflowError('WORKFLOW_ALREADY_STARTED', `workflow run "${runId}" exists already (${existing.workflow}, ${existing.status}); start with ifExists: 'attach' to get it`, runId);
    const existing = j.getRun(runId);
    // A parent re-running its start after a crash finds its own child: attach.
    const attach = ifExists === 'attach' || (existing !== undefined && parent !== undefined && existing.parent === parent.runId);
    if (existing !== undefined) {
      if (!attach) throw refused(existing);
      done(undefined, runId);
      return;
    }
    const starting = this.pendingStarts.get(runId);
    if (starting !== undefined) {
      if (ifExists !== 'attach') throw refused({ workflow, status: 'running' });
      starting.push(done);
      return;
    }
    const encoded = encode(input, `workflow run "${runId}" input`);
    const waiting = [done];
    this.pendingStarts.set(runId, waiting);
    const createdAt = this.wallNow();
    j.add(() => j.insertRun(runId, workflow, encoded, parent?.runId ?? null, createdAt));
    j.whenCommitted((error) => {
      this.pendingStarts.delete(runId);
      let failure = error;
      if (failure === undefined && !this.stopped) {
        const row = j.getRun(runId);
        // Another runtime inserted the same ID first.
        if (row !== undefined && (row.owner !== this.owner || row.created_at !== createdAt || row.input !== encoded)) {
          if (!attach) failure = refused(row);
        } else if (row !== undefined) this.load(row);
      }
      for (const w of waiting) w(failure, failure === undefined ? runId : undefined);
    });
  }
  private readonly pendingStarts = new Map<string, ((error: unknown, id?: string) => void)[]>();

  private runOf(ctx: HandlerContext, what: string): Run {
    const run = this.byPid.get(ctx.pid);
    if (run === undefined) throw new WorkflowError('WORKFLOW_OUTSIDE', `${what} can only be yielded inside a workflow; process ${ctx.pid} is not one`);
    return run;
  }

  // ---------------------------------------------------------------- handlers

  readonly sideEffect: Handler<SideEffectCmd> = (ctx, cmd, tag, receiver) => {
    const run = this.runOf(ctx, `sideEffect("${cmd.label}")`);
    switch (cmd.kind) {
      case 'now':
        receiver.completeYield(tag, this.wallNow());
        return;
      case 'random':
        receiver.completeYield(tag, Math.random());
        return;
      case 'uuid':
        receiver.completeYield(tag, randomUUID());
        return;
      default: {
        const step: StepInfo = stepOf(cmd) ?? { runId: run.runId, position: 0, key: '' };
        const v = cmd.fn!(step);
        if (typeof (v as PromiseLike<unknown> | null)?.then === 'function') {
          (v as PromiseLike<unknown>).then(
            (value) => receiver.completeYield(tag, value),
            (error: unknown) => receiver.completeYield(tag, undefined, error ?? new NullishFailureError(undefined, `sideEffect("${cmd.label}")`)),
          );
        } else receiver.completeYield(tag, v);
      }
    }
  };

  readonly call: Handler<CallCmd> = (ctx, cmd, tag, receiver) => {
    const run = this.runOf(ctx, `callWorkflow("${cmd.workflow}")`);
    const step = stepOf(cmd);
    const childId = cmd.runId ?? step?.key ?? `${run.runId}/${randomUUID()}`;
    const signal = ctx.signal;
    this.startRun(cmd.workflow, cmd.input, childId, 'attach', run, (error) => {
      if (error !== undefined) receiver.completeYield(tag, undefined, error);
      else if (!signal.aborted) this.waitResult(childId, signal, (a) => complete(receiver, tag, a));
    });
  };

  readonly versionOutside: Handler = (ctx) => {
    throw new WorkflowError('WORKFLOW_OUTSIDE', `version() can only be yielded inside a workflow; process ${ctx.pid} is not one`);
  };

  readonly upsertAttrs: Handler<UpsertAttrsCmd> = (ctx, cmd, tag, receiver) => {
    const run = this.runOf(ctx, 'upsertAttrs()');
    const rows: [string, (string | number)[] | null][] = [];
    for (const [key, value] of Object.entries(cmd.attrs)) {
      rows.push([key, value === null ? (checkDeclared(this.options.attributes, key, run.runId), null) : storedValues(this.options.attributes, key, value, run.runId)]);
    }
    const s = this.journal.stmts;
    this.journal.addForRun(run.runId, () => {
      for (const [key, vs] of rows) {
        s.delAttr!.run(run.runId, key);
        if (vs !== null) for (const v of vs) s.insertAttr!.run(run.runId, key, v);
      }
    });
    receiver.completeYield(tag, undefined);
  };

  private dueOf(run: Run, position: number, ms: number): number {
    let due = run.journal.timers.get(position);
    if (due === undefined) {
      due = this.wallNow() + ms;
      setTimer(run.journal, position, due);
      const d = due;
      this.journal.addForRun(run.runId, () => this.journal.stmts.insertTimer!.run(run.runId, position, d));
    }
    return due;
  }

  readonly timer: Handler<TimerCmd> = (ctx, cmd, tag, receiver) => {
    if (cmd.never) return;
    const run = this.runs.get(cmd.runId);
    if (run === undefined) throw noSuchRun(cmd.runId);
    if (!Number.isFinite(cmd.ms) || cmd.ms < 0) throw badArgument(`sleep() in workflow run "${cmd.runId}": ms must be a finite number >= 0, got ${describeValue(cmd.ms)}`);
    const due = this.dueOf(run, cmd.position, cmd.ms);
    if (!cmd.inGroup) {
      // Only the run's end abandons it: exited() cancels the entry.
      const entry = this.wheel.add(due, () => {
        if (run.parkedTimer === entry) run.parkedTimer = undefined;
        receiver.completeYield(tag, undefined);
      });
      run.parkedTimer = entry;
      return;
    }
    const signal = ctx.signal;
    if (signal.aborted) return;
    const entry = this.wheel.add(due, () => receiver.completeYield(tag, undefined));
    signal.addEventListener('abort', () => this.wheel.cancel(entry), { once: true });
  };

  private takeSignal(run: Run, topic: string | undefined, position: number): { seq: number; topic: string; payload: unknown } | undefined {
    // Recovered runs with nothing stored skip the query; a new signal sets the flag again.
    if (!run.mayHaveSignals) return undefined;
    const s = this.journal.stmts;
    const limit = run.takenCount + 1;
    const rows = (topic === undefined ? s.nextSignals!.all(run.runId, limit) : s.nextSignalsTopic!.all(run.runId, topic, limit)) as { seq: number; topic: string; payload: string }[];
    for (const r of rows) {
      if (run.isTaken(r.seq)) continue;
      run.take(r.seq, position);
      return { seq: r.seq, topic: r.topic, payload: decode(r.payload) };
    }
    return undefined;
  }

  readonly receive: Handler<ReceiveSignalCmd> = (ctx, cmd, tag, receiver) => {
    const run = this.runs.get(cmd.runId);
    if (run === undefined) throw new WorkflowError('WORKFLOW_OUTSIDE', `receive: run "${cmd.runId}" is not loaded`);
    const got = this.takeSignal(run, cmd.topic, cmd.position);
    if (got !== undefined) {
      receiver.completeYield(tag, { topic: got.topic, payload: got.payload });
      return;
    }
    // Outside all()/race() only the run's end abandons the wait, and exited() drops the run's
    // receivers and its parked timer: no per-wait AbortSignal (a recovery parks thousands).
    const signal = cmd.inGroup ? ctx.signal : undefined;
    if (signal?.aborted) return;
    const waiter = new WaitingReceive(this.wheel, run, cmd.topic, cmd.position, tag, receiver);
    run.receivers.push(waiter);
    const timeout = cmd.timeout;
    if (timeout !== undefined) {
      const due = this.dueOf(run, cmd.position, timeout);
      waiter.entry = this.wheel.add(due, () => waiter.timedOut(timeout));
      if (signal === undefined) run.parkedTimer = waiter.entry;
    }
    signal?.addEventListener('abort', () => waiter.abandon(), { once: true });
  };

  /** Hand stored signals to the run's waiting receives, oldest first. */
  private wake(run: Run): void {
    for (let i = 0; i < run.receivers.length; ) {
      const r = run.receivers[i]!;
      const got = this.takeSignal(run, r.topic, r.position);
      if (got === undefined) {
        i++;
        continue;
      }
      run.receivers.splice(i, 1);
      r.deliver(got);
    }
  }

  readonly startCmd: Handler<StartCmd> = (ctx, cmd, tag, receiver) => {
    const parent = this.byPid.get(ctx.pid);
    const id = cmd.runId ?? (parent !== undefined ? stepOf(cmd)?.key : undefined);
    this.startRun(cmd.workflow, cmd.input, id, cmd.ifExists, parent, (error, runId) => receiver.completeYield(tag, runId, error));
  };

  readonly result: Handler<ResultCmd> = (ctx, cmd, tag, receiver) => {
    this.waitResult(cmd.runId, ctx.signal, (a) => complete(receiver, tag, a));
  };

  /** Store a signal for a run and wake it if it is loaded here. */
  sendSignal(runId: string, topic: string, payload: unknown, dedupe: string | null): void {
    const j = this.journal;
    const row = j.getRun(runId);
    if (row === undefined) throw noSuchRun(runId);
    if (row.status !== 'running') throw new WorkflowError('WORKFLOW_CLOSED', `cannot signal workflow run "${runId}": it is ${row.status}`, runId);
    const encoded = encode(payload, `signal "${topic}" to workflow run "${runId}"`);
    j.add(() => j.stmts.insertSignal!.run(runId, topic, encoded, dedupe));
    j.flush();
    const run = this.runs.get(runId);
    if (run !== undefined) {
      run.mayHaveSignals = true;
      this.wake(run);
    }
  }

  readonly signal: Handler<SignalCmd> = (_ctx, cmd, tag, receiver) => {
    this.sendSignal(cmd.runId, cmd.topic, cmd.payload, stepOf(cmd)?.key ?? null);
    receiver.completeYield(tag, undefined);
  };

  readonly manage: Handler<ManageCmd> = (_ctx, cmd, tag, receiver) => {
    const req = cmd.request;
    switch (req.op) {
      case 'cancel':
        receiver.completeYield(tag, this.cancel(req.runId, req.reason));
        return;
      case 'describe': {
        const row = this.journal.getRun(req.runId);
        if (row === undefined) throw noSuchRun(req.runId);
        receiver.completeYield(tag, this.info(row));
        return;
      }
      case 'list': {
        const q = compileFilter(this.options.attributes, req.filter);
        this.journal.flush();
        const rows = this.journal.db.prepare(q.sql).all(...q.params) as RunRow[];
        receiver.completeYield(tag, rows.map((r) => this.info(r)));
        return;
      }
      case 'commit':
        this.journal.whenCommitted((error) => receiver.completeYield(tag, undefined, error));
        return;
      case 'ready':
        if (this.readyWaiters === null) receiver.completeYield(tag, undefined);
        else this.readyWaiters.push(() => receiver.completeYield(tag, undefined));
        return;
      default:
        throw badArgument(`workflow: unknown request ${describeValue((req as { op?: unknown }).op)}`);
    }
  };

  cancel(runId: string, reason: string): boolean {
    const j = this.journal;
    j.flush();
    const row = j.getRun(runId);
    if (row === undefined) throw noSuchRun(runId);
    if (row.status !== 'running') return false;
    const run = this.runs.get(runId);
    if (run !== undefined && this.rt.isAlive(run.pid)) {
      run.cancelRequested = reason;
      this.rt.cancel(run.pid, reason);
      return true;
    }
    // Not running here: close it in the journal; its holder loses the lease at its next write.
    j.db.prepare(`UPDATE wf_runs SET status = 'cancelled', result = ?, closed_at = ?, owner = NULL, lease_until = 0 WHERE id = ? AND status = 'running'`).run(encodeError(cancelledError(runId, reason)), this.wallNow(), runId);
    this.runs.delete(runId);
    this.answerIfClosed(runId);
    return true;
  }

  private info(row: RunRow): RunInfo {
    const attrs: Record<string, unknown> = {};
    const grouped = new Map<string, (string | number)[]>();
    for (const r of this.journal.stmts.attrs!.all(row.id) as { key: string; v: string | number }[]) {
      let g = grouped.get(r.key);
      if (g === undefined) grouped.set(r.key, (g = []));
      g.push(r.v);
    }
    for (const [k, vs] of grouped) attrs[k] = attrValue(this.options.attributes[k], vs);
    return {
      id: row.id,
      workflow: row.workflow,
      status: row.status as RunStatus,
      startedAt: row.created_at,
      closedAt: row.closed_at ?? undefined,
      parent: row.parent ?? undefined,
      generation: row.generation,
      attrs,
      blocked: row.blocked ?? undefined,
    };
  }
}

/** A receive waiting for a signal (an object, not closures: a recovery parks thousands). */
class WaitingReceive {
  entry: DueEntry | undefined = undefined;
  constructor(
    private readonly wheel: TimerWheel,
    private readonly run: Run,
    readonly topic: string | undefined,
    readonly position: number,
    private readonly tag: Tag,
    private readonly receiver: ResultReceiver,
  ) {}

  deliver(sig: { seq: number; topic: string; payload: unknown }): void {
    this.dropTimer();
    this.receiver.completeYield(this.tag, { topic: sig.topic, payload: sig.payload });
  }

  timedOut(timeout: number): void {
    if (this.run.parkedTimer === this.entry) this.run.parkedTimer = undefined;
    this.entry = undefined;
    this.remove();
    this.receiver.completeYield(this.tag, undefined, new ReceiveTimeoutError(this.topic, timeout));
  }

  /** A lost race, or the run ended. */
  abandon(): void {
    this.remove();
    this.dropTimer();
  }

  private dropTimer(): void {
    if (this.entry === undefined) return;
    this.wheel.cancel(this.entry);
    if (this.run.parkedTimer === this.entry) this.run.parkedTimer = undefined;
    this.entry = undefined;
  }

  private remove(): void {
    const rs = this.run.receivers;
    const i = rs.indexOf(this);
    if (i >= 0) rs.splice(i, 1);
  }
}

function complete(receiver: ResultReceiver, tag: Tag, a: HostAnswer): void {
  if (a.ok) receiver.completeYield(tag, a.value);
  else receiver.completeYield(tag, undefined, a.error);
}

function answerOf(row: RunRow): HostAnswer {
  if (row.status === 'completed') return { ok: true, value: row.result === null ? undefined : decode(row.result) };
  return { ok: false, error: row.result === null ? new WorkflowError('WORKFLOW_CLOSED', `workflow run "${row.id}" is ${row.status}`, row.id) : decode(row.result) };
}

function noSuchRun(id: string): WorkflowError {
  return new WorkflowError('WORKFLOW_NO_SUCH_RUN', `no workflow run "${id}"`, id);
}

function cancelledError(id: string, reason: string): WorkflowError {
  return new WorkflowError('WORKFLOW_CANCELLED', `workflow run "${id}" was cancelled: ${reason}`, id);
}

function didYouMeanList(name: string, names: string[]): string {
  return names.length === 0 ? ' (none is registered)' : didYouMean(name, names);
}

