import { CommandBase, type Command, type ResultOf } from '@switchyard/dispatcher';
import { describeValue } from '@switchyard/errors';
import { ArgumentError } from './errors.js';
import type { Handle } from './resources.js';
import type { Message, Pid } from './types.js';

/** Command IDs of the core module (200–255 are reserved for it). */
export const CoreCommand = {
  All: 200,
  Race: 201,
  Receive: 202,
  Self: 203,
  Transfer: 204,
  Register: 205,
  Unregister: 206,
  WhereIs: 207,
} as const;

export interface ReceiveOptions {
  /** Only a message on this topic; others stay in the mailbox in order. Default: any topic. */
  topic?: string;
  /** Fail with ReceiveTimeoutError after this many ms. Default: wait forever. */
  timeout?: number;
}

export class ReceiveCmd<T = unknown> extends CommandBase<Message<T>> {
  readonly id = CoreCommand.Receive;
  constructor(
    readonly topic: string | undefined,
    readonly timeout: number | undefined,
  ) {
    super();
  }
}

type Results<T extends readonly Command[]> = { -readonly [K in keyof T]: ResultOf<T[K]> };

export class AllCmd<T extends readonly Command[]> extends CommandBase<Results<T>> {
  readonly id = CoreCommand.All;
  constructor(readonly commands: T) {
    super();
  }
}

export class RaceCmd<T extends readonly Command[]> extends CommandBase<ResultOf<T[number]>> {
  readonly id = CoreCommand.Race;
  constructor(readonly commands: T) {
    super();
  }
}

export class SelfCmd extends CommandBase<Pid> {
  readonly id = CoreCommand.Self;
}

export class TransferCmd extends CommandBase<void> {
  readonly id = CoreCommand.Transfer;
  constructor(
    readonly handle: Handle,
    readonly to: Pid,
  ) {
    super();
  }
}

export class RegisterCmd extends CommandBase<void> {
  readonly id = CoreCommand.Register;
  constructor(
    readonly name: string,
    readonly pid: Pid | undefined,
  ) {
    super();
  }
}

export class UnregisterCmd extends CommandBase<boolean> {
  readonly id = CoreCommand.Unregister;
  constructor(readonly name: string) {
    super();
  }
}

export class WhereIsCmd extends CommandBase<Pid | undefined> {
  readonly id = CoreCommand.WhereIs;
  constructor(readonly name: string) {
    super();
  }
}

/**
 * The command of every receive() without options: commands carry no state, so one instance
 * serves every process (no allocation per receive, none held by a parked process).
 */
const RECEIVE_ANY = new ReceiveCmd<unknown>(undefined, undefined);

/** Wait for the next message (selectively by topic), optionally with a timeout. */
export function receive<T = unknown>(options?: ReceiveOptions): ReceiveCmd<T> {
  if (options === undefined) return RECEIVE_ANY as ReceiveCmd<T>;
  const { topic, timeout } = options;
  if (topic === undefined && timeout === undefined) return RECEIVE_ANY as ReceiveCmd<T>;
  if (topic !== undefined && typeof topic !== 'string') throw new ArgumentError('topic', `receive(): topic must be a string, got ${describeValue(topic)}`);
  if (timeout !== undefined && !(typeof timeout === 'number' && timeout >= 0 && Number.isFinite(timeout))) {
    throw new ArgumentError('timeout', `receive(): timeout must be a finite number of ms >= 0, got ${describeValue(timeout)}`);
  }
  return new ReceiveCmd<T>(topic, timeout);
}

/** Dispatch several commands in one step; resume with all results in order. The first error wins and aborts the rest. */
export function all<const T extends readonly Command[]>(commands: T): AllCmd<T> {
  if (!Array.isArray(commands)) throw new ArgumentError('commands', `all() takes an array of commands, got ${describeValue(commands)}`);
  return new AllCmd(commands);
}

/** Dispatch several commands in one step; resume with the first to complete and abort the rest. */
export function race<const T extends readonly Command[]>(commands: T): RaceCmd<T> {
  if (!Array.isArray(commands) || commands.length === 0) {
    throw new ArgumentError('commands', `race() takes a non-empty array of commands, got ${describeValue(commands)}`);
  }
  return new RaceCmd(commands);
}

/** The command of every self(): stateless, so one instance serves every call. */
const SELF = new SelfCmd();

/** The PID of the calling process. */
export function self(): SelfCmd {
  return SELF;
}

/** Give a resource the calling process owns to another process; the caller can no longer use it. */
export function transfer(handle: Handle, to: Pid): TransferCmd {
  return new TransferCmd(handle, to);
}

/** Register the calling process (or `pid`) under `name`; NAME_TAKEN if a live process holds it. */
export function register(name: string, pid?: Pid): RegisterCmd {
  return new RegisterCmd(checkName(name, 'register'), pid);
}

/** Drop a registered name; resumes with false when it was not registered. */
export function unregister(name: string): UnregisterCmd {
  return new UnregisterCmd(checkName(name, 'unregister'));
}

/** The PID registered under `name`, or undefined. */
export function whereis(name: string): WhereIsCmd {
  return new WhereIsCmd(checkName(name, 'whereis'));
}

/** Process names: not empty, no braces (a string starting with "{" is a PID), at most 200 characters. */
export function checkName(name: unknown, doing: string): string {
  if (typeof name !== 'string' || name.length === 0 || name.length > 200 || name.startsWith('{')) {
    throw new ArgumentError('name', `${doing}(): a process name is a non-empty string of at most 200 characters not starting with "{", got ${describeValue(name)}`);
  }
  return name;
}
