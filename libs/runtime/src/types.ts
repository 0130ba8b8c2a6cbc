import type { BootContext } from '@switchyard/boot';
import type { Command, CommandID } from '@switchyard/dispatcher';
import type { EventBus } from '@switchyard/eventbus';
import type { Clock } from './clock.js';

/** A process ID, e.g. "{local|0x00001}" or "{alpha@lq3k9|0x0002a}". */
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

/**
 * Who a process acts for: an actor and its scopes. Only a plugin can issue one
 * (`PluginContext.principals.issue`, e.g. the security plugin from a validated token); a process
 * gets one at spawn and can pass its own on, but never create, change or raise one.
 */
export interface Principal {
  readonly actor: string;
  readonly scopes: readonly string[];
}

/** What a process function receives as its first argument. */
export interface ProcessContext {
  readonly pid: Pid;
  /** The runtime this process runs in (for libraries built on processes, e.g. state machines). */
  readonly runtime: Runtime;
  /** Aborts when this process ends (a handler's `ctx.signal` is per yield; this one is per process). */
  readonly signal: AbortSignal;
  /** When true, a linked process's abnormal exit arrives as a pid.exit message instead of failing this process. */
  trapLinks: boolean;
  /** When true, cancel() arrives as a pid.cancel message the process handles, instead of ending it. */
  trapCancel: boolean;
  /** Who this process acts for (set at spawn, read-only), or undefined. */
  readonly principal: Principal | undefined;
}

/** The generator a process runs. Yields commands; its return value is the exit value. */
export type ProcessGenerator<R = unknown> = Generator<Command, R, unknown>;

/** A process function: `function* (ctx, ...args) { … }`. */
export type ProcessFn<A extends unknown[] = unknown[], R = unknown> = (ctx: ProcessContext, ...args: A) => Generator<Command, R, unknown>;

/**
 * What the runtime steps: a generator, or any object with the same three methods (a driver for
 * a body that is not a JavaScript generator, see `stepBody`).
 */
export interface ProcessBody {
  next(value?: unknown): IteratorResult<Command, unknown>;
  throw(error: unknown): IteratorResult<Command, unknown>;
  return(value?: unknown): IteratorResult<Command, unknown>;
}

/** What happens to a message sent to a full mailbox. */
export type MailboxOverflow = 'error' | 'dropOldest' | 'dropNewest';

export interface MailboxOptions {
  /** Messages a mailbox holds before `overflow` applies. Infinity for no bound. Default 10,000. */
  capacity?: number;
  /** `error` (default): the send fails with MAILBOX_FULL; `dropOldest` / `dropNewest`: drop and count. */
  overflow?: MailboxOverflow;
}

/** The outcome of a command as a host sees it. */
export type HostAnswer = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: unknown };

/** One yield of a hosted process. `position` is the yield's tag: 1, 2, 3… in yield order. */
export interface HostedYield {
  readonly pid: Pid;
  readonly position: number;
  readonly cmd: Command;
}

/**
 * Runs a process under interception (durable workflows, tracing, replay). Every command the
 * process yields (each member of all()/race() on its own position) passes `beforeDispatch`; an
 * answer completes it without calling any handler. Every completion passes `afterComplete`.
 */
export interface ProcessHost {
  beforeDispatch?(y: HostedYield): HostAnswer | undefined;
  afterComplete?(y: HostedYield, result: HostAnswer): void;
  exited?(pid: Pid, reason: ExitReason): void;
}

export interface SpawnOptions {
  /** Start with trapLinks set. */
  trapLinks?: boolean;
  /** Start with trapCancel set. */
  trapCancel?: boolean;
  /** Link the new process to this one, atomically with the spawn. */
  linkTo?: Pid;
  /** This process's mailbox bound (default: the runtime's). */
  mailbox?: MailboxOptions;
  /** Run under a host that sees (and may answer) every yield. */
  host?: ProcessHost;
  /** Register the new process under this name, atomically with the spawn. */
  name?: string;
  /** Run as this principal: one this runtime issued (a process's own `ctx.principal`, or from a plugin), else BAD_PRINCIPAL. */
  principal?: Principal;
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
  /** onAbandon hooks that threw; each is isolated from the others. */
  abandonHookErrors: number;
  /** Exit hooks (plugin cleanups) that threw; each is isolated from the others. */
  exitHookErrors: number;
  processes: { live: number; spawned: number; exited: number };
  /** Live resources by kind, and disposers that threw. */
  resources: { live: number; byKind: Record<string, number>; disposeErrors: number };
  /** Messages refused (MAILBOX_FULL) or dropped by a mailbox policy. */
  mailbox: { refused: number; dropped: number };
  /** Registered process names. */
  names: number;
  /** What each plugin reports about itself (its setup's `stats`). */
  plugins: Record<string, Record<string, number>>;
}

/** A process to spawn: a generator function, or the name of one registered at boot. */
export type Spawnable<A extends unknown[], R> = ProcessFn<A, R> | string;

/** The runtime as users and plugins see it. */
export interface Runtime {
  readonly clock: Clock;
  /** The node part of this runtime's PIDs: "local", or "name@incarnation". */
  readonly node: string;
  /** Boot: claim IDs, load plugins, freeze the registry, start plugins. */
  start(): Promise<void>;
  /** Graceful: cancel processes (terminate those still alive after the timeout), then stop plugins. Every call gets the same promise. */
  stop(): Promise<void>;
  spawn<A extends unknown[], R>(fn: Spawnable<A, R>, ...args: A): Pid;
  spawnWith<A extends unknown[], R>(options: SpawnOptions, fn: Spawnable<A, R>, ...args: A): Pid;
  /** `spawnWith` with the arguments as one array (read, not kept past the call): for plugins that hold them in a command. */
  spawnArgs<A extends unknown[], R>(options: SpawnOptions, fn: Spawnable<A, R>, args: Readonly<A>): Pid;
  /** Spawn a process whose body is a driver rather than a generator function. */
  spawnBody(options: SpawnOptions, body: (ctx: ProcessContext) => ProcessBody): Pid;
  /** Spawn and wait: resolves with the return value, rejects with the process's error. */
  run<A extends unknown[], R>(fn: Spawnable<A, R>, ...args: A): Promise<R>;
  /**
   * Put a message in a process's mailbox (`to` is a PID or a registered name). False when no such
   * process is alive; throws BAD_PID for a malformed PID, NO_SUCH_NAME for an unknown name and
   * MAILBOX_FULL when the target's mailbox is full under the `error` policy.
   */
  send(to: Pid | string, topic: string, payload: unknown, from?: Pid): boolean;
  terminate(pid: Pid): boolean;
  cancel(pid: Pid, reason?: unknown): boolean;
  /** `watcher` gets a pid.exit message on "@pid/events" when `target` ends. Returns the monitor ref. */
  monitor(watcher: Pid, target: Pid): number;
  demonitor(watcher: Pid, ref: number): boolean;
  link(a: Pid, b: Pid): void;
  unlink(a: Pid, b: Pid): void;
  isAlive(pid: Pid): boolean;
  /** Register `pid` under `name` (NAME_TAKEN if another live process holds it). Released when the process ends. */
  register(name: string, pid: Pid): void;
  /** Drop a name. False when it was not registered. */
  unregister(name: string): boolean;
  /** The PID registered under `name`, if any. */
  whereis(name: string): Pid | undefined;
  /** Resolves with the exit reason when the process ends. */
  wait(pid: Pid): Promise<ExitReason>;
  /** Call `hook` when the process ends. Returns a disposer. Prefer the resource table for what a process owns. */
  onExit(pid: Pid, hook: (reason: ExitReason) => void): () => void;
  /** Observe spawns and exits. Returns a disposer. */
  observe(listener: (event: LifecycleEvent) => void): () => void;
  /** Resolves when no process is ready to run. */
  whenIdle(): Promise<void>;
  stats(): RuntimeStats;
  /** Installed plugins and the IDs each claimed, in boot order. */
  commands(): { plugin: string; ids: CommandID[] }[];
  /** Names of the processes registered at boot (spawnable by name). */
  processNames(): string[];
  /** The boot context once started (values plugins provided). */
  readonly context: BootContext;
  /**
   * The runtime's event bus, created on first use. From then on the runtime publishes
   * process lifecycle events on it: system "process", kind "spawn" | "exit", path = PID.
   */
  readonly bus: EventBus;
}
