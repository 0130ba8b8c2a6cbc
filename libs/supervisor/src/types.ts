import type { Command } from '@switchyard/dispatcher';
import type { ExitReason, Pid, ProcessContext } from '@switchyard/runtime';

/** When a child that ended is started again. */
export type RestartType =
  /** Always (OTP `permanent`). */
  | 'permanent'
  /** Only after an abnormal exit: an error or `terminate` (OTP `transient`). A normal return or a cancel is not abnormal. */
  | 'transient'
  /** Never; the child is forgotten once it ends (OTP `temporary`). */
  | 'temporary';

/**
 * How the supervisor stops a child: `cancel` it and wait this many ms for it to end, then
 * `terminate` it; `'brutal'` terminates at once; `'infinity'` waits as long as it takes (for child
 * supervisors, which stop their own children first).
 */
export type Shutdown = number | 'brutal' | 'infinity';

export type ChildType = 'worker' | 'supervisor';

/** Restart strategies of a supervisor with a fixed list of children. */
export type Strategy = 'one_for_one' | 'one_for_all' | 'rest_for_one';

/** Any process function, whatever its arguments (the top type of `ProcessFn`). */
export type AnyProcessFn = (ctx: ProcessContext, ...args: never) => Generator<Command, unknown, unknown>;

/** How to start a child: a process function (with its arguments), or a process registered by name at boot. */
export type ChildStart =
  | AnyProcessFn
  | { readonly fn: AnyProcessFn; readonly args?: readonly unknown[] }
  | { readonly process: string; readonly args?: readonly unknown[] };

export interface ChildSpec {
  /** Unique among the supervisor's children; names the child in every operation, event and error. */
  readonly id: string;
  readonly start: ChildStart;
  /** Default `'permanent'`. */
  readonly restart?: RestartType;
  /** Default 5000 ms for a worker, `'infinity'` for a supervisor. */
  readonly shutdown?: Shutdown;
  /** Default `'worker'`. */
  readonly type?: ChildType;
  /** A name the child is registered under on every start (released when it ends). */
  readonly name?: string;
  /**
   * The child counts as started only once it calls `ready(ctx)`; ending before that is a start
   * failure. Default false (started once spawned); child supervisors built with
   * `supervisorChild()` always do this.
   */
  readonly awaitReady?: boolean;
}

/** Restart intensity: more than `maxRestarts` restarts within `periodMs` stops the supervisor. */
export interface Intensity {
  /** Default 1 (as OTP). */
  readonly maxRestarts?: number;
  /** Default 5000 ms (as OTP). */
  readonly periodMs?: number;
}

export interface SupervisorSpec extends Intensity {
  /** Default `'one_for_one'`. */
  readonly strategy?: Strategy;
  /** Started in this order, stopped in the reverse order. */
  readonly children: readonly ChildSpec[];
  /** Register the supervisor under this name. */
  readonly name?: string;
}

/** The one child spec of a dynamic supervisor: each `startChild(...args)` starts `fn(ctx, ...args)`. */
export interface DynamicChildSpec<A extends unknown[]> {
  readonly start: ((ctx: ProcessContext, ...args: A) => Generator<Command, unknown, unknown>) | { readonly process: string };
  /** Default `'permanent'`. */
  readonly restart?: RestartType;
  /** Default 5000 ms for a worker, `'infinity'` for a supervisor. */
  readonly shutdown?: Shutdown;
  /** Default `'worker'`. */
  readonly type?: ChildType;
  readonly awaitReady?: boolean;
}

export interface DynamicSupervisorSpec<A extends unknown[]> extends Intensity {
  readonly strategy: 'dynamic';
  readonly child: DynamicChildSpec<A>;
  /** Refuse `startChild` beyond this many children (with `MAX_CHILDREN`). Default: no limit. */
  readonly maxChildren?: number;
  readonly name?: string;
}

/** One row of `whichChildren`. */
export interface ChildInfo {
  /** The spec's id; for a dynamic supervisor's children, undefined (as in OTP). */
  readonly id: string | undefined;
  /** Undefined when the child is not running. */
  readonly pid: Pid | undefined;
  /** `'restarting'`: a restart failed and is retried; `'stopped'`: ended and not restarted (transient, or terminated by `terminateChild`). */
  readonly status: 'running' | 'restarting' | 'stopped';
  readonly type: ChildType;
  readonly restart: RestartType;
  /** How many times the supervisor restarted this child (after its own crash or with its group). */
  readonly restarts: number;
}

/** `countChildren`, as OTP's count_children. */
export interface ChildCounts {
  /** Child specs (a dynamic supervisor has one, as in OTP). */
  readonly specs: number;
  /** Running children. */
  readonly active: number;
  readonly supervisors: number;
  readonly workers: number;
}

/** Data of the events published on the bus: system `'supervisor'`, path = the supervisor's PID. */
export type SupervisorEvent =
  | { readonly kind: 'child.start'; readonly data: { readonly id: string | undefined; readonly pid: Pid } }
  | { readonly kind: 'child.restart'; readonly data: { readonly id: string | undefined; readonly pid: Pid; readonly restarts: number } }
  | { readonly kind: 'child.start_failed'; readonly data: { readonly id: string | undefined; readonly error: unknown } }
  | { readonly kind: 'child.exit'; readonly data: { readonly id: string | undefined; readonly pid: Pid; readonly reason: ExitReason; readonly bySupervisor: boolean } }
  | { readonly kind: 'intensity'; readonly data: { readonly maxRestarts: number; readonly periodMs: number; readonly id: string | undefined } }
  | { readonly kind: 'stop'; readonly data: { readonly reason: 'cancelled' | 'intensity' | 'parent' | 'start_failed' } };

export type SupervisorEventKind = SupervisorEvent['kind'];

/** A PID known to be a dynamic supervisor whose children take `A` (from `startDynamicSupervisor`). */
export type DynamicSupervisorPid<A extends unknown[]> = Pid & { readonly __dynamicChildArgs?: A };
