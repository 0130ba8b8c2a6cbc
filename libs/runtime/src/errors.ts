import { SwitchyardError } from '@switchyard/dispatcher';
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
