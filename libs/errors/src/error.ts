/**
 * Base class of every Switchyard error. `code` is stable (tools switch on it, never on the
 * message); subclasses add the fields a tool needs: IDs, plugin names, PIDs, paths.
 */
export class SwitchyardError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/** True for any error with a string `code`, Switchyard's or another library's (SQLite, Node). */
export function hasCode(error: unknown): error is Error & { code: string } {
  return error instanceof Error && typeof (error as { code?: unknown }).code === 'string';
}
