import type { Command } from '@switchyard/dispatcher';
import type { ProcessBody, ProcessContext } from './types.js';

/** What a step function is given: the result of its previous command (or `undefined` at the start). */
export type StepInput = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: unknown };

/** What a step function returns: the next command to run, or the process's exit value. */
export type StepOutput = { readonly yield: Command } | { readonly done: unknown };

/**
 * A process body made of a plain step function instead of a generator: the runtime calls
 * `step` with the previous command's outcome and runs the command it returns, until it returns
 * `{ done }`. A thrown error ends the process with that error. For interpreters and guests
 * (a sandboxed script, a state table) that cannot be written as a JavaScript generator.
 * `onStop` runs when the process is ended from outside (terminate, cancel, a linked crash).
 */
export function stepBody(
  step: (input: StepInput, ctx: ProcessContext) => StepOutput,
  onStop?: (ctx: ProcessContext) => void,
): (ctx: ProcessContext) => ProcessBody {
  return (ctx) => {
    let finished = false;
    const run = (input: StepInput): IteratorResult<Command, unknown> => {
      if (finished) return { done: true, value: undefined };
      const out = step(input, ctx);
      if ('yield' in out) return { done: false, value: out.yield };
      finished = true;
      return { done: true, value: out.done };
    };
    return {
      next: (value?: unknown) => run({ ok: true, value }),
      throw: (error: unknown) => run({ ok: false, error }),
      return: (value?: unknown) => {
        if (!finished) {
          finished = true;
          onStop?.(ctx);
        }
        return { done: true, value };
      },
    };
  };
}
