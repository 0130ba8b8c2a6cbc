import { CommandBase, type Command, type ResultOf } from '@switchyard/dispatcher';
import type { Message, Pid } from './types.js';

/** Command IDs of the core module (200–255 are reserved for it). */
export const CoreCommand = {
  Receive: 200,
  All: 201,
  Race: 202,
  Self: 203,
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

/** Wait for the next message (selectively by topic), optionally with a timeout. */
export function receive<T = unknown>(options: ReceiveOptions = {}): ReceiveCmd<T> {
  const { topic, timeout } = options;
  if (topic !== undefined && typeof topic !== 'string') throw new TypeError(`receive(): topic must be a string, got ${typeof topic}`);
  if (timeout !== undefined && !(typeof timeout === 'number' && timeout >= 0 && Number.isFinite(timeout))) {
    throw new RangeError(`receive(): timeout must be a finite number of ms >= 0, got ${String(timeout)}`);
  }
  return new ReceiveCmd<T>(topic, timeout);
}

/** Dispatch several commands in one step; resume with all results in order. The first error wins and aborts the rest. */
export function all<const T extends readonly Command[]>(commands: T): AllCmd<T> {
  if (!Array.isArray(commands)) throw new TypeError('all() takes an array of commands');
  return new AllCmd(commands);
}

/** Dispatch several commands in one step; resume with the first to complete and abort the rest. */
export function race<const T extends readonly Command[]>(commands: T): RaceCmd<T> {
  if (!Array.isArray(commands) || commands.length === 0) throw new TypeError('race() takes a non-empty array of commands');
  return new RaceCmd(commands);
}

/** The PID of the calling process. */
export function self(): SelfCmd {
  return new SelfCmd();
}
