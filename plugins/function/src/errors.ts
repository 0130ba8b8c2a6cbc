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

/** A caller lacks a scope a function (or a contract binding) requires. */
export class ForbiddenError extends SwitchyardError {
  declare readonly code: 'FORBIDDEN';
  /** What was refused, e.g. `function "billing.charge"`. */
  readonly target: string;
  /** The first required scope the caller does not have. */
  readonly scope: string;
  /** The caller's actor, or undefined for a process that runs as no principal. */
  readonly actor: string | undefined;
  constructor(target: string, scope: string, actor: string | undefined) {
    super(
      'FORBIDDEN',
      `${target} requires scope "${scope}", which ${actor === undefined ? 'a caller without a principal does not have' : `actor ${JSON.stringify(actor)} does not have`}`,
    );
    this.target = target;
    this.scope = scope;
    this.actor = actor;
  }
}
