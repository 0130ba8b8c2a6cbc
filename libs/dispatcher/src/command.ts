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
 */
export abstract class CommandBase<T = unknown> implements Op<T> {
  abstract readonly id: CommandID;
  declare readonly [resultType]?: T;
  *[Symbol.iterator](): Generator<Command, T, unknown> {
    return (yield this) as T;
  }
}

/** Narrow an unknown yielded value to a command. */
export function isCommand(value: unknown): value is Command {
  return typeof value === 'object' && value !== null && typeof (value as { id?: unknown }).id === 'number';
}
