import type { Handler } from '@switchyard/dispatcher';
import { describeValue, didYouMean } from '@switchyard/errors';
import type { Done, Functions } from '@switchyard/plugin-function';
import { requireScopes, YieldAbandonedError, type Handle, type Pid, type PluginContext } from '@switchyard/runtime';
import type { Binding } from './bindings.js';
import {
  ContractCommand,
  type AsyncCallCmd,
  type AsyncCancelCmd,
  type CloseCmd,
  type ContractCallCmd,
  type ContractCallMessage,
  type OpenCmd,
} from './commands.js';
import type { Contract } from './contract.js';
import { ContractError } from './errors.js';
import { formatPath, type StandardSchemaV1 } from './schema.js';

export const HANDLE_KIND = 'contract';
export const CALL_KIND = 'contract.call';

/** What a contract handle holds: the binding and the values bound at open. */
interface OpenContract {
  readonly binding: Binding;
  readonly context: Readonly<Record<string, unknown>>;
}

interface StartedCall {
  readonly controller: AbortController;
  readonly caller: Pid;
  readonly topic: string;
}

/** Validate with a Standard Schema; `then` gets the value or the issues. Synchronous when the schema is. */
function validate(schema: StandardSchemaV1, value: unknown, then: (issues: readonly StandardSchemaV1.Issue[] | undefined, value: unknown, later: boolean) => void): void {
  const r = schema['~standard'].validate(value);
  if (r instanceof Promise) {
    r.then(
      (res) => then(res.issues, res.issues === undefined ? res.value : undefined, true),
      (e: unknown) => then([{ message: `the validator failed: ${e instanceof Error ? e.message : describeValue(e)}` }], undefined, true),
    );
  } else {
    then(r.issues, r.issues === undefined ? r.value : undefined, false);
  }
}

/** Read a signal given as itself or lazily. */
const signalOf = (s: AbortSignal | (() => AbortSignal)): AbortSignal => (typeof s === 'function' ? s() : s);

/** The contract plugin's state for one runtime. */
export class ContractHandlers {
  private calls = 0;
  private refusals = 0;
  private readonly byContract = new Map<string, Binding[]>();

  constructor(
    private readonly ctx: PluginContext,
    private readonly functions: Functions,
    private readonly bindings: ReadonlyMap<string, Binding>,
    private readonly contracts: ReadonlyMap<string, Contract>,
  ) {
    for (const b of bindings.values()) {
      const list = this.byContract.get(b.contract.name) ?? [];
      list.push(b);
      this.byContract.set(b.contract.name, list);
    }
  }

  stats(): Record<string, number> {
    return { bindings: this.bindings.size, calls: this.calls, refusals: this.refusals };
  }

  private binding(contractName: unknown, wanted: unknown): Binding {
    const list = typeof contractName === 'string' ? this.byContract.get(contractName) : undefined;
    if (list === undefined) {
      const known = [...this.contracts.keys()];
      throw new ContractError(
        'NO_SUCH_CONTRACT',
        `no contract ${describeValue(contractName)} is bound${typeof contractName === 'string' ? didYouMean(contractName, known) : ''} (bound: ${known.map((n) => `"${n}"`).join(', ') || 'none'})`,
        { contract: typeof contractName === 'string' ? contractName : undefined },
      );
    }
    const names = list.map((b) => b.name);
    if (wanted === undefined) {
      if (list.length === 1) return list[0]!;
      throw new ContractError('CONTRACT_BAD_ARGUMENT', `contract "${contractName as string}" has ${list.length} bindings (${names.map((n) => `"${n}"`).join(', ')}): pass { binding } to open()`, { contract: contractName as string });
    }
    const b = list.find((x) => x.name === wanted);
    if (b === undefined) {
      throw new ContractError('NO_SUCH_CONTRACT', `contract "${contractName as string}" has no binding ${describeValue(wanted)}${typeof wanted === 'string' ? didYouMean(wanted, names) : ''} (bindings: ${names.map((n) => `"${n}"`).join(', ')})`, {
        contract: contractName as string,
        binding: typeof wanted === 'string' ? wanted : undefined,
      });
    }
    return b;
  }

  /** Validate input → call the bound function → validate output. `done` once, unless `signal` aborted. */
  private run(caller: Pid, open: OpenContract, method: unknown, input: unknown, signal: AbortSignal | (() => AbortSignal), timeoutMs: number | undefined, done: Done): void {
    const { binding } = open;
    const contract = binding.contract;
    const fn = typeof method === 'string' ? binding.methods.get(method) : undefined;
    if (fn === undefined) {
      const known = [...binding.methods.keys()];
      throw new ContractError('NO_SUCH_METHOD', `contract "${contract.name}" has no method ${describeValue(method)}${typeof method === 'string' ? didYouMean(method, known) : ''}`, {
        contract: contract.name,
        binding: binding.name,
      });
    }
    const m = method as string;
    // The handle may have moved to another process: the caller now is who counts.
    requireScopes(`contract binding "${binding.name}"`, binding.scopes, this.ctx.principals.of(caller));
    const schemas = contract.methods[m]!;
    const fields = { contract: contract.name, binding: binding.name, method: m };
    const refuse = (code: 'CONTRACT_INPUT' | 'CONTRACT_OUTPUT', issues: readonly StandardSchemaV1.Issue[]) => {
      this.refusals++;
      const list = issues.map((i) => ({ message: i.message, path: formatPath(i.path) }));
      const first = list[0];
      return new ContractError(
        code,
        `contract "${contract.name}" method "${m}": ${code === 'CONTRACT_INPUT' ? 'input' : `output of function "${fn}"`} is invalid: ${first === undefined ? 'no details' : `${first.path}: ${first.message}`}${list.length > 1 ? ` (and ${list.length - 1} more)` : ''}`,
        { ...fields, issues: list },
      );
    };
    this.calls++;
    validate(schemas.input, input, (issues, value, later) => {
      // After an async validator the caller may have gone; a synchronous one cannot tell.
      if (later && signalOf(signal).aborted) return;
      if (issues !== undefined) return done(refuse('CONTRACT_INPUT', issues));
      try {
        this.functions.invoke(caller, fn, value, { signal, timeoutMs, context: open.context }, (error, output) => {
          if (error !== undefined) return done(error);
          validate(schemas.output, output, (outIssues, outValue, later) => {
            if (later && signalOf(signal).aborted) return;
            if (outIssues !== undefined) return done(refuse('CONTRACT_OUTPUT', outIssues));
            done(undefined, outValue);
          });
        });
      } catch (error) {
        done(error);
      }
    });
  }

  readonly openH: Handler<OpenCmd> = (ctx, cmd, tag, receiver) => {
    const options = cmd.options ?? {};
    if (typeof options !== 'object' || options === null) throw new ContractError('CONTRACT_BAD_ARGUMENT', `open(): options must be { binding?, context? }, got ${describeValue(options)}`);
    const binding = this.binding(cmd.contract, options.binding);
    requireScopes(`contract binding "${binding.name}"`, binding.scopes, this.ctx.principals.of(ctx.pid));
    const context = options.context ?? {};
    if (typeof context !== 'object' || context === null || Array.isArray(context)) {
      throw new ContractError('CONTRACT_BAD_ARGUMENT', `open("${binding.contract.name}"): context must be an object, got ${describeValue(context)}`, { contract: binding.contract.name });
    }
    let snapshot: Record<string, unknown>;
    try {
      // A copy taken now: later changes by the opener do not reach calls.
      snapshot = structuredClone(context) as Record<string, unknown>;
    } catch (e) {
      throw new ContractError('CONTRACT_BAD_ARGUMENT', `open("${binding.contract.name}"): context must be plain data (${e instanceof Error ? e.message : 'not cloneable'})`, { contract: binding.contract.name });
    }
    const value: OpenContract = { binding, context: Object.freeze(snapshot) };
    receiver.completeYield(tag, this.ctx.resources.add(ctx.pid, HANDLE_KIND, value));
  };

  readonly callH: Handler<ContractCallCmd> = (ctx, cmd, tag, receiver) => {
    const open = this.ctx.resources.use<OpenContract>(ctx.pid, cmd.handle, HANDLE_KIND);
    // The yield's signal, read only when needed (valid while the yield is pending).
    this.run(ctx.pid, open, cmd.method, cmd.input, () => ctx.signal, cmd.timeoutMs, (error, output) => receiver.completeYield(tag, output, error));
  };

  readonly asyncCallH: Handler<AsyncCallCmd> = (ctx, cmd, tag, receiver) => {
    const open = this.ctx.resources.use<OpenContract>(ctx.pid, cmd.handle, HANDLE_KIND);
    const topic = cmd.topic;
    if (typeof topic !== 'string' || topic === '') throw new ContractError('CONTRACT_BAD_ARGUMENT', `startCall(): topic must be a non-empty string, got ${describeValue(topic)}`, { contract: open.binding.contract.name });
    const { resources } = this.ctx;
    const state: StartedCall = { controller: new AbortController(), caller: ctx.pid, topic };
    const handle = resources.add(ctx.pid, CALL_KIND, state, (s) => s.controller.abort(new YieldAbandonedError(`startCall() of contract "${open.binding.contract.name}" method "${String(cmd.method)}": the call was cancelled (cancelCall, or its caller ended)`)));
    try {
      this.run(ctx.pid, open, cmd.method, cmd.input, state.controller.signal, cmd.timeoutMs, (error, output) => {
        resources.release(handle);
        const result: ContractCallMessage =
          error === undefined ? { type: 'result', call: handle.id, ok: true, value: output } : { type: 'result', call: handle.id, ok: false, error };
        this.ctx.deliver(state.caller, topic, result);
        this.ctx.deliver(state.caller, topic, { type: 'done', call: handle.id, outcome: error === undefined ? 'ok' : 'error' } satisfies ContractCallMessage);
      });
    } catch (error) {
      resources.release(handle);
      throw error;
    }
    receiver.completeYield(tag, handle);
  };

  readonly asyncCancelH: Handler<AsyncCancelCmd> = (ctx, cmd, tag, receiver) => {
    const handle = cmd.call as Handle | null;
    if (typeof handle !== 'object' || handle === null || handle.kind !== CALL_KIND || typeof handle.id !== 'number') {
      throw new ContractError('CONTRACT_BAD_ARGUMENT', `cancelCall(): expected the handle startCall returned, got ${describeValue(handle)}`);
    }
    const { resources } = this.ctx;
    if (resources.get(handle) === undefined) {
      receiver.completeYield(tag, false);
      return;
    }
    const state = resources.use<StartedCall>(ctx.pid, handle, CALL_KIND);
    resources.close(ctx.pid, handle, CALL_KIND);
    this.ctx.deliver(state.caller, state.topic, { type: 'done', call: handle.id, outcome: 'cancelled' } satisfies ContractCallMessage);
    receiver.completeYield(tag, true);
  };

  readonly closeH: Handler<CloseCmd> = (ctx, cmd, tag, receiver) => {
    this.ctx.resources.close(ctx.pid, cmd.handle, HANDLE_KIND);
    receiver.completeYield(tag, undefined);
  };

  get handlers() {
    return {
      [ContractCommand.Open]: this.openH,
      [ContractCommand.Call]: this.callH,
      [ContractCommand.AsyncCall]: this.asyncCallH,
      [ContractCommand.AsyncCancel]: this.asyncCancelH,
      [ContractCommand.Close]: this.closeH,
    };
  }
}
