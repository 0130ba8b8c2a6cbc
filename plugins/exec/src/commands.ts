import { constants } from 'node:os';
import { CommandBase } from '@switchyard/dispatcher';
import { checkKeys, describeValue } from '@switchyard/errors';
import type { Handle } from '@switchyard/runtime';
import { ExecError } from './errors.js';

/** Exec command IDs (150–159). */
export const ExecCommand = {
  /** Wait for a child's exit (the design's ProcessWait). */
  ProcessWait: 150,
  Start: 151,
  Kill: 152,
  Write: 153,
  CloseStdin: 154,
  Stop: 155,
  Run: 156,
} as const;

/**
 * Where a child's stdout or stderr goes:
 * - `'ignore'`: nowhere; `'inherit'`: this process's own stream;
 * - `'capture'` or `{ capture: maxBytes }`: kept (up to the cap) and returned in the exit;
 * - `{ lines: topic }`: each line is sent to the owning process as an OutputLine message on `topic`.
 */
export type OutputMode = 'ignore' | 'inherit' | 'capture' | { readonly capture: number } | { readonly lines: string };

export interface StartOptions {
  readonly cwd?: string;
  /** Added to (or, with `inheritEnv: false`, instead of) this process's environment; `undefined` removes a variable. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Default true. */
  readonly inheritEnv?: boolean;
  /** `'ignore'` (default), `'pipe'` (write with writeStdin), or data to write and then close. */
  readonly stdin?: 'ignore' | 'pipe' | string | Uint8Array;
  /** Default `'ignore'` for start(), `'capture'` for run(). */
  readonly stdout?: OutputMode;
  readonly stderr?: OutputMode;
  /** Stop the child (SIGTERM, then SIGKILL after the grace period) after this many ms. */
  readonly timeout?: number;
  /** How long a stop waits after SIGTERM before SIGKILL, ms. Default: the plugin's (2000). */
  readonly grace?: number;
  /** The topic of the exit message the owner gets; null for none. Default "exec.exit". start() only. */
  readonly exitTopic?: string | null;
}

/**
 * A child in the runtime's resource table, owned by the process that started it (or was given it
 * with `transfer`). Every command checks the owner: NOT_OWNER / NO_SUCH_RESOURCE otherwise.
 */
export type ChildHandle = Handle<'child'>;

/** A started child. `child` is its handle in this runtime; `osPid` the operating system's PID. */
export interface ChildInfo {
  readonly child: ChildHandle;
  readonly osPid: number;
  readonly command: string;
  readonly args: readonly string[];
}

/** How a child ended: the result of wait()/run() and the payload of the exit message. */
export interface ChildExit extends ChildInfo {
  /** Exit code, or null when a signal ended it. */
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** The timeout fired. */
  readonly timedOut: boolean;
  /** Something asked it to stop: stop(), the timeout, its owner's end, or shutdown. */
  readonly stopped: boolean;
  /** It outlived the grace period and got SIGKILL. */
  readonly killed: boolean;
  readonly durationMs: number;
  /** Captured output (capture mode only). */
  readonly stdout?: string;
  readonly stderr?: string;
  readonly stdoutTruncated?: boolean;
  readonly stderrTruncated?: boolean;
}

/** Payload of a line message (`{ lines: topic }` mode). */
export interface OutputLine {
  readonly child: ChildHandle;
  readonly stream: 'stdout' | 'stderr';
  readonly line: string;
}

/** A child: its handle, or the ChildInfo start() returned. */
export type ChildRef = ChildHandle | ChildInfo;

export const DEFAULT_EXIT_TOPIC = 'exec.exit';

export class StartCmd extends CommandBase<ChildInfo> {
  readonly id = ExecCommand.Start;
  constructor(
    readonly command: string,
    readonly args: readonly string[],
    readonly options: StartOptions,
  ) {
    super();
  }
}

export class RunCmd extends CommandBase<ChildExit> {
  readonly id = ExecCommand.Run;
  constructor(
    readonly command: string,
    readonly args: readonly string[],
    readonly options: StartOptions,
  ) {
    super();
  }
}

export class WaitCmd extends CommandBase<ChildExit> {
  readonly id = ExecCommand.ProcessWait;
  constructor(readonly child: ChildHandle) {
    super();
  }
}

export class KillCmd extends CommandBase<boolean> {
  readonly id = ExecCommand.Kill;
  constructor(
    readonly child: ChildHandle,
    readonly signal: NodeJS.Signals | number,
  ) {
    super();
  }
}

export class WriteCmd extends CommandBase<void> {
  readonly id = ExecCommand.Write;
  constructor(
    readonly child: ChildHandle,
    readonly data: string | Uint8Array,
  ) {
    super();
  }
}

export class CloseStdinCmd extends CommandBase<void> {
  readonly id = ExecCommand.CloseStdin;
  constructor(readonly child: ChildHandle) {
    super();
  }
}

export class StopCmd extends CommandBase<boolean> {
  readonly id = ExecCommand.Stop;
  constructor(
    readonly child: ChildHandle,
    readonly grace: number | undefined,
    readonly signal: NodeJS.Signals,
  ) {
    super();
  }
}

/** The handle inside a ChildInfo, or the value itself; the resource table judges it (NO_SUCH_RESOURCE). */
function handleOf(ref: ChildRef): ChildHandle {
  const inner = typeof ref === 'object' && ref !== null ? (ref as { child?: unknown }).child : undefined;
  return (typeof inner === 'object' && inner !== null ? inner : ref) as ChildHandle;
}

function checkArgs(command: unknown, args: unknown, what: string): readonly string[] {
  if (typeof command !== 'string' || command === '') throw new ExecError('BAD_EXEC_ARGUMENT', `${what}: command must be a non-empty string, got ${describeValue(command)}`);
  if (!Array.isArray(args)) throw new ExecError('BAD_EXEC_ARGUMENT', `${what}: args must be an array of strings, got ${describeValue(args)}`);
  const i = args.findIndex((a) => typeof a !== 'string');
  if (i >= 0) throw new ExecError('BAD_EXEC_ARGUMENT', `${what}: args[${i}] must be a string, got ${describeValue(args[i])}`);
  return Object.freeze([...(args as string[])]);
}

function checkSignal(signal: unknown, what: string): NodeJS.Signals | number {
  if (typeof signal === 'string' && Object.hasOwn(constants.signals, signal)) return signal as NodeJS.Signals;
  if (typeof signal === 'number' && Number.isInteger(signal) && signal >= 0) return signal;
  throw new ExecError('BAD_EXEC_ARGUMENT', `${what}: unknown signal ${describeValue(signal)} (a name such as "SIGTERM", or a signal number)`);
}

/** Start a child process (no shell). Resolves once it is running; fails with SPAWN_FAILED if it cannot start. */
export const start = (command: string, args: readonly string[] = [], options: StartOptions = {}): StartCmd =>
  new StartCmd(command, checkArgs(command, args, 'start()'), options);

/** Start a child and wait for its exit; output is captured by default. If the caller stops waiting, the child is stopped. */
export const run = (command: string, args: readonly string[] = [], options: StartOptions = {}): RunCmd =>
  new RunCmd(command, checkArgs(command, args, 'run()'), options);

/** Wait for a child's exit (ProcessWait, 150). Resolves at once if it has exited already. */
export const wait = (child: ChildRef): WaitCmd => new WaitCmd(handleOf(child));

/** Send a signal (BAD_EXEC_ARGUMENT for an unknown one). Resolves to false when the child has exited already. */
export const kill = (child: ChildRef, signal: NodeJS.Signals | number = 'SIGTERM'): KillCmd => new KillCmd(handleOf(child), checkSignal(signal, 'kill()'));

/** Write to the child's stdin (started with `stdin: 'pipe'`). Resolves when the data is handed to the OS. */
export const writeStdin = (child: ChildRef, data: string | Uint8Array): WriteCmd => {
  if (typeof data !== 'string' && !(data instanceof Uint8Array)) throw new ExecError('BAD_EXEC_ARGUMENT', `writeStdin(): data must be a string or bytes, got ${describeValue(data)}`);
  return new WriteCmd(handleOf(child), data);
};

/** Close the child's stdin (end of input). */
export const closeStdin = (child: ChildRef): CloseStdinCmd => new CloseStdinCmd(handleOf(child));

/**
 * Stop a child gracefully: `signal` (SIGTERM), then SIGKILL after `grace` ms. Resolves at
 * once, to false when it had exited or was already stopping; wait() for the exit.
 */
export const stop = (child: ChildRef, options: { grace?: number; signal?: NodeJS.Signals } = {}): StopCmd => {
  const o = checkKeys('stop()', options, ['grace', 'signal'], 'BAD_EXEC_OPTION');
  const grace = o.grace;
  if (grace !== undefined && !(typeof grace === 'number' && grace >= 0 && Number.isFinite(grace))) {
    throw new ExecError('BAD_EXEC_OPTION', `stop(): grace must be a finite number of ms >= 0, got ${describeValue(grace)}`);
  }
  const signal = o.signal === undefined ? 'SIGTERM' : checkSignal(o.signal, 'stop()');
  if (typeof signal === 'number') throw new ExecError('BAD_EXEC_ARGUMENT', `stop(): signal must be a signal name such as "SIGINT", got ${signal}`);
  return new StopCmd(handleOf(child), grace as number | undefined, signal);
};
