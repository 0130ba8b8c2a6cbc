import type { Command } from './command.js';

/** A per-process correlation number: 1, 2, 3, … never reused in one incarnation. */
export type Tag = number;

/** Where a handler delivers the result of a yield. */
export interface ResultReceiver {
  completeYield(tag: Tag, data: unknown, error?: unknown): void;
}

/** Called once with the reason (a YieldAbandonedError) when the yield it was registered for is abandoned. */
export type AbandonHook = (reason: Error) => void;

export interface HandlerContext {
  /** Aborts when the yielding process ends, or when the yield is no longer wanted (a lost race). */
  readonly signal: AbortSignal;
  /** The PID of the yielding process. */
  readonly pid: string;
  /**
   * The cheap form of `signal`: call `hook` once if this yield is abandoned (the process ends
   * with it pending, or it lost a race / another all() member failed). Nothing is allocated but
   * the registration; hooks are dropped, never called, once the yield completes. Registered on a
   * yield already abandoned, `hook` runs at once, before onAbandon returns. Register inside the
   * handler (or while the yield is pending): after the yield completed, `ctx` may stand for the
   * process's next yield, as with `signal`. A hook that throws is counted (`abandonHookErrors`).
   */
  onAbandon(hook: AbandonHook): void;
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
