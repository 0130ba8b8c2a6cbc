import { SwitchyardError } from '@switchyard/errors';
import type { Pid } from '@switchyard/runtime';

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** More than `maxRestarts` restarts within `periodMs`: the supervisor stopped its children and exits with this. */
export class SupervisorIntensityError extends SwitchyardError {
  readonly supervisor: Pid;
  readonly maxRestarts: number;
  readonly periodMs: number;
  /** The child whose exit went over the limit (undefined for a dynamic supervisor's child). */
  readonly childId: string | undefined;
  constructor(supervisor: Pid, maxRestarts: number, periodMs: number, childId: string | undefined) {
    super(
      'SUPERVISOR_INTENSITY',
      `supervisor ${supervisor} reached its restart intensity (more than ${maxRestarts} restart${maxRestarts === 1 ? '' : 's'} in ${periodMs} ms${childId === undefined ? '' : `, last exit by child "${childId}"`}); it stopped its children and exited`,
    );
    this.supervisor = supervisor;
    this.maxRestarts = maxRestarts;
    this.periodMs = periodMs;
    this.childId = childId;
  }
}

/** A child failed to start: at the supervisor's start (the supervisor fails with it) or in `startChild`/`restartChild`. */
export class ChildStartError extends SwitchyardError {
  readonly supervisor: Pid;
  readonly childId: string | undefined;
  constructor(supervisor: Pid, childId: string | undefined, cause: unknown) {
    super('CHILD_START_FAILED', `supervisor ${supervisor}: child ${childId === undefined ? '(dynamic)' : `"${childId}"`} failed to start: ${message(cause)}`, { cause });
    this.supervisor = supervisor;
    this.childId = childId;
  }
}

export type ChildOpErrorCode = 'CHILD_NOT_FOUND' | 'CHILD_RUNNING' | 'CHILD_ALREADY_PRESENT' | 'CHILD_ALREADY_STARTED';

/** An operation named a child the supervisor does not have, or one in the wrong state for it. */
export class ChildOpError extends SwitchyardError {
  readonly supervisor: Pid;
  readonly childId: string;
  /** The running child's PID, for CHILD_RUNNING and CHILD_ALREADY_STARTED. */
  readonly pid: Pid | undefined;
  constructor(code: ChildOpErrorCode, supervisor: Pid, childId: string, text: string, pid?: Pid) {
    super(code, `supervisor ${supervisor}: ${text}`);
    this.supervisor = supervisor;
    this.childId = childId;
    this.pid = pid;
  }
}

/** `startChild` on a dynamic supervisor that has `maxChildren` children already. */
export class MaxChildrenError extends SwitchyardError {
  readonly supervisor: Pid;
  readonly maxChildren: number;
  constructor(supervisor: Pid, maxChildren: number) {
    super('MAX_CHILDREN', `dynamic supervisor ${supervisor} has ${maxChildren} children already (maxChildren ${maxChildren}); child not started`);
    this.supervisor = supervisor;
    this.maxChildren = maxChildren;
  }
}

/** An operation that this kind of supervisor does not have (e.g. `restartChild` on a dynamic supervisor, as OTP's simple_one_for_one). */
export class SupervisorOpError extends SwitchyardError {
  readonly supervisor: Pid;
  readonly op: string;
  constructor(supervisor: Pid, op: string, text: string) {
    super('SUPERVISOR_UNSUPPORTED', `supervisor ${supervisor}: ${op}: ${text}`);
    this.supervisor = supervisor;
    this.op = op;
  }
}

/** An operation on a PID that is not a live supervisor of this runtime, or one that ended before answering. */
export class NoSuchSupervisorError extends SwitchyardError {
  readonly supervisor: Pid;
  constructor(supervisor: Pid, op: string, ended = false) {
    super('NO_SUCH_SUPERVISOR', ended ? `${op}: supervisor ${supervisor} ended before it answered` : `${op}: ${supervisor} is not a live supervisor of this runtime`);
    this.supervisor = supervisor;
  }
}

/** A child started with `awaitReady` returned before it called ready(): the `cause` of its CHILD_START_FAILED. */
export class ChildNotReadyError extends SwitchyardError {
  readonly pid: Pid;
  constructor(pid: Pid) {
    super('CHILD_NOT_READY', `process ${pid} returned before it called ready()`);
    this.pid = pid;
  }
}
