import { CommandBase, type Command } from '@switchyard/dispatcher';
import { describeValue } from '@switchyard/errors';
import { badArgument } from './errors.js';
import type { Pid } from '@switchyard/runtime';

/** Workflow command IDs (180–189). */
export const WorkflowCommand = {
  SideEffect: 180,
  Call: 181,
  Version: 182,
  UpsertAttrs: 183,
  /** A durable sleep (what `sleep` from the clock becomes inside a workflow). */
  Timer: 184,
  /** A durable receive of a signal (what `receive` becomes inside a workflow). */
  Receive: 185,
  Start: 186,
  Result: 187,
  Signal: 188,
  Manage: 189,
} as const;

/**
 * How a command behaves in a workflow journal. A command class declares it with a
 * `durability` property (a getter when it depends on the options, e.g. an HTTP request with a
 * stream):
 * - `'step'`: returns a value; run once, its result or error is journaled and replayed;
 * - `'handle'`: returns a live handle (stream, transaction, socket, child, ticker) that cannot
 *   survive a restart: refused at once in a workflow with WORKFLOW_COMMAND_NOT_DURABLE;
 * - `'workflow'`: a workflow command, handled by this module.
 */
export type Durability = 'step' | 'handle' | 'workflow';

/** What a command may declare; read by the workflow host. */
export interface DurabilityDeclared {
  readonly durability?: Durability;
}

/** The status of a run. `running` includes runs stopped by non-determinism (see `blocked`). */
export type RunStatus = 'running' | 'completed' | 'failed' | 'cancelled';

/** The types a search attribute may be declared with. */
export type AttributeType = 'keyword' | 'text' | 'int' | 'double' | 'bool' | 'datetime' | 'keywordList';

/** The value a search attribute of each type takes in upsertAttrs (null removes it). */
export type AttributeValue = string | number | boolean | Date | readonly string[] | null;

/** A filter condition on one attribute: a value means equality. */
export type AttributeCondition =
  | string
  | number
  | boolean
  | Date
  | {
      readonly eq?: string | number | boolean | Date;
      readonly ne?: string | number | boolean | Date;
      readonly gt?: number | Date | string;
      readonly gte?: number | Date | string;
      readonly lt?: number | Date | string;
      readonly lte?: number | Date | string;
      readonly in?: readonly (string | number)[];
      /** text: contains these words (case-insensitive); keywordList: has this element. */
      readonly contains?: string;
      /** true: the run has the attribute; false: it has not. */
      readonly exists?: boolean;
    };

/** Which runs `listWorkflows` returns. Every part is compiled to parameterised SQL. */
export interface RunFilter {
  readonly workflow?: string | readonly string[];
  readonly status?: RunStatus | readonly RunStatus[];
  /** Wall-clock ms or a Date. */
  readonly startedAfter?: number | Date;
  readonly startedBefore?: number | Date;
  readonly closedAfter?: number | Date;
  readonly closedBefore?: number | Date;
  readonly parent?: string;
  readonly attrs?: Readonly<Record<string, AttributeCondition>>;
  /** Default 100, at most 10000. */
  readonly limit?: number;
  /** Default 'newest'. */
  readonly order?: 'newest' | 'oldest';
}

/** A run as listed. */
export interface RunInfo {
  readonly id: string;
  readonly workflow: string;
  readonly status: RunStatus;
  /** Wall-clock ms. */
  readonly startedAt: number;
  readonly closedAt: number | undefined;
  readonly parent: string | undefined;
  /** Bumped by continueAsNew. */
  readonly generation: number;
  readonly attrs: Readonly<Record<string, unknown>>;
  /** Why an open run is stopped (non-determinism), if it is. */
  readonly blocked: string | undefined;
}

/** What a workflow function receives. Everything here is the same on every replay. */
export interface WorkflowContext {
  readonly runId: string;
  readonly workflow: string;
  /** Bumped by continueAsNew. */
  readonly generation: number;
  /** The process running the workflow now (changes across restarts: never journal it). */
  readonly pid: Pid;
  /** True while the code is being fed recorded results (for logging only: never branch on it). */
  readonly replaying: boolean;
}

/** Returned by a workflow (`return continueAsNew(input)`) to start over with a fresh journal. */
export class ContinueAsNew<I = unknown> {
  constructor(readonly input: I) {}
}

export type WorkflowFn<I, O> = (ctx: WorkflowContext, input: I) => Generator<Command, O | ContinueAsNew<I>, unknown>;

/** A workflow definition: a name and a generator function. Register it with workflowPlugin({ workflows }). */
export interface Workflow<I = unknown, O = unknown> {
  readonly name: string;
  readonly fn: WorkflowFn<I, O>;
}

/** Any workflow, whatever its input and result types (for lists of workflows to register). */
export interface AnyWorkflow {
  readonly name: string;
  readonly fn: (ctx: WorkflowContext, input: never) => Generator<Command, unknown, unknown>;
}

/** What a sideEffect function receives. */
export interface StepInfo {
  readonly runId: string;
  readonly position: number;
  /** `runId/generation/position`: the same on every attempt of this step, to deduplicate external effects. */
  readonly key: string;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._:/-]{0,199}$/;

export function checkName(name: unknown, what: string): string {
  if (typeof name !== 'string' || !NAME.test(name)) {
    throw badArgument(`${what} must be 1-200 letters, digits, ".", "_", ":", "/" or "-" starting with a letter or digit, got ${describeValue(name)}`);
  }
  return name;
}

/** Define a workflow. Register it at boot: `workflowPlugin({ workflows: [orderWorkflow] })`. */
export function defineWorkflow<I, O>(name: string, fn: WorkflowFn<I, O>): Workflow<I, O> {
  checkName(name, 'defineWorkflow(): the name');
  if (typeof fn !== 'function') throw badArgument(`defineWorkflow("${name}"): expected a generator function, got ${describeValue(fn)}`);
  return Object.freeze({ name, fn });
}

/** Start over with a fresh journal and this input (for long-lived workflows): `return continueAsNew(next)`. */
export function continueAsNew<I>(input: I): ContinueAsNew<I> {
  return new ContinueAsNew(input);
}

// ---------------------------------------------------------------- command classes

export type SideEffectKind = 'fn' | 'now' | 'random' | 'uuid';

export class SideEffectCmd<T = unknown> extends CommandBase<T> {
  readonly id = WorkflowCommand.SideEffect;
  readonly durability = 'workflow';
  constructor(
    readonly label: string,
    readonly kind: SideEffectKind,
    readonly fn: ((step: StepInfo) => unknown) | undefined,
  ) {
    super();
  }
}

export class CallCmd<O = unknown> extends CommandBase<O> {
  readonly id = WorkflowCommand.Call;
  readonly durability = 'workflow';
  constructor(
    readonly workflow: string,
    readonly input: unknown,
    readonly runId: string | undefined,
  ) {
    super();
  }
}

export class VersionCmd extends CommandBase<number> {
  readonly id = WorkflowCommand.Version;
  readonly durability = 'workflow';
  constructor(
    readonly changeId: string,
    readonly minSupported: number,
    readonly maxSupported: number,
    /** deprecatePatch: no error when an old history has no marker. */
    readonly deprecated: boolean,
  ) {
    super();
  }
}

export class UpsertAttrsCmd extends CommandBase<void> {
  readonly id = WorkflowCommand.UpsertAttrs;
  readonly durability = 'workflow';
  constructor(readonly attrs: Readonly<Record<string, AttributeValue>>) {
    super();
  }
}

/** Internal: a durable sleep. `position` and `runId` are filled by the host. */
export class TimerCmd extends CommandBase<void> {
  readonly id = WorkflowCommand.Timer;
  readonly durability = 'workflow';
  runId = '';
  position = 0;
  /** Set by the host for a member of all()/race(): only then can the wait be abandoned while the run goes on. */
  inGroup = false;
  constructor(
    readonly ms: number,
    /** Never completes (stands in for an unrecorded loser of a replayed race). */
    readonly never: boolean,
  ) {
    super();
  }
}

/** A signal as a workflow receives it. */
export interface Signal<T = unknown> {
  readonly topic: string;
  readonly payload: T;
}

/** Internal: a durable receive. `position` and `runId` are filled by the host. */
export class ReceiveSignalCmd<T = unknown> extends CommandBase<Signal<T>> {
  readonly id = WorkflowCommand.Receive;
  readonly durability = 'workflow';
  runId = '';
  position = 0;
  /** Set by the host for a member of all()/race(): only then can the wait be abandoned while the run goes on. */
  inGroup = false;
  constructor(
    readonly topic: string | undefined,
    readonly timeout: number | undefined,
  ) {
    super();
  }
}

/** What to do when a run with the ID exists already. */
export type IfExists = 'refuse' | 'attach';

export interface StartOptions {
  /** The run ID (default: a random one, or one derived from the position inside a workflow). */
  readonly id?: string;
  /** 'refuse' (default): WORKFLOW_ALREADY_STARTED; 'attach': return the existing run's ID. */
  readonly ifExists?: IfExists;
}

export class StartCmd extends CommandBase<string> {
  readonly id = WorkflowCommand.Start;
  readonly durability = 'step';
  constructor(
    readonly workflow: string,
    readonly input: unknown,
    readonly runId: string | undefined,
    readonly ifExists: IfExists,
  ) {
    super();
  }
}

export class ResultCmd<O = unknown> extends CommandBase<O> {
  readonly id = WorkflowCommand.Result;
  readonly durability = 'step';
  constructor(readonly runId: string) {
    super();
  }
}

export class SignalCmd extends CommandBase<void> {
  readonly id = WorkflowCommand.Signal;
  readonly durability = 'step';
  constructor(
    readonly runId: string,
    readonly topic: string,
    readonly payload: unknown,
  ) {
    super();
  }
}

export type ManageOp =
  | { readonly op: 'cancel'; readonly runId: string; readonly reason: string }
  | { readonly op: 'describe'; readonly runId: string }
  | { readonly op: 'list'; readonly filter: RunFilter }
  | { readonly op: 'ready' }
  /** Internal: wait until the caller's journal writes are committed (group commit). */
  | { readonly op: 'commit' };

export class ManageCmd<T = unknown> extends CommandBase<T> {
  readonly id = WorkflowCommand.Manage;
  readonly durability = 'step';
  constructor(readonly request: ManageOp) {
    super();
  }
  get name(): string {
    return this.request.op;
  }
}

// ---------------------------------------------------------------- helpers (yield*)

function checkLabel(label: unknown, what: string): string {
  if (typeof label !== 'string' || label === '' || label.length > 200) throw badArgument(`${what}: the label must be a non-empty string of at most 200 characters, got ${describeValue(label)}`);
  return label;
}

/**
 * Run `fn` once and journal its value; on replay the recorded value comes back and `fn` is not
 * called. `fn` may be async. It gets the step's idempotency key.
 */
export function sideEffect<T>(label: string, fn: (step: StepInfo) => T | Promise<T>): SideEffectCmd<Awaited<T>> {
  checkLabel(label, 'sideEffect()');
  if (typeof fn !== 'function') throw badArgument(`sideEffect("${label}"): expected a function, got ${describeValue(fn)}`);
  return new SideEffectCmd<Awaited<T>>(label, 'fn', fn);
}

/** Wall-clock time in ms, journaled (the same on replay). */
export const now = (): SideEffectCmd<number> => new SideEffectCmd<number>('now', 'now', undefined);
/** A random number in [0, 1), journaled. */
export const random = (): SideEffectCmd<number> => new SideEffectCmd<number>('random', 'random', undefined);
/** A random UUID, journaled. */
export const uuid = (): SideEffectCmd<string> => new SideEffectCmd<string>('uuid', 'uuid', undefined);

/** Start a child workflow and wait for its result. Replay re-attaches to the same child. */
export function callWorkflow<I, O>(workflow: Workflow<I, O>, input: I, options: { id?: string } = {}): CallCmd<O> {
  return new CallCmd<O>(workflowName(workflow), input, options.id === undefined ? undefined : checkName(options.id, 'callWorkflow(): id'));
}

function checkVersion(v: unknown, what: string): number {
  if (!Number.isSafeInteger(v) || (v as number) < -1) throw badArgument(`${what} must be an integer >= -1 (DEFAULT_VERSION), got ${describeValue(v)}`);
  return v as number;
}

/** The version a run has for code with no marker for this change (Temporal's DEFAULT_VERSION). */
export const DEFAULT_VERSION = -1;

/**
 * Temporal's GetVersion: a run that first reached this point with old code (no marker) gets
 * DEFAULT_VERSION (-1); a new run gets `maxSupported`, recorded; a recorded version is returned
 * again. Outside [minSupported, maxSupported] the yield fails with WORKFLOW_VERSION_UNSUPPORTED.
 * Markers are kept apart from the journal's positions: adding a version call never shifts them.
 */
export function version(changeId: string, minSupported: number, maxSupported: number): VersionCmd {
  checkName(changeId, 'version(): changeId');
  const min = checkVersion(minSupported, 'version(): minSupported');
  const max = checkVersion(maxSupported, 'version(): maxSupported');
  if (min > max) throw badArgument(`version("${changeId}"): minSupported ${min} is above maxSupported ${max}`);
  return new VersionCmd(changeId, min, max, false);
}

class PatchedOp extends CommandBase<boolean> {
  readonly id = WorkflowCommand.Version;
  constructor(readonly inner: VersionCmd) {
    super();
  }
  override [Symbol.iterator](): Iterator<Command, boolean, unknown> {
    const inner = this.inner;
    let started = false;
    return {
      next: (v?: unknown) => {
        if (!started) {
          started = true;
          return { value: inner, done: false };
        }
        return { value: (v as number) >= 1, done: true };
      },
      throw: (e?: unknown) => {
        throw e;
      },
    };
  }
}

/** True for runs that reached this point with code that has the patch: `if (yield* patched('x')) new() else old()`. */
export function patched(patchId: string): PatchedOp {
  checkName(patchId, 'patched(): patchId');
  return new PatchedOp(new VersionCmd(patchId, DEFAULT_VERSION, 1, false));
}

/** Once every run without the patch has closed: keeps the marker, drops the old branch. */
export function deprecatePatch(patchId: string): VersionCmd {
  checkName(patchId, 'deprecatePatch(): patchId');
  return new VersionCmd(patchId, 1, 1, true);
}

/** Set search attributes (declared at boot); null removes one. */
export function upsertAttrs(attrs: Readonly<Record<string, AttributeValue>>): UpsertAttrsCmd {
  if (typeof attrs !== 'object' || attrs === null || Array.isArray(attrs)) throw badArgument(`upsertAttrs(): expected an object of attribute values, got ${describeValue(attrs)}`);
  return new UpsertAttrsCmd({ ...attrs });
}

function workflowName(w: { readonly name: string } | string): string {
  if (typeof w === 'string') return checkName(w, 'workflow name');
  if (typeof w !== 'object' || w === null || typeof w.name !== 'string') throw badArgument(`expected a workflow from defineWorkflow() or its name, got ${describeValue(w)}`);
  return w.name;
}

/** Start a run; resolves to its ID. */
export function startWorkflow<I, O>(workflow: Workflow<I, O>, input: I, options: StartOptions = {}): StartCmd {
  const ifExists = options.ifExists ?? 'refuse';
  if (ifExists !== 'refuse' && ifExists !== 'attach') throw badArgument(`startWorkflow(): ifExists must be "refuse" or "attach", got ${describeValue(ifExists)}`);
  return new StartCmd(workflowName(workflow), input, options.id === undefined ? undefined : checkName(options.id, 'startWorkflow(): id'), ifExists);
}

/** Wait for a run to close: its result, or its error (WORKFLOW_CANCELLED for a cancelled one). */
export function workflowResult<O = unknown>(runId: string): ResultCmd<O> {
  return new ResultCmd<O>(checkName(runId, 'workflowResult(): runId'));
}

/** Store a signal for a run (even one not loaded now); the run's `receive({ topic })` takes it. */
export function signalWorkflow(runId: string, topic: string, payload?: unknown): SignalCmd {
  return new SignalCmd(checkName(runId, 'signalWorkflow(): runId'), checkName(topic, 'signalWorkflow(): topic'), payload);
}

/** Cancel a run. Resolves to false when it had closed already. */
export function cancelWorkflow(runId: string, reason = 'cancelled'): ManageCmd<boolean> {
  return new ManageCmd<boolean>({ op: 'cancel', runId: checkName(runId, 'cancelWorkflow(): runId'), reason: String(reason) });
}

export function describeWorkflow(runId: string): ManageCmd<RunInfo> {
  return new ManageCmd<RunInfo>({ op: 'describe', runId: checkName(runId, 'describeWorkflow(): runId') });
}

/** Runs matching the filter (by status, workflow, time and search attributes). */
export function listWorkflows(filter: RunFilter = {}): ManageCmd<RunInfo[]> {
  return new ManageCmd<RunInfo[]>({ op: 'list', filter });
}

/** Resolves once the runs open at boot have been recovered. */
export function workflowsReady(): ManageCmd<void> {
  return new ManageCmd<void>({ op: 'ready' });
}
