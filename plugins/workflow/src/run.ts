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
import { CLOCK_SLEEP, durabilityOf, identify } from './durability.js';
import { CommandNotDurableError, NondeterminismError, WorkflowError, type CommandIdentity } from './errors.js';
import type { LoadedJournal, StepRecord } from './journal.js';

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

type Prepared = { readonly yield: Command } | { readonly answer: HostAnswer };

/**
 * One loaded run: the host of its process. Positions are counted here, one per command the
 * workflow yields (each member of all()/race() gets its own, in array order), so they never
 * depend on completion order or on how the kernel numbers its tags.
 */
export class Run implements ProcessHost, WorkflowContext {
  pid: Pid = '';
  /** Positions handed out so far. */
  private pos = 0;
  /** Commands of the yield in flight, waiting to be seen by beforeDispatch. */
  private expect: { cmd: Command; pos: number }[] = [];
  private readonly kernelPos = new Map<number, number>();
  private readonly idents = new Map<number, CommandIdentity>();
  /** Stops the run without failing it (non-determinism, an unsupported version, a lost lease). */
  stopError: WorkflowError | null = null;
  private encodeFailure: unknown = null;
  cancelRequested: string | null = null;
  leaseLost = false;
  /** Signal seqs taken by receives whose completion is not committed yet. */
  readonly taken = new Set<number>();
  /** position → signal seq consumed there. */
  readonly consumed = new Map<number, number>();
  /** False once a query found no stored signal for this run (recovery); set by every new signal. */
  mayHaveSignals = true;
  /** Receives waiting for a signal. */
  receivers: { topic: string | undefined; position: number; deliver(sig: { seq: number; topic: string; payload: unknown }): void }[] = [];

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
    let ans: HostAnswer = OK_VOID;
    let done = false;
    try {
      for (;;) {
        // Group commit: nothing reaches workflow code before the completion it depends on is
        // durable. The wait is a yield, so every run that completed a step in this scheduler turn
        // shares one commit (one fsync) instead of paying one each.
        if (this.owner.pending(this)) {
          try {
            yield COMMIT;
          } catch (error) {
            // The commit failed: what the run did since the last one is lost, so it must not go on.
            if (error instanceof WorkflowError) this.stopError = error;
          }
        }
        if (this.stopError !== null) throw this.stopError;
        const r = ans.ok ? gen.next(ans.value) : gen.throw(ans.error);
        if (r.done) {
          done = true;
          this.checkExhausted();
          return r.value;
        }
        const p = this.prepare(r.value);
        if (this.stopError !== null) throw this.stopError;
        if ('answer' in p) {
          ans = p.answer;
          continue;
        }
        try {
          ans = { ok: true, value: yield p.yield };
        } catch (error) {
          // Live errors take the journal's form, so replay throws the very same thing.
          ans = { ok: false, error: roundTrip(error) };
        }
        if (this.encodeFailure !== null) {
          ans = { ok: false, error: this.encodeFailure };
          this.encodeFailure = null;
        }
      }
    } finally {
      if (!done) gen.return(undefined);
    }
  }

  private checkExhausted(): void {
    if (this.journal.maxPosition <= this.pos) return;
    let next = this.pos + 1;
    while (!this.journal.steps.has(next) && next < this.journal.maxPosition) next++;
    this.stopError = new NondeterminismError(this.runId, next, this.journal.steps.get(next), undefined);
    throw this.stopError;
  }

  private prepare(y: unknown): Prepared {
    this.expect.length = 0;
    this.kernelPos.clear();
    this.idents.clear();
    if (typeof y !== 'object' || y === null || typeof (y as Command).id !== 'number') {
      return { answer: { ok: false, error: new BadYieldError(`workflow run "${this.runId}" yielded ${describeValue(y)}, which is not a command; did you mean yield* ?`) } };
    }
    const cmd = y as Command;
    if (cmd.id === WorkflowCommand.Version) return { answer: this.version(cmd as VersionCmd) };
    const group = cmd.id === CoreCommand.All || cmd.id === CoreCommand.Race;
    const members = group ? (cmd as Command & { commands: readonly Command[] }).commands : [cmd];
    for (const m of members) {
      if (typeof m !== 'object' || m === null || typeof m.id !== 'number') {
        return { answer: { ok: false, error: new BadYieldError(`workflow run "${this.runId}": a member of all()/race() is ${describeValue(m)}, not a command`) } };
      }
      if (m.id === CoreCommand.All || m.id === CoreCommand.Race || m.id === WorkflowCommand.Version) {
        return { answer: { ok: false, error: new BadYieldError(`workflow run "${this.runId}": all()/race() cannot hold ${m.id === WorkflowCommand.Version ? 'version()' : 'all() or race()'}`) } };
      }
      if (durabilityOf(m) === 'handle') {
        const i = identify(m);
        return { answer: { ok: false, error: roundTrip(new CommandNotDurableError(this.runId, m.id, i.name)) } };
      }
    }
    if (group && members.length === 0) return { answer: { ok: true, value: cmd.id === CoreCommand.All ? [] : undefined } };
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
          return { answer: OK_VOID };
        }
      }
      this.idents.set(base + i, ident);
    }
    // A replayed race (or a failed all) settles on a recorded member: the unrecorded ones
    // lost, or were abandoned, the first time; they must not run again.
    const parkUnrecorded = group && anyRecorded && (cmd.id === CoreCommand.Race || anyFailed);
    const out = members.map((m, i) => {
      const position = base + i;
      const t = parkUnrecorded && !this.journal.steps.has(position) ? new TimerCmd(0, true) : this.translate(m, position);
      this.expect.push({ cmd: t, pos: position });
      return t;
    });
    if (!group) return { yield: out[0]! };
    return { yield: cmd.id === CoreCommand.All ? all(out) : race(out) };
  }

  private translate(m: Command, position: number): Command {
    if (m.id === CLOCK_SLEEP) {
      const t = new TimerCmd(Number((m as { ms?: unknown }).ms), false);
      t.runId = this.runId;
      t.position = position;
      return t;
    }
    if (m.id === CoreCommand.Receive) {
      const r = m as Command & { topic?: string; timeout?: number };
      const t = new ReceiveSignalCmd(r.topic, r.timeout);
      t.runId = this.runId;
      t.position = position;
      return t;
    }
    if (m instanceof TimerCmd || m instanceof ReceiveSignalCmd) {
      m.runId = this.runId;
      m.position = position;
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
        this.journal.markers.set(c.changeId, v);
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
    const ex = this.expect;
    let i = 0;
    while (i < ex.length && ex[i]!.cmd !== y.cmd) i++;
    if (i === ex.length) return undefined;
    const position = ex[i]!.pos;
    ex.splice(i, 1);
    this.kernelPos.set(y.position, position);
    const rec = this.journal.steps.get(position);
    if (rec !== undefined) return rec.ok ? { ok: true, value: decode(rec.value) } : { ok: false, error: decode(rec.value) };
    if (Object.isExtensible(y.cmd)) {
      const step: StepInfo = { runId: this.runId, position, key: this.stepKey(position) };
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
    const seq = this.consumed.get(position);
    if (seq !== undefined) this.consumed.delete(position);
    this.owner.record(this, position, { command: ident.command, name: ident.name, ok, value }, seq);
  }

  exited(_pid: Pid, reason: ExitReason): void {
    this.owner.exited(this, reason);
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
