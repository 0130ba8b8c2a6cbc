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
 * every such access would go megamorphic. It costs one small allocation per `yield*`, far less
 * than a generator object.
 */
class YieldOnce<T> implements Iterator<Command, T, unknown> {
  private yielded = false;
  constructor(private readonly cmd: Command) {}

  next(result?: unknown): IteratorResult<Command, T> {
    if (!this.yielded) {
      this.yielded = true;
      return { value: this.cmd, done: false };
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
