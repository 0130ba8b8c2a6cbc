import type { Command } from '@switchyard/dispatcher';
import { describeValue } from '@switchyard/errors';
import { all, BadYieldError, CoreCommand, race, type ExitReason, type HostAnswer, type HostedYield, type Pid, type ProcessContext, type ProcessHost } from '@switchyard/runtime';
import { decode, encode } from './codec.js';
import {
  DEFAULT_VERSION,
  ManageCmd,
  ReceiveSignalCmd,
  TimerCmd,
  VersionCmd,
  WorkflowCommand,
  type StepInfo,
  type Workflow,
  type WorkflowContext,
} from './commands.js';
import { CLOCK_SLEEP, durabilityOf, identCommand, identify, identName } from './durability.js';
import { CommandNotDurableError, NondeterminismError, WorkflowError, type CommandIdentity } from './errors.js';
import { setMarker, type LoadedJournal, type StepRecord } from './journal.js';
import type { DueEntry } from './timers.js';

/** Where a handler finds the step it runs for: `idempotencyKeyOf(cmd)`. */
export const STEP = Symbol.for('switchyard.workflow.step');

/** The idempotency key of a command yielded by a workflow (`runId/generation/position`), or undefined outside workflows. */
export function idempotencyKeyOf(cmd: Command): string | undefined {
  return (cmd as { [STEP]?: StepInfo })[STEP]?.key;
}

export function stepOf(cmd: Command): StepInfo | undefined {
  return (cmd as { [STEP]?: StepInfo })[STEP];
}

/** What a run needs from the service that owns it. */
export interface RunOwner {
  /** True while this run's journal writes wait for a commit. */
  pending(run: Run): boolean;
  record(run: Run, position: number, rec: StepRecord, consumedSeq: number | undefined): void;
  recordMarker(run: Run, changeId: string, version: number): void;
  exited(run: Run, reason: ExitReason): void;
}

const OK_VOID: HostAnswer = { ok: true, value: undefined };
const COMMIT = new ManageCmd({ op: 'commit' });

/**
 * One loaded run: the host of its process. Positions are counted here, one per command the
 * workflow yields (each member of all()/race() gets its own, in array order), so they never
 * depend on completion order or on how the kernel numbers its tags.
 */
export class Run implements ProcessHost, WorkflowContext {
  pid: Pid = '';
  /** Positions handed out so far. */
  private pos = 0;
  // A recovery holds thousands of runs at once: what a run keeps is kept small, and the
  // collections of the common case (one command per yield, no signals) are one inline slot.
  /** The command of the yield in flight, waiting to be seen by beforeDispatch (and the rest of an all()/race()). */
  private expectCmd: Command | null = null;
  private expectPos = 0;
  private expectMore: { cmd: Command; pos: number }[] | null = null;
  /** Kernel yield position → journal position, for afterComplete. */
  private readonly kernelPos = new SlotMap<number>();
  /** Journal position → what is recorded there, for positions not yet recorded. */
  private readonly idents = new SlotMap<CommandIdentity>();
  /** Stops the run without failing it (non-determinism, an unsupported version, a lost lease). */
  stopError: WorkflowError | null = null;
  private encodeFailure: unknown = null;
  cancelRequested: string | null = null;
  leaseLost = false;
  /** Signal seqs taken by receives whose completion is not committed yet. */
  private taken: Set<number> | null = null;
  /** position → signal seq consumed there. */
  private consumed: Map<number, number> | null = null;
  /** False once a query found no stored signal for this run (recovery); set by every new signal. */
  mayHaveSignals = true;
  /** Receives waiting for a signal. */
  receivers: { topic: string | undefined; position: number; deliver(sig: { seq: number; topic: string; payload: unknown }): void }[] = [];
  /**
   * The durable timer of the wait this run is parked in, when that wait is not a member of
   * all()/race(): such a wait ends only with the run, so the run's exit cancels it (no per-wait
   * AbortSignal and listener).
   */
  parkedTimer: DueEntry | undefined = undefined;

  constructor(
    readonly owner: RunOwner,
    readonly runId: string,
    readonly def: Workflow<unknown, unknown>,
    readonly generation: number,
    readonly input: unknown,
    readonly journal: LoadedJournal,
  ) {}

  get workflow(): string {
    return this.def.name;
  }

  get takenCount(): number {
    return this.taken?.size ?? 0;
  }

  isTaken(seq: number): boolean {
    return this.taken?.has(seq) ?? false;
  }

  /** A receive at `position` takes signal `seq`; recorded with the step's completion. */
  take(seq: number, position: number): void {
    (this.taken ??= new Set()).add(seq);
    (this.consumed ??= new Map()).set(position, seq);
  }

  /** The signal's consumption is committed. */
  untake(seq: number): void {
    this.taken?.delete(seq);
  }

  /** Set when replaying a closed run: every point of the code was passed before. */
  historyComplete = false;

  get replaying(): boolean {
    return this.historyComplete || this.pos < this.journal.maxPosition;
  }

  stepKey(position: number): string {
    return `${this.runId}/${this.generation}/${position}`;
  }

  /** The process body: the workflow generator, fed recorded results until the journal runs out. */
  *body(pctx: ProcessContext): Generator<Command, unknown, unknown> {
    this.pid = pctx.pid;
    const gen = this.def.fn(this, this.input);
    // The answer to feed the workflow next (kept in locals: no object per step).
    let ok = true;
    let value: unknown = undefined;
    let error: unknown = undefined;
    let done = false;
    try {
      for (;;) {
        // Group commit: nothing reaches workflow code before the completion it depends on is
        // durable. The wait is a yield, so every run that completed a step in this scheduler turn
        // shares one commit (one fsync) instead of paying one each.
        if (this.owner.pending(this)) {
          try {
            yield COMMIT;
          } catch (failure) {
            // The commit failed: what the run did since the last one is lost, so it must not go on.
            if (failure instanceof WorkflowError) this.stopError = failure;
          }
        }
        if (this.stopError !== null) throw this.stopError;
        const r = ok ? gen.next(value) : gen.throw(error);
        if (r.done) {
          done = true;
          this.checkExhausted();
          return r.value;
        }
        const y = this.prepare(r.value);
        if (this.stopError !== null) throw this.stopError;
        if (y === null) {
          const a = this.answer;
          this.answer = OK_VOID;
          ok = a.ok;
          if (a.ok) value = a.value;
          else error = a.error;
          continue;
        }
        try {
          value = yield y;
          ok = true;
        } catch (failure) {
          // Live errors take the journal's form, so replay throws the very same thing.
          ok = false;
          error = roundTrip(failure);
        }
        if (this.encodeFailure !== null) {
          ok = false;
          error = this.encodeFailure;
          this.encodeFailure = null;
        }
      }
    } finally {
      if (!done) gen.return(undefined);
    }
  }

  /** What prepare() answers at once, when it returns null instead of a command to yield. */
  private answer: HostAnswer = OK_VOID;

  private answered(a: HostAnswer): null {
    this.answer = a;
    return null;
  }

  private checkExhausted(): void {
    if (this.journal.maxPosition <= this.pos) return;
    let next = this.pos + 1;
    while (!this.journal.steps.has(next) && next < this.journal.maxPosition) next++;
    this.stopError = new NondeterminismError(this.runId, next, this.journal.steps.get(next), undefined);
    throw this.stopError;
  }

  private prepare(y: unknown): Command | null {
    // Forget what the previous yield expected.
    this.expectCmd = null;
    if (this.expectMore !== null) this.expectMore.length = 0;
    this.kernelPos.clear();
    this.idents.clear();
    if (typeof y !== 'object' || y === null || typeof (y as Command).id !== 'number') {
      return this.answered({ ok: false, error: new BadYieldError(`workflow run "${this.runId}" yielded ${describeValue(y)}, which is not a command; did you mean yield* ?`) });
    }
    const cmd = y as Command;
    if (cmd.id === WorkflowCommand.Version) return this.answered(this.version(cmd as VersionCmd));
    const group = cmd.id === CoreCommand.All || cmd.id === CoreCommand.Race;
    if (!group) return this.prepareOne(cmd);
    const members = group ? (cmd as Command & { commands: readonly Command[] }).commands : [cmd];
    for (const m of members) {
      if (typeof m !== 'object' || m === null || typeof m.id !== 'number') {
        return this.answered({ ok: false, error: new BadYieldError(`workflow run "${this.runId}": a member of all()/race() is ${describeValue(m)}, not a command`) });
      }
      if (m.id === CoreCommand.All || m.id === CoreCommand.Race || m.id === WorkflowCommand.Version) {
        return this.answered({ ok: false, error: new BadYieldError(`workflow run "${this.runId}": all()/race() cannot hold ${m.id === WorkflowCommand.Version ? 'version()' : 'all() or race()'}`) });
      }
      if (durabilityOf(m) === 'handle') {
        const i = identify(m);
        return this.answered({ ok: false, error: roundTrip(new CommandNotDurableError(this.runId, m.id, i.name)) });
      }
    }
    if (group && members.length === 0) return this.answered({ ok: true, value: cmd.id === CoreCommand.All ? [] : undefined });
    const base = this.pos + 1;
    this.pos += members.length;
    let anyRecorded = false;
    let anyFailed = false;
    for (let i = 0; i < members.length; i++) {
      const ident = identify(members[i]!);
      const rec = this.journal.steps.get(base + i);
      if (rec !== undefined) {
        anyRecorded = true;
        if (!rec.ok) anyFailed = true;
        if (rec.command !== ident.command || rec.name !== ident.name) {
          this.stopError = new NondeterminismError(this.runId, base + i, { command: rec.command, name: rec.name }, ident);
          return this.answered(OK_VOID);
        }
      }
      this.idents.set(base + i, ident);
    }
    // A replayed race (or a failed all) settles on a recorded member: the unrecorded ones
    // lost, or were abandoned, the first time; they must not run again.
    const parkUnrecorded = group && anyRecorded && (cmd.id === CoreCommand.Race || anyFailed);
    const expect = (this.expectMore ??= []);
    const out = members.map((m, i) => {
      const position = base + i;
      const t = parkUnrecorded && !this.journal.steps.has(position) ? new TimerCmd(0, true) : this.translate(m, position);
      expect.push({ cmd: t, pos: position });
      return t;
    });
    if (!group) return out[0]!;
    return cmd.id === CoreCommand.All ? all(out) : race(out);
  }

  /** prepare() for one command (not all()/race()): the common case, without the arrays. */
  private prepareOne(cmd: Command): Command | null {
    if (durabilityOf(cmd) === 'handle') {
      return this.answered({ ok: false, error: roundTrip(new CommandNotDurableError(this.runId, cmd.id, identify(cmd).name)) });
    }
    const position = ++this.pos;
    const rec = this.journal.steps.get(position);
    if (rec !== undefined) {
      // Replay: compare without building the identity object.
      if (rec.command !== identCommand(cmd) || rec.name !== identName(cmd)) {
        this.stopError = new NondeterminismError(this.runId, position, { command: rec.command, name: rec.name }, identify(cmd));
        return this.answered(OK_VOID);
      }
    } else this.idents.set(position, identify(cmd));
    const t = this.translate(cmd, position, false);
    this.expectCmd = t;
    this.expectPos = position;
    return t;
  }

  private translate(m: Command, position: number, inGroup = true): Command {
    if (m.id === CLOCK_SLEEP) {
      const t = new TimerCmd(Number((m as { ms?: unknown }).ms), false);
      t.runId = this.runId;
      t.position = position;
      t.inGroup = inGroup;
      return t;
    }
    if (m.id === CoreCommand.Receive) {
      const r = m as Command & { topic?: string; timeout?: number };
      const t = new ReceiveSignalCmd(r.topic, r.timeout);
      t.runId = this.runId;
      t.position = position;
      t.inGroup = inGroup;
      return t;
    }
    if (m instanceof TimerCmd || m instanceof ReceiveSignalCmd) {
      m.runId = this.runId;
      m.position = position;
      m.inGroup = inGroup;
    }
    return m;
  }

  private version(c: VersionCmd): HostAnswer {
    let v = this.journal.markers.get(c.changeId);
    if (v === undefined) {
      if (this.replaying) {
        // This point was passed by code without the call: the old branch.
        v = DEFAULT_VERSION;
      } else {
        v = c.maxSupported;
        setMarker(this.journal, c.changeId, v);
        this.owner.recordMarker(this, c.changeId, v);
      }
    }
    if (c.deprecated && v === DEFAULT_VERSION) return OK_VOID;
    if (v < c.minSupported || v > c.maxSupported) {
      this.stopError = new WorkflowError(
        'WORKFLOW_VERSION_UNSUPPORTED',
        `workflow run "${this.runId}": change "${c.changeId}" is at version ${v}, outside the supported range ${c.minSupported}..${c.maxSupported} of this code; the run stays open until code that supports it is deployed`,
        this.runId,
      );
      return OK_VOID;
    }
    return { ok: true, value: c.deprecated ? undefined : v };
  }

  // ---------------------------------------------------------------- ProcessHost

  beforeDispatch(y: HostedYield): HostAnswer | undefined {
    let position: number;
    if (this.expectCmd !== null && this.expectCmd === y.cmd) {
      position = this.expectPos;
      this.expectCmd = null;
    } else {
      const ex = this.expectMore;
      if (ex === null) return undefined;
      let i = 0;
      while (i < ex.length && ex[i]!.cmd !== y.cmd) i++;
      if (i === ex.length) return undefined;
      position = ex[i]!.pos;
      ex.splice(i, 1);
    }
    this.kernelPos.set(y.position, position);
    const rec = this.journal.steps.get(position);
    if (rec !== undefined) return rec.ok ? { ok: true, value: decode(rec.value) } : { ok: false, error: decode(rec.value) };
    if (Object.isExtensible(y.cmd)) {
      const step: StepInfo = new Step(this.runId, this.generation, position);
      (y.cmd as { [STEP]?: StepInfo })[STEP] = step;
    }
    return undefined;
  }

  afterComplete(y: HostedYield, result: HostAnswer): void {
    const position = this.kernelPos.get(y.position);
    if (position === undefined) return;
    this.kernelPos.delete(y.position);
    if (this.journal.steps.has(position)) return;
    const ident = this.idents.get(position);
    if (ident === undefined) return;
    let value: string;
    let ok = result.ok;
    try {
      value = result.ok ? encode(result.value, `workflow run "${this.runId}" position ${position} (${ident.name})`) : encodeError(result.error);
    } catch (error) {
      this.encodeFailure = error;
      ok = false;
      value = encodeError(error);
    }
    const seq = this.consumed?.get(position);
    if (seq !== undefined) this.consumed!.delete(position);
    this.owner.record(this, position, { command: ident.command, name: ident.name, ok, value }, seq);
  }

  exited(_pid: Pid, reason: ExitReason): void {
    this.owner.exited(this, reason);
  }
}

/** Where a command runs in its run; the key is built when a handler asks for it (most never do). */
class Step implements StepInfo {
  constructor(
    readonly runId: string,
    private readonly generation: number,
    readonly position: number,
  ) {}

  get key(): string {
    return `${this.runId}/${this.generation}/${this.position}`;
  }

  toJSON(): { runId: string; position: number; key: string } {
    return { runId: this.runId, position: this.position, key: this.key };
  }
}

/** A map of small integer keys that holds its first entry inline: no Map unless two are held at once. */
class SlotMap<V> {
  private key = -1;
  private value: V | undefined = undefined;
  private more: Map<number, V> | null = null;

  set(key: number, value: V): void {
    if (this.key === key || (this.key === -1 && !(this.more?.has(key) ?? false))) {
      this.key = key;
      this.value = value;
    } else (this.more ??= new Map()).set(key, value);
  }

  get(key: number): V | undefined {
    return this.key === key ? this.value : this.more?.get(key);
  }

  delete(key: number): void {
    if (this.key === key) {
      this.key = -1;
      this.value = undefined;
    } else this.more?.delete(key);
  }

  clear(): void {
    this.key = -1;
    this.value = undefined;
    if (this.more !== null && this.more.size !== 0) this.more.clear();
  }
}

export function encodeError(error: unknown): string {
  try {
    return encode(error instanceof Error ? error : new Error(String(error)), 'error');
  } catch {
    const e = error as Error & { code?: unknown };
    return encode(Object.assign(new Error(e.message), { name: e.name, code: e.code }), 'error');
  }
}

function roundTrip(error: unknown): unknown {
  return decode(encodeError(error));
}
