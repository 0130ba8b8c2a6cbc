import { SwitchyardError } from '@switchyard/errors';

/**
 * Codes of the exec plugin. A handle that is not a live child, or one another process owns, fails
 * with the runtime's NO_SUCH_RESOURCE / NOT_OWNER instead (the resource table's errors).
 */
export type ExecErrorCode =
  /** The OS could not start the command (not found, not executable, bad cwd). */
  | 'SPAWN_FAILED'
  /** writeStdin/closeStdin on a child started without `stdin: 'pipe'`. */
  | 'STDIN_NOT_PIPED'
  /** writeStdin after closeStdin, or after the child exited. */
  | 'STDIN_CLOSED'
  /** A start()/run()/stop() option or an execPlugin() option is wrong; the message names it. */
  | 'BAD_EXEC_OPTION'
  /** A helper's argument is wrong: the command, the args, the data, the signal. */
  | 'BAD_EXEC_ARGUMENT';

export class ExecError extends SwitchyardError {
  declare readonly code: ExecErrorCode;
  constructor(code: ExecErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}
