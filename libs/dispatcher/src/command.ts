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
 * The iterator of one `yield*` of a command: yields the command once, then returns the result.
 *
 * One small class for every command class, so `yield*` (which calls next() on it twice) stays
 * monomorphic however many command classes an application has: state kept on the command itself
 * would be read and written through as many hidden classes as there are command classes, and
 * every such access would go megamorphic.
 *
 * It is also its own iterator result: a sync generator's `yield*` hands the inner iterator's
 * result object to its caller unchanged, so the first next() returns this object as
 * `{ value: cmd, done: false }` and the second turns it into `{ value: result, done: true }`.
 * One allocation per `yield*` instead of three (the iterator and two result objects). The
 * driver (the runtime, a workflow replay) reads `value` and `done` before it resumes the
 * generator; a result object kept past the next resume reads as the finished yield.
 * `done` is `undefined` only before the first next() (the "not yet yielded" state, so the
 * object has no field besides the two of an iterator result).
 */
class YieldOnce<T> implements Iterator<Command, T, unknown> {
  /** The command (first step), then the result: this object is its own iterator result. */
  declare value: unknown;
  declare done: boolean | undefined;
  // Fields assigned here rather than declared with initializers: no field-initializer call per
  // construction (which unoptimized code pays on every yield*).
  constructor(cmd: Command) {
    this.value = cmd;
    this.done = undefined;
  }

  next(result?: unknown): IteratorResult<Command, T> {
    if (this.done === undefined) {
      this.done = false;
      return this as IteratorResult<Command, T>;
    }
    this.value = result;
    this.done = true;
    return this as IteratorResult<Command, T>;
  }

  /** The runtime throws a command's error into the process through here. */
  throw(error?: unknown): IteratorResult<Command, T> {
    throw error;
  }

  return(value?: unknown): IteratorResult<Command, T> {
    return { value: value as T, done: true };
  }
}

/**
 * Base class for typed commands. `yield* new MyCmd(...)` yields the command once and
 * evaluates to its result, typed `T`. The base class adds no field to the command: building
 * one costs what building an object literal of its fields costs.
 */
export abstract class CommandBase<T = unknown> implements Op<T> {
  abstract readonly id: CommandID;
  declare readonly [resultType]?: T;

  [Symbol.iterator](): Iterator<Command, T, unknown> {
    return new YieldOnce<T>(this);
  }
}

/** Narrow an unknown yielded value to a command. */
export function isCommand(value: unknown): value is Command {
  return typeof value === 'object' && value !== null && typeof (value as { id?: unknown }).id === 'number';
}
