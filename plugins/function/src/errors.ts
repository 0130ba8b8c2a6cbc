import { SwitchyardError } from '@switchyard/errors';

export type FunctionErrorCode =
  | 'NO_SUCH_FUNCTION'
  | 'FUNCTION_TIMEOUT'
  | 'FUNCTION_CANCELLED'
  | 'FUNCTION_UNSERIALIZABLE'
  | 'FUNCTION_DUPLICATE'
  | 'FUNCTION_BAD_NAME'
  | 'FUNCTION_BAD_ARGUMENT';

/** A function call or registration failed; `function` names the function at fault. */
export class FunctionError extends SwitchyardError {
  declare readonly code: FunctionErrorCode;
  /** The function's name (for FUNCTION_DUPLICATE: the name both definitions claim). */
  readonly function: string | undefined;
  /** For FUNCTION_UNSERIALIZABLE: "input" or "output". */
  readonly direction: 'input' | 'output' | undefined;
  /** For FUNCTION_UNSERIALIZABLE: where in the value, e.g. "$.card.token". */
  readonly path: string | undefined;
  /** For FUNCTION_DUPLICATE: where each definition was given, e.g. ["functions.billing.charge", "functions[\"billing.charge\"]"]. */
  readonly sources: readonly string[] | undefined;
  constructor(
    code: FunctionErrorCode,
    message: string,
    fields: { function?: string; direction?: 'input' | 'output'; path?: string; sources?: readonly string[]; cause?: unknown } = {},
  ) {
    super(code, message, fields.cause === undefined ? undefined : { cause: fields.cause });
    this.function = fields.function;
    this.direction = fields.direction;
    this.path = fields.path;
    this.sources = fields.sources;
  }
}
