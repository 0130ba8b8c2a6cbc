import type { Command } from './command.js';

/** A per-process correlation number: 1, 2, 3, … never reused in one incarnation. */
export type Tag = number;

/** Where a handler delivers the result of a yield. */
export interface ResultReceiver {
  completeYield(tag: Tag, data: unknown, error?: unknown): void;
}

export interface HandlerContext {
  /** Aborts when the yielding process ends, or when the yield is no longer wanted (a lost race). */
  readonly signal: AbortSignal;
  /** The PID of the yielding process. */
  readonly pid: string;
}

/**
 * Handles one command. Return quickly; complete later with `receiver.completeYield(tag, ...)`.
 * A synchronous throw completes the yield with that error.
 */
export type Handler<C extends Command = Command> = (
  ctx: HandlerContext,
  cmd: C,
  tag: Tag,
  receiver: ResultReceiver,
) => void;
