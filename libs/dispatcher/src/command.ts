import type { CommandID } from './ids.js';

/**
 * What a process yields. Any object with a numeric `id` is a command; `release()`, when present,
 * is called exactly once after the command's result has been delivered.
 */
export interface Command {
  readonly id: CommandID;
  release?(): void;
}

declare const resultType: unique symbol;

/** A command that carries its result type, so `yield*` and `all()` give typed results. */
export interface Op<T> extends Command {
  readonly [resultType]?: T;
  [Symbol.iterator](): Iterator<Command, T, unknown>;
}

/** The result type of an Op, `unknown` for a plain command. */
export type ResultOf<C> = C extends { readonly [resultType]?: infer T } ? T : unknown;

/**
 * Base class for typed commands. `yield* new MyCmd(...)` yields the command once and
 * evaluates to its result, typed `T`.
 *
 * The command is its own iterator: a generator method would allocate a generator object
 * on every `yield*`, which is most of the cost of a yield. This is safe because `yield*`
 * calls next() twice in one process (the first yields, the second returns the result),
 * and whatever another process does with the same object in between leaves `state` at 1.
 */
export abstract class CommandBase<T = unknown> implements Op<T>, Iterator<Command, T, unknown> {
  abstract readonly id: CommandID;
  declare readonly [resultType]?: T;
  /** 0: not yet yielded in the current `yield*`; 1: yielded, the next next() returns. */
  private state = 0;

  [Symbol.iterator](): Iterator<Command, T, unknown> {
    this.state = 0;
    return this;
  }

  next(result?: unknown): IteratorResult<Command, T> {
    if (this.state === 0) {
      this.state = 1;
      return { value: this, done: false };
    }
    return { value: result as T, done: true };
  }

  /** The runtime throws a command's error into the process through here. */
  throw(error?: unknown): IteratorResult<Command, T> {
    throw error;
  }

  return(value?: unknown): IteratorResult<Command, T> {
    return { value: value as T, done: true };
  }
}

/** Narrow an unknown yielded value to a command. */
export function isCommand(value: unknown): value is Command {
  return typeof value === 'object' && value !== null && typeof (value as { id?: unknown }).id === 'number';
}
