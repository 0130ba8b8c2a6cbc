import { CommandBase, type Command } from '@switchyard/dispatcher';
import type { Pid, Principal, ProcessContext } from '@switchyard/runtime';

/** Function command IDs (140–149). */
export const FunctionCommand = {
  Call: 140,
  AsyncStart: 141,
  AsyncCancel: 142,
} as const;

/** What an async function sees besides its input. */
export interface FunctionContext {
  /** The name the function was called by, e.g. "billing.charge". */
  readonly name: string;
  /** The PID of the calling process. */
  readonly caller: Pid;
  /** Who the caller acts for (undefined: no principal). A generator function reads `ctx.principal`: its process inherits it. */
  readonly principal: Principal | undefined;
  /** Aborts when the call is no longer wanted: timeout, cancel, or the caller ended. */
  readonly signal: AbortSignal;
  /** Values bound to the call by its caller's contract handle (empty for plain calls). A generator function gets them as its third argument. */
  readonly context: Readonly<Record<string, unknown>>;
}

/** `async (ctx, input) => output`: runs inside the plugin, with the call's signal. */
export type AsyncFunction<I = never, O = unknown> = (ctx: FunctionContext, input: I) => O | Promise<O>;

/** `function* (ctx, input) { … }`: runs as a child process of the caller; its return value is the output. */
export type GeneratorFunction<I = never, O = unknown> = (ctx: ProcessContext, input: I) => Generator<Command, O, unknown>;

export interface CallOptions {
  /** Fail with FUNCTION_TIMEOUT (and abort the function) after this many ms of the runtime clock. */
  timeoutMs?: number;
}

export interface StartOptions extends CallOptions {
  /** The topic the result and the done message arrive on. */
  topic: string;
}

/** The handle of a call started with `startCall`; the caller owns it. */
export interface AsyncCall {
  readonly kind: 'function.call';
  readonly id: number;
}

/** Messages of a call started with `startCall`: a result (unless cancelled), then done. */
export type AsyncCallMessage<T = unknown> =
  | { readonly type: 'result'; readonly call: number; readonly ok: true; readonly value: T }
  | { readonly type: 'result'; readonly call: number; readonly ok: false; readonly error: unknown }
  | { readonly type: 'done'; readonly call: number; readonly outcome: 'ok' | 'error' | 'cancelled' };

export class CallCmd<O = unknown> extends CommandBase<O> {
  readonly id = FunctionCommand.Call;
  constructor(
    readonly name: string,
    readonly input: unknown,
    readonly timeoutMs: number | undefined,
  ) {
    super();
  }
}

export class AsyncStartCmd extends CommandBase<AsyncCall> {
  readonly id = FunctionCommand.AsyncStart;
  constructor(
    readonly name: string,
    readonly input: unknown,
    readonly topic: string,
    readonly timeoutMs: number | undefined,
  ) {
    super();
  }
}

export class AsyncCancelCmd extends CommandBase<boolean> {
  readonly id = FunctionCommand.AsyncCancel;
  constructor(readonly call: unknown) {
    super();
  }
}

/** Call the function registered as `name` and wait for its output (or its error, revived with its code). */
export const call = <O = unknown>(name: string, input?: unknown, options: CallOptions = {}): CallCmd<O> =>
  new CallCmd<O>(name, input, options.timeoutMs);

/**
 * Start a call and go on: completes at once with a handle; the result, then a done message,
 * arrive on `options.topic` as AsyncCallMessage payloads.
 */
export const startCall = (name: string, input: unknown, options: StartOptions): AsyncStartCmd =>
  new AsyncStartCmd(name, input, options?.topic, options?.timeoutMs);

/** Abort a started call. True when it was running (a done message with outcome "cancelled" follows); false when it had finished. */
export const cancelCall = (call: AsyncCall): AsyncCancelCmd => new AsyncCancelCmd(call);
