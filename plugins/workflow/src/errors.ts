import { SwitchyardError } from '@switchyard/errors';

/** Codes of the workflow module's errors. */
export type WorkflowErrorCode =
  | 'WORKFLOW_NONDETERMINISM'
  | 'WORKFLOW_COMMAND_NOT_DURABLE'
  | 'WORKFLOW_VERSION_UNSUPPORTED'
  | 'WORKFLOW_ALREADY_STARTED'
  | 'WORKFLOW_NO_SUCH_RUN'
  | 'WORKFLOW_UNKNOWN'
  | 'WORKFLOW_CANCELLED'
  | 'WORKFLOW_BAD_ATTRIBUTE'
  | 'WORKFLOW_BAD_FILTER'
  | 'WORKFLOW_OUTSIDE'
  | 'WORKFLOW_NOT_ENCODABLE'
  | 'WORKFLOW_LEASE_LOST'
  | 'WORKFLOW_BAD_OPTIONS'
  /** A workflow helper was given a wrong argument (a name, a label, a function, a version). */
  | 'WORKFLOW_BAD_ARGUMENT'
  | 'WORKFLOW_CLOSED'
  | 'WORKFLOW_JOURNAL_FAILED';

export class WorkflowError extends SwitchyardError {
  declare readonly code: WorkflowErrorCode;
  constructor(
    code: WorkflowErrorCode,
    message: string,
    /** The run at fault, when there is one. */
    readonly runId?: string,
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
  }
}

/** What one journal position holds or is asked to hold: the command ID and its name (label, topic, workflow). */
export interface CommandIdentity {
  readonly command: number;
  readonly name: string;
}

/**
 * A replayed command differs from the journal at its position. The run is stopped, not failed:
 * a deploy that restores the old code path resumes it.
 */
export class NondeterminismError extends WorkflowError {
  constructor(
    runId: string,
    readonly position: number,
    readonly recorded: CommandIdentity | undefined,
    readonly replayed: CommandIdentity | undefined,
  ) {
    const what = (c: CommandIdentity | undefined) => (c === undefined ? 'nothing' : `command ${c.command} "${c.name}"`);
    const msg =
      replayed === undefined
        ? `workflow run "${runId}" finished at position ${position - 1}, but its journal records ${what(recorded)} at position ${position}: the code no longer yields it`
        : `workflow run "${runId}" at position ${position}: the journal records ${what(recorded)} but the code now yields ${what(replayed)}`;
    super('WORKFLOW_NONDETERMINISM', `${msg}; the run stays open until code that replays its journal is deployed`, runId);
  }
}

/** A command that returns a live handle (stream, transaction, socket, child) cannot be journaled. */
export class CommandNotDurableError extends WorkflowError {
  constructor(
    runId: string,
    readonly command: number,
    readonly commandName: string,
  ) {
    super(
      'WORKFLOW_COMMAND_NOT_DURABLE',
      `workflow run "${runId}" yielded ${commandName} (command ${command}), which returns a live handle that cannot survive a restart; run it in a process the workflow calls, or use a value-returning form`,
      runId,
    );
  }
}

/** A value that cannot be written to the journal; `path` is where in it (like `$.items[3].fn`). */
export class NotEncodableError extends WorkflowError {
  constructor(
    readonly path: string,
    what: string,
    where: string,
    cause?: unknown,
  ) {
    super('WORKFLOW_NOT_ENCODABLE', `${where}: cannot journal ${what} at ${path}`, undefined, { cause });
  }
}

/** A workflow helper was given a wrong argument; the message names the helper and the value. */
export function badArgument(message: string): WorkflowError {
  return new WorkflowError('WORKFLOW_BAD_ARGUMENT', message);
}
