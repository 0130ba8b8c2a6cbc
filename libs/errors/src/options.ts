import { describeValue, didYouMean } from './describe.js';
import { SwitchyardError } from './error.js';

/** An option or argument a caller passed is wrong; the message names where and which. */
export class OptionError extends SwitchyardError {
  /** Where the options were given, e.g. `sqlPlugin()` or `database "main"`. */
  readonly where: string;
  /** The option at fault, e.g. `busyTimeoutMs`. */
  readonly option: string;
  constructor(where: string, option: string, message: string, code = 'BAD_OPTION') {
    super(code, `${where}: "${option}" ${message}`);
    this.where = where;
    this.option = option;
  }
}

/** Options are a plain object (or absent); unknown keys are refused with a "did you mean". */
export function checkKeys(where: string, options: unknown, known: readonly string[], code?: string): Record<string, unknown> {
  if (options === undefined) return {};
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new OptionError(where, 'options', `must be an object, got ${describeValue(options)}`, code);
  }
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) {
      throw new OptionError(where, key, `is not an option${didYouMean(key, known)}; known: ${known.join(', ')}`, code);
    }
  }
  return options as Record<string, unknown>;
}

export interface IntRange {
  min?: number;
  max?: number;
  /** Also accept Infinity (for "no limit"). */
  infinite?: boolean;
}

/** An optional integer option within bounds; `dflt` when absent. */
export function intOption(where: string, options: Record<string, unknown>, key: string, dflt: number, range: IntRange = {}, code?: string): number {
  const v = options[key];
  if (v === undefined) return dflt;
  const min = range.min ?? 0;
  const max = range.max ?? Number.MAX_SAFE_INTEGER;
  const ok = typeof v === 'number' && ((range.infinite && v === Infinity) || (Number.isInteger(v) && v >= min && v <= max));
  if (!ok) throw new OptionError(where, key, `must be an integer in ${min}..${max}${range.infinite ? ' or Infinity' : ''}, got ${describeValue(v)}`, code);
  return v as number;
}

/** An optional boolean option; `dflt` when absent. */
export function boolOption(where: string, options: Record<string, unknown>, key: string, dflt: boolean, code?: string): boolean {
  const v = options[key];
  if (v === undefined) return dflt;
  if (typeof v !== 'boolean') throw new OptionError(where, key, `must be true or false, got ${describeValue(v)}`, code);
  return v;
}

/** An optional option that must be one of `choices`; `dflt` when absent. */
export function oneOf<T extends string>(where: string, options: Record<string, unknown>, key: string, choices: readonly T[], dflt: T, code?: string): T {
  const v = options[key];
  if (v === undefined) return dflt;
  if (typeof v !== 'string' || !(choices as readonly string[]).includes(v)) {
    throw new OptionError(where, key, `must be one of ${choices.map((c) => `"${c}"`).join(', ')}, got ${describeValue(v)}`, code);
  }
  return v as T;
}
