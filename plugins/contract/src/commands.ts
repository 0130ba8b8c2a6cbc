import { CommandBase } from '@switchyard/dispatcher';
import type { Contract, MethodInput, MethodName, MethodOutput } from './contract.js';

/** Contract command IDs (190–199). */
export const ContractCommand = {
  Open: 190,
  Call: 191,
  AsyncCall: 192,
  AsyncCancel: 193,
  Close: 194,
} as const;

declare const contractType: unique symbol;

/** An open contract: a resource-table handle the opener owns, typed by its contract. */
export interface ContractHandle<C extends Contract = Contract> {
  readonly kind: 'contract';
  readonly id: number;
  /** Type only: the contract this handle speaks. */
  readonly [contractType]?: C;
}

/** A call started with `startCall`; the caller owns it. */
export interface ContractCall {
  readonly kind: 'contract.call';
  readonly id: number;
}

/** Messages of a started call: a result (unless cancelled), then done. */
export type ContractCallMessage<T = unknown> =
  | { readonly type: 'result'; readonly call: number; readonly ok: true; readonly value: T }
  | { readonly type: 'result'; readonly call: number; readonly ok: false; readonly error: unknown }
  | { readonly type: 'done'; readonly call: number; readonly outcome: 'ok' | 'error' | 'cancelled' };

export interface OpenOptions {
  /** Which binding of the contract; needed only when it has more than one. */
  binding?: string;
  /** Values bound to the handle: every call's function sees them as `ctx.context`. JSON-like data. */
  context?: Readonly<Record<string, unknown>>;
}

export interface ContractCallOptions {
  /** FUNCTION_TIMEOUT after this many ms; the function is aborted. */
  timeoutMs?: number;
}

export interface StartContractCallOptions extends ContractCallOptions {
  /** The topic the result and done messages arrive on. */
  topic: string;
}

export class OpenCmd<C extends Contract = Contract> extends CommandBase<ContractHandle<C>> {
  readonly id = ContractCommand.Open;
  constructor(
    readonly contract: string,
    readonly options: OpenOptions | undefined,
  ) {
    super();
  }
}

export class ContractCallCmd<O = unknown> extends CommandBase<O> {
  readonly id = ContractCommand.Call;
  constructor(
    readonly handle: unknown,
    readonly method: string,
    readonly input: unknown,
    readonly timeoutMs: number | undefined,
  ) {
    super();
  }
}

export class AsyncCallCmd extends CommandBase<ContractCall> {
  readonly id = ContractCommand.AsyncCall;
  constructor(
    readonly handle: unknown,
    readonly method: string,
    readonly input: unknown,
    readonly topic: string,
    readonly timeoutMs: number | undefined,
  ) {
    super();
  }
}

export class AsyncCancelCmd extends CommandBase<boolean> {
  readonly id = ContractCommand.AsyncCancel;
  constructor(readonly call: unknown) {
    super();
  }
}

export class CloseCmd extends CommandBase<void> {
  readonly id = ContractCommand.Close;
  constructor(readonly handle: unknown) {
    super();
  }
}

/** Open `contract` through one of its bindings; resolves to a handle typed by the contract. */
export const open = <C extends Contract>(contract: C, options?: OpenOptions): OpenCmd<C> => new OpenCmd<C>(contract?.name, options);

/** Call `method`: the input is validated before the function runs, its output after; both typed by the schemas. */
export const call = <C extends Contract, K extends MethodName<C>>(
  handle: ContractHandle<C>,
  method: K,
  input: MethodInput<C, K>,
  options: ContractCallOptions = {},
): ContractCallCmd<MethodOutput<C, K>> => new ContractCallCmd<MethodOutput<C, K>>(handle, method, input, options.timeoutMs);

/** Start a call and go on: the result (typed as the method's output) then done arrive on `options.topic`. */
export const startCall = <C extends Contract, K extends MethodName<C>>(
  handle: ContractHandle<C>,
  method: K,
  input: MethodInput<C, K>,
  options: StartContractCallOptions,
): AsyncCallCmd => new AsyncCallCmd(handle, method, input, options?.topic, options?.timeoutMs);

/** Abort a started call: true when it was running (one done "cancelled" follows), false when it had finished. */
export const cancelCall = (call: ContractCall): AsyncCancelCmd => new AsyncCancelCmd(call);

/** Close a handle (it also closes when its owner ends). */
export const close = (handle: ContractHandle): CloseCmd => new CloseCmd(handle);
