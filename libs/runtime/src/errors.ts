import { describeValue, didYouMean } from '@switchyard/errors';
import { SwitchyardError } from '@switchyard/errors';
import type { ExitReason, Pid } from './types.js';

/** `receive()` waited longer than its timeout. */
export class ReceiveTimeoutError extends SwitchyardError {
  readonly topic: string | undefined;
  readonly timeoutMs: number;
  constructor(topic: string | undefined, timeoutMs: number) {
    super('RECEIVE_TIMEOUT', `receive on ${topic === undefined ? 'any topic' : `topic "${topic}"`} timed out after ${timeoutMs} ms`);
    this.topic = topic;
    this.timeoutMs = timeoutMs;
  }
}

/** A process failed because a process linked to it exited abnormally. */
export class LinkedExitError extends SwitchyardError {
  readonly peer: Pid;
  readonly reason: ExitReason;
  constructor(peer: Pid, reason: ExitReason) {
    super('LINKED_EXIT', `linked process ${peer} exited (${describeExit(reason)})`, {
      cause: reason.kind === 'error' ? reason.error : undefined,
    });
    this.peer = peer;
    this.reason = reason;
  }
}

/** `run()`/`exec` of a process that was terminated. */
export class ProcessTerminatedError extends SwitchyardError {
  readonly pid: Pid;
  constructor(pid: Pid) {
    super('TERMINATED', `process ${pid} was terminated`);
    this.pid = pid;
  }
}

/** `run()`/`exec` of a process that was cancelled. */
export class ProcessCancelledError extends SwitchyardError {
  readonly pid: Pid;
  readonly reason: unknown;
  constructor(pid: Pid, reason: unknown) {
    super('CANCELLED', `process ${pid} was cancelled: ${String(reason)}`);
    this.pid = pid;
    this.reason = reason;
  }
}

/** A handle a process used, as errors show it. */
export interface HandleLike {
  readonly kind: string;
  readonly id: number;
}

function showHandle(handle: unknown): string {
  const h = handle as Partial<HandleLike> | null;
  return typeof h === 'object' && h !== null && typeof h.kind === 'string' && typeof h.id === 'number'
    ? `${h.kind} #${h.id}`
    : describeValue(handle);
}

/** A process used a resource handle that another process owns. */
export class NotOwnerError extends SwitchyardError {
  readonly handle: unknown;
  readonly pid: Pid;
  readonly owner: Pid;
  constructor(handle: unknown, pid: Pid, owner: Pid) {
    super('NOT_OWNER', `process ${pid} cannot use ${showHandle(handle)}: it is owned by ${owner} (ownership moves only with transfer())`);
    this.handle = handle;
    this.pid = pid;
    this.owner = owner;
  }
}

/** A process used a handle that is unknown, closed, or of another kind. */
export class NoSuchResourceError extends SwitchyardError {
  readonly handle: unknown;
  readonly pid: Pid;
  constructor(handle: unknown, pid: Pid, why: string) {
    super('NO_SUCH_RESOURCE', `process ${pid} used ${showHandle(handle)}: ${why}`);
    this.handle = handle;
    this.pid = pid;
  }
}

/** More live resources than the table has slots for (2^24 at once). */
export class ResourceTableFullError extends SwitchyardError {
  readonly kind: string;
  constructor(kind: string, slots: number) {
    super('RESOURCE_TABLE_FULL', `cannot add a ${kind}: the resource table is full (${slots} live resources)`);
    this.kind = kind;
  }
}

/** A send to a mailbox that is full under the `error` policy. */
export class MailboxFullError extends SwitchyardError {
  readonly pid: Pid;
  readonly capacity: number;
  constructor(pid: Pid, capacity: number) {
    super('MAILBOX_FULL', `the mailbox of ${pid} is full (${capacity} messages): the message was not delivered`);
    this.pid = pid;
    this.capacity = capacity;
  }
}

/** A string that is not a PID where a PID was expected. */
export class BadPidError extends SwitchyardError {
  readonly value: unknown;
  constructor(value: unknown, doing: string) {
    super('BAD_PID', `cannot ${doing}: ${describeValue(value)} is not a PID (PIDs look like "{local|0x00001}")`);
    this.value = value;
  }
}

/** `register` of a name a live process already holds. */
export class NameTakenError extends SwitchyardError {
  /** The process name that was asked for (`name` is the error class name, as for every Error). */
  readonly processName: string;
  readonly holder: Pid;
  constructor(name: string, holder: Pid) {
    super('NAME_TAKEN', `the name "${name}" is already registered to ${holder}`);
    this.processName = name;
    this.holder = holder;
  }
}

/** A send (or other use) of a process name nobody registered. */
export class NoSuchNameError extends SwitchyardError {
  readonly processName: string;
  constructor(name: string, doing: string, known: readonly string[] = []) {
    super('NO_SUCH_NAME', `cannot ${doing}: no process is registered as "${name}"${didYouMean(name, known)}`);
    this.processName = name;
  }
}

/** spawn() of something that is not a process: not a generator function, or an unknown process name. */
export class SpawnError extends SwitchyardError {
  constructor(code: 'BAD_SPAWN' | 'NO_SUCH_PROCESS_NAME' | 'BAD_PRINCIPAL', message: string) {
    super(code, message);
  }
}

/** A runtime API called with a wrong argument (a topic that is not a string, a bad timeout, …). */
export class ArgumentError extends SwitchyardError {
  readonly argument: string;
  constructor(argument: string, message: string) {
    super('BAD_ARGUMENT', message);
    this.argument = argument;
  }
}

export class NoSuchProcessError extends SwitchyardError {
  readonly pid: string;
  constructor(pid: string, doing: string) {
    super('NO_SUCH_PROCESS', `cannot ${doing}: no live process ${pid}`);
    this.pid = pid;
  }
}

/** A process yielded something that is not a command, or misused a core command. */
export class BadYieldError extends SwitchyardError {
  constructor(message: string) {
    super('BAD_YIELD', message);
  }
}

/**
 * Why a yield's `ctx.signal` aborted (its `reason`): the process ended, the yield lost a `race()`,
 * another member of its `all()` failed. A handler that passes the signal on (to fetch, a timer)
 * sees this as the rejection; the process itself never gets it.
 */
export class YieldAbandonedError extends SwitchyardError {
  constructor(message: string) {
    super('YIELD_ABANDONED', message);
  }
}

/** A handler threw `null`/`undefined` (or a host answered with one): the process gets this instead. */
export class NullishFailureError extends SwitchyardError {
  readonly commandId: number | undefined;
  constructor(commandId: number | undefined, who: string) {
    super('NULLISH_FAILURE', `${who}${commandId === undefined ? '' : ` for command ID ${commandId}`} failed the yield with a nullish value instead of an error`);
    this.commandId = commandId;
  }
}

/** A runtime method called in the wrong phase (spawn before start, after stop, …). */
export class RuntimeStateError extends SwitchyardError {
  constructor(message: string) {
    super('RUNTIME_STATE', message);
  }
}

/** A plugin definition or option is wrong. */
export class PluginError extends SwitchyardError {
  readonly plugin: string;
  constructor(plugin: string, message: string) {
    super('BAD_PLUGIN', `plugin "${plugin}": ${message}`);
    this.plugin = plugin;
  }
}

export function describeExit(reason: ExitReason): string {
  switch (reason.kind) {
    case 'normal':
      return 'normal';
    case 'error':
      return `error: ${reason.error instanceof Error ? reason.error.message : String(reason.error)}`;
    case 'terminated':
      return 'terminated';
    case 'cancelled':
      return `cancelled: ${String(reason.reason)}`;
  }
}

/** The error `run()` rejects with for an abnormal exit. */
export function exitError(pid: Pid, reason: ExitReason): unknown {
  switch (reason.kind) {
    case 'error':
      return reason.error;
    case 'terminated':
      return new ProcessTerminatedError(pid);
    case 'cancelled':
      return new ProcessCancelledError(pid, reason.reason);
    default:
      return undefined;
  }
}
