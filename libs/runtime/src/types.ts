import type { Command } from '@switchyard/dispatcher';
import type { Runtime } from './runtime.js';

/** A process ID, e.g. "{local|0x00001}". */
export type Pid = string;

/** How a process ended. */
export type ExitReason =
  | { readonly kind: 'normal'; readonly value: unknown }
  | { readonly kind: 'error'; readonly error: unknown }
  | { readonly kind: 'terminated' }
  | { readonly kind: 'cancelled'; readonly reason: unknown };

/** A message in a process's mailbox. */
export interface Message<T = unknown> {
  readonly topic: string;
  readonly payload: T;
  readonly from?: Pid;
}

/** Topic of system events for a process: pid.exit (monitors, trapped links) and pid.cancel. */
export const EVENTS_TOPIC = '@pid/events';
/** Topic of plain sends with no topic. */
export const INBOX_TOPIC = '@pid/inbox';

/** Payload of a message on EVENTS_TOPIC. */
export type ProcessEvent =
  | { readonly type: 'pid.exit'; readonly pid: Pid; readonly reason: ExitReason | { readonly kind: 'noproc' }; readonly ref?: number; readonly link?: boolean }
  | { readonly type: 'pid.cancel'; readonly pid: Pid; readonly reason: unknown };

/** What a process function receives as its first argument. */
export interface ProcessContext {
  readonly pid: Pid;
  /** The runtime this process runs in (for libraries built on processes, e.g. state machines). */
  readonly runtime: Runtime;
  /** Aborts when this process ends. */
  readonly signal: AbortSignal;
  /** When true, a linked process's abnormal exit arrives as a pid.exit message instead of failing this process. */
  trapLinks: boolean;
  /** When true, cancel() arrives as a pid.cancel message the process handles, instead of ending it. */
  trapCancel: boolean;
}

/** The generator a process runs. Yields commands; its return value is the exit value. */
export type ProcessGenerator<R = unknown> = Generator<Command, R, unknown>;

/** A process function: `function* (ctx, ...args) { … }`. */
export type ProcessFn<A extends unknown[] = unknown[], R = unknown> = (ctx: ProcessContext, ...args: A) => Generator<Command, R, unknown>;

export interface SpawnOptions {
  /** Start with trapLinks set. */
  trapLinks?: boolean;
  /** Start with trapCancel set. */
  trapCancel?: boolean;
  /** Link the new process to this one, atomically with the spawn. */
  linkTo?: Pid;
}

/** Lifecycle notifications, for the event bus bridge and observers. */
export type LifecycleEvent =
  | { readonly kind: 'spawn'; readonly pid: Pid }
  | { readonly kind: 'exit'; readonly pid: Pid; readonly reason: ExitReason };

export interface RuntimeStats {
  dispatched: number;
  completed: number;
  unknownCommands: number;
  duplicateCompletions: number;
  lateCompletions: number;
  /** Exit hooks (plugin cleanups) that threw; each is isolated from the others. */
  exitHookErrors: number;
  processes: { live: number; spawned: number; exited: number };
}
