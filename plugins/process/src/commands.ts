import { CommandBase } from '@switchyard/dispatcher';
import type { Pid, ProcessFn } from '@switchyard/runtime';

/** Process command IDs (1–9). */
export const ProcessCommand = {
  Send: 1,
  Spawn: 2,
  Terminate: 3,
  Cancel: 4,
  Monitor: 5,
  Unmonitor: 6,
  Link: 7,
  Unlink: 8,
  Exec: 9,
} as const;

export class SendCmd extends CommandBase<boolean> {
  readonly id = ProcessCommand.Send;
  constructor(
    readonly to: Pid,
    readonly topic: string,
    readonly payload: unknown,
  ) {
    super();
  }
}

export class SpawnCmd extends CommandBase<Pid> {
  readonly id = ProcessCommand.Spawn;
  constructor(
    readonly fn: ProcessFn<never[], unknown>,
    readonly args: readonly unknown[],
    readonly link: boolean,
  ) {
    super();
  }
}

export class TerminateCmd extends CommandBase<boolean> {
  readonly id = ProcessCommand.Terminate;
  constructor(readonly target: Pid) {
    super();
  }
}

export class CancelCmd extends CommandBase<boolean> {
  readonly id = ProcessCommand.Cancel;
  constructor(
    readonly target: Pid,
    readonly reason: unknown,
  ) {
    super();
  }
}

export class MonitorCmd extends CommandBase<number> {
  readonly id = ProcessCommand.Monitor;
  constructor(readonly target: Pid) {
    super();
  }
}

export class UnmonitorCmd extends CommandBase<boolean> {
  readonly id = ProcessCommand.Unmonitor;
  constructor(readonly ref: number) {
    super();
  }
}

export class LinkCmd extends CommandBase<void> {
  readonly id = ProcessCommand.Link;
  constructor(readonly target: Pid) {
    super();
  }
}

export class UnlinkCmd extends CommandBase<void> {
  readonly id = ProcessCommand.Unlink;
  constructor(readonly target: Pid) {
    super();
  }
}

export class ExecCmd<R> extends CommandBase<R> {
  readonly id = ProcessCommand.Exec;
  constructor(
    readonly fn: ProcessFn<never[], R>,
    readonly args: readonly unknown[],
  ) {
    super();
  }
}

function checkPid(pid: unknown, what: string): Pid {
  if (typeof pid !== 'string' || pid === '') throw new TypeError(`${what}: pid must be a non-empty string, got ${typeof pid}`);
  return pid;
}

function checkFn(fn: unknown, what: string): void {
  if (typeof fn !== 'function') throw new TypeError(`${what}: expected a generator function, got ${typeof fn}`);
}

/** Put a message on `topic` in another process's mailbox. Resolves to false when it is not alive. */
export const send = (to: Pid, topic: string, payload: unknown): SendCmd => {
  if (typeof topic !== 'string') throw new TypeError(`send(): topic must be a string, got ${typeof topic}`);
  return new SendCmd(checkPid(to, 'send()'), topic, payload);
};

/** Start a process; resolves to its PID. */
export function spawn<A extends unknown[], R>(fn: ProcessFn<A, R>, ...args: A): SpawnCmd {
  checkFn(fn, 'spawn()');
  return new SpawnCmd(fn as unknown as ProcessFn<never[], unknown>, args, false);
}

/** Start a process linked to the caller. */
export function spawnLink<A extends unknown[], R>(fn: ProcessFn<A, R>, ...args: A): SpawnCmd {
  checkFn(fn, 'spawnLink()');
  return new SpawnCmd(fn as unknown as ProcessFn<never[], unknown>, args, true);
}

/** End a process at once (its finally blocks run). Resolves to false when it was not alive. */
export const terminate = (pid: Pid): TerminateCmd => new TerminateCmd(checkPid(pid, 'terminate()'));

/** Ask a process to stop: it ends cancelled, or, if it traps cancels, gets a pid.cancel message. */
export const cancel = (pid: Pid, reason: unknown = 'cancelled'): CancelCmd => new CancelCmd(checkPid(pid, 'cancel()'), reason);

/** Get a pid.exit message on "@pid/events" when `pid` ends. Resolves to the monitor ref. */
export const monitor = (pid: Pid): MonitorCmd => new MonitorCmd(checkPid(pid, 'monitor()'));

export const unmonitor = (ref: number): UnmonitorCmd => new UnmonitorCmd(ref);

/** Link both ways: an abnormal exit of either fails the other, unless it traps links. */
export const link = (pid: Pid): LinkCmd => new LinkCmd(checkPid(pid, 'link()'));

export const unlink = (pid: Pid): UnlinkCmd => new UnlinkCmd(checkPid(pid, 'unlink()'));

/** Spawn a process and wait for it: resolves to its return value, throws its error. */
export function exec<A extends unknown[], R>(fn: ProcessFn<A, R>, ...args: A): ExecCmd<R> {
  checkFn(fn, 'exec()');
  return new ExecCmd<R>(fn as unknown as ProcessFn<never[], R>, args);
}
