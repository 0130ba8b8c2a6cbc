import { CommandBase } from '@switchyard/dispatcher';
import { describeValue } from '@switchyard/errors';
import { ArgumentError, isPid, type Pid, type ProcessFn, type Spawnable, type SpawnOptions } from '@switchyard/runtime';

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
    /** A PID or a registered name. */
    readonly to: Pid | string,
    readonly topic: string,
    readonly payload: unknown,
  ) {
    super();
  }
}

/** The options of every spawn that gives none: shared, so a spawn allocates no options object. */
const NO_OPTIONS: SpawnOptions = Object.freeze({});

export class SpawnCmd extends CommandBase<Pid> {
  readonly id = ProcessCommand.Spawn;
  constructor(
    readonly fn: Spawnable<never[], unknown>,
    readonly args: readonly unknown[],
    readonly link: boolean,
    readonly options: SpawnOptions = NO_OPTIONS,
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
    readonly fn: Spawnable<never[], R>,
    readonly args: readonly unknown[],
  ) {
    super();
  }
}

/**
 * One instance of each hot command, held for the module's lifetime: V8 collects a class's hidden
 * class when its last instance dies, and with it the optimized code of everything that handled
 * it (see the runtime's keepShapes). Keeps send/spawn fast after a moment with none in flight.
 * Exported only so that it stays alive: V8 drops a module constant that nothing can read.
 * @internal
 */
export const COMMAND_SHAPES: readonly object[] = Object.freeze([new SendCmd('{shape|0x00000}', 'shape', 0), new SpawnCmd(() => undefined as never, [], false)]);

function checkPid(pid: unknown, what: string): Pid {
  if (!isPid(pid)) throw new ArgumentError('pid', `${what}: expected a PID like "{local|0x00001}", got ${describeValue(pid)}`);
  return pid;
}

function checkTarget(to: unknown, what: string): string {
  if (typeof to !== 'string' || to === '') throw new ArgumentError('to', `${what}: expected a PID or a registered name, got ${describeValue(to)}`);
  if (to.startsWith('{')) checkPid(to, what);
  return to;
}

function checkFn(fn: unknown, what: string): void {
  if (typeof fn !== 'function' && (typeof fn !== 'string' || fn === '')) {
    throw new ArgumentError('fn', `${what}: expected a generator function or a registered process name, got ${describeValue(fn)}`);
  }
}

/**
 * Put a message on `topic` in another process's mailbox; `to` is a PID or a registered name.
 * Resolves to false when the process is not alive; fails with MAILBOX_FULL when its mailbox is
 * full (policy `error`) and NO_SUCH_NAME for an unknown name.
 */
export const send = (to: Pid | string, topic: string, payload: unknown): SendCmd => {
  if (typeof topic !== 'string') throw new ArgumentError('topic', `send(): topic must be a string, got ${describeValue(topic)}`);
  return new SendCmd(checkTarget(to, 'send()'), topic, payload);
};

/** Start a process (a generator function or a name registered at boot); resolves to its PID. */
export function spawn<A extends unknown[], R>(fn: ProcessFn<A, R> | string, ...args: A): SpawnCmd {
  checkFn(fn, 'spawn()');
  return new SpawnCmd(fn as unknown as Spawnable<never[], unknown>, args, false);
}

/** Start a process with options (mailbox bound, name, trapLinks…); `link: true` links it to the caller. */
export function spawnWith<A extends unknown[], R>(options: Omit<SpawnOptions, 'linkTo' | 'host'> & { link?: boolean }, fn: ProcessFn<A, R> | string, ...args: A): SpawnCmd {
  checkFn(fn, 'spawnWith()');
  if (typeof options !== 'object' || options === null) throw new ArgumentError('options', `spawnWith(): options must be an object, got ${describeValue(options)}`);
  const { link = false, ...rest } = options;
  return new SpawnCmd(fn as unknown as Spawnable<never[], unknown>, args, link, rest);
}

/** Start a process linked to the caller. */
export function spawnLink<A extends unknown[], R>(fn: ProcessFn<A, R> | string, ...args: A): SpawnCmd {
  checkFn(fn, 'spawnLink()');
  return new SpawnCmd(fn as unknown as Spawnable<never[], unknown>, args, true);
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
export function exec<A extends unknown[], R>(fn: ProcessFn<A, R> | string, ...args: A): ExecCmd<R> {
  checkFn(fn, 'exec()');
  return new ExecCmd<R>(fn as unknown as Spawnable<never[], R>, args);
}
