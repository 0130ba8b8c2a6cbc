import type { Command } from '@switchyard/dispatcher';
import type { Pid, Runtime } from '@switchyard/runtime';
import type { Directive } from './directives.js';

/** The event type of queue `K`, as declared with `events<{ … }>()`; `unknown` when undeclared. */
export type EventOf<EV, K> = K extends keyof EV ? EV[K] : unknown;

/**
 * What a unit sees each time it runs. Its type names the unit's own queue and status but
 * not the module's other names: TypeScript then infers the module's queues and statuses
 * from the object literal even when every unit uses its context (see QueuesOf).
 */
export interface UnitContext<Qn extends string = string, S extends string = string, D = unknown, EV = object> {
  /** The machine's PID. */
  readonly pid: Pid;
  readonly runtime: Runtime;
  /** The queue this unit belongs to. */
  readonly queue: Qn;
  /** The status this unit is registered under. */
  readonly status: S;
  /** The event that started this queue (undefined for the startup queue). */
  readonly event: EventOf<EV, Qn>;
  /** The machine's own data, made by the module's `data(input)` at spawn. */
  readonly data: D;
  /** Aborts when the machine ends. */
  readonly signal: AbortSignal;
  /** Clock time, ms (the runtime's clock: virtual in tests). */
  readonly now: number;
  /** Clock time when the lane entered this status. */
  readonly since: number;
  /** 1 on the first run of this status since it was entered, then 2, 3, … (polls, stays, brk). */
  readonly runs: number;
  /**
   * Post an event to this machine (FIFO, bounded: throws MachineInboxFullError when full).
   * The event type is checked for queues declared with events(); the queue name at runtime.
   */
  post<K extends string>(queue: K, event: EventOf<EV, K>): void;
}

/** What a unit returns: the next status of its queue, null (end the queue) or a directive. */
export type UnitResult<S extends string, Q extends string> = S | null | Directive<Q>;

/** A unit: a plain function, or a generator function that yields commands (`yield* sleep(…)`). */
export type Unit<S extends string = string, Q extends string = string, Ctx = UnitContext> = (
  u: Ctx,
) => UnitResult<S, Q> | Generator<Command, UnitResult<S, Q>, unknown>;

/**
 * The queues of a module, typed from the object literal itself: each unit may return only a
 * status of its own queue, and changeQueue() only a queue of the module. The unit's
 * parameter must not mention T: TypeScript would fix T before reading the units' returns.
 */
export type QueuesOf<T, D, EV> = {
  [Qn in keyof T]: {
    [S in keyof T[Qn]]: UnitSlot<Unit<keyof T[Qn] & string, keyof T & string, UnitContext<Qn & string, S & string, D, EV>>>;
  };
};

/** Implementations of one unit per platform (`process.platform` values), with an optional fallback. */
export type RelocatableImpls<U> = { readonly [P in NodeJS.Platform | 'default']?: U };

/** Where a module places a unit: the unit itself, or relocatable implementations of it. */
export type UnitSlot<U> = U | RelocatableImpls<U>;

declare const eventsType: unique symbol;
/** A type-only marker for the event types of a module's queues: see `events()`. */
export interface EventTypes<EV> {
  readonly [eventsType]?: EV;
}

declare const moduleTypes: unique symbol;

/** A validated, registered module: queues of units, ready to spawn as machines. */
export interface MachineModule<Q extends string = string, D = unknown, I = unknown, EV = object> {
  readonly [moduleTypes]?: { q: Q; d: D; i: I; ev: EV };
  readonly name: string;
  /** Queue names in definition order. */
  readonly queues: readonly Q[];
  /** The platform relocatable units were chosen for. */
  readonly platform: string;
  /** True when the machine starts idle instead of running `startup`. */
  readonly idle: boolean;
  /** Runtime message topics that become events of a queue. */
  readonly routes: Readonly<Record<string, Q>>;
  /** The queue a cancel() of the machine is delivered to (the machine traps cancels), if any. */
  readonly cancelQueue: Q | undefined;
  /** Statuses of a queue, in definition order. */
  statuses(queue: Q): readonly string[];
  /** @internal */
  unit(queue: string, status: string): Unit<string, string, UnitContext> | undefined;
  /** @internal */
  makeData(input: I): D;
}

export type QueueOf<M> = M extends MachineModule<infer Q, infer _D, infer _I, infer _EV> ? Q : string;
export type EventsOf<M> = M extends MachineModule<infer _Q, infer _D, infer _I, infer EV> ? EV : object;
export type InputOf<M> = M extends MachineModule<infer _Q, infer _D, infer I, infer _EV> ? I : unknown;

declare const machineBrand: unique symbol;
/** A PID known to be a machine of module M: postTo() checks queue names and event types against it. */
export type MachinePid<M = MachineModule> = Pid & { readonly [machineBrand]?: M };

export interface MachineOptions<I = unknown> {
  /** Passed to the module's `data(input)`. */
  input?: I;
  /** Start idle even if the module has a startup queue. */
  idle?: boolean;
  /** Events the inbox holds before post() refuses with MachineInboxFullError. Default 1024. */
  capacity?: number;
  /** How long a unit that returns its own status (or brk()) waits before it runs again, ms. Default 10. */
  pollMs?: number;
  /** Called synchronously on every step of the machine (transitions, admissions, …). */
  trace?: (event: MachineTrace) => void;
}

/** One step of a machine, for logs and tests. `at` is clock time in ms. */
export type MachineTrace =
  | { readonly type: 'admit'; readonly at: number; readonly queue: string; readonly event: unknown }
  | { readonly type: 'transition'; readonly at: number; readonly queue: string; readonly from: string; readonly to: string }
  | { readonly type: 'poll' | 'brk'; readonly at: number; readonly queue: string; readonly status: string }
  | { readonly type: 'stay'; readonly at: number; readonly queue: string; readonly status: string; readonly ms: number }
  | { readonly type: 'end'; readonly at: number; readonly queue: string; readonly status: string }
  | { readonly type: 'changeQueue'; readonly at: number; readonly queue: string; readonly status: string; readonly to: string }
  | { readonly type: 'suspend'; readonly at: number; readonly queue: string; readonly status: string; readonly commandId: number }
  | { readonly type: 'resume'; readonly at: number; readonly queue: string; readonly status: string }
  | { readonly type: 'finish' | 'emergency'; readonly at: number; readonly queue: string; readonly status: string; readonly value: unknown }
  | { readonly type: 'refused' | 'unhandled'; readonly at: number; readonly topic: string };

/** What a machine is waiting on right now. */
export type WaitingOn =
  | { readonly kind: 'command'; readonly queue: string; readonly status: string; readonly commandId: number; readonly command: string }
  | { readonly kind: 'timer'; readonly until: number }
  | { readonly kind: 'event' };

/** One active queue of a machine. */
export interface LaneInfo {
  readonly queue: string;
  readonly status: string;
  /** Clock time the lane entered this status. */
  readonly since: number;
  readonly runs: number;
  /** Clock time the unit runs next (Infinity never: it is running). */
  readonly due: number;
}

/** A machine as seen from outside (status displays). */
export interface MachineInfo {
  readonly pid: Pid;
  readonly module: string;
  /** running: a unit is executing; suspended: a unit yielded a command; waiting: for a timer or an event; idle: no active queue. */
  readonly state: 'running' | 'suspended' | 'waiting' | 'idle';
  /** The queue and status in focus: the running or suspended unit, else the first active lane; null when idle. */
  readonly queue: string | null;
  readonly status: string | null;
  readonly waitingOn: WaitingOn | null;
  /** Events posted and not yet admitted to their queue. */
  readonly inbox: number;
  readonly capacity: number;
  readonly lanes: readonly LaneInfo[];
  /** Status transitions so far. */
  readonly transitions: number;
  /** Runtime messages that matched no route and were dropped. */
  readonly unhandled: number;
}
