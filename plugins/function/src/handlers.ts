import type { Handler } from '@switchyard/dispatcher';
import { describeValue, didYouMean } from '@switchyard/errors';
import { NullishFailureError, requireScopes, type ExitReason, type Handle, type Pid, type PluginContext, type Principal, type ProcessFn, type TimerId } from '@switchyard/runtime';
import {
  FunctionCommand,
  type AsyncCallMessage,
  type AsyncCancelCmd,
  type AsyncStartCmd,
  type CallCmd,
  type FunctionContext,
} from './commands.js';
import { FunctionError } from './errors.js';
import type { RegisteredFunction } from './registry.js';
import { CodecError, cross } from './wire.js';

export const CALL_KIND = 'function.call';

const NO_CONTEXT: Readonly<Record<string, unknown>> = Object.freeze({});

/** How a call ends: `(error)` or `(undefined, output)`; called at most once. */
export type Done = (error: unknown, output?: unknown) => void;

export interface InvokeOptions {
  /**
   * The call is abandoned when this aborts (no `done`); the function's own signal aborts with it.
   * A function is read only when needed (a handler's per-yield `ctx.signal` costs an AbortController).
   */
  signal?: AbortSignal | (() => AbortSignal);
  timeoutMs?: number;
  /** Given to the function as `ctx.context` (a generator function: third argument). Already wire data. */
  context?: Readonly<Record<string, unknown>>;
}

/**
 * What other plugins (contracts) use to call functions: the registry's names and one way to run a
 * call. Provided in the boot context under `functionsKey`.
 */
export interface Functions {
  has(name: string): boolean;
  names(): string[];
  /**
   * Run `name` for `caller`. Throws synchronously for what is wrong before anything runs
   * (NO_SUCH_FUNCTION, FUNCTION_UNSERIALIZABLE input, a bad timeout); otherwise `done` is called
   * once, later, unless `signal` aborted first.
   */
  invoke(caller: Pid, name: string, input: unknown, options: InvokeOptions, done: Done): void;
}

/** One started call (AsyncStart), owned by its caller in the resource table. */
interface AsyncState {
  readonly controller: AbortController;
  readonly caller: Pid;
  readonly topic: string;
  handle: Handle<typeof CALL_KIND> | null;
  finished: boolean;
}

function checkTimeout(name: string, timeoutMs: unknown): number | undefined {
  if (timeoutMs === undefined) return undefined;
  if (typeof timeoutMs !== 'number' || !Number.isFinite(timeoutMs) || timeoutMs <= 0) {
    throw new FunctionError('FUNCTION_BAD_ARGUMENT', `function "${name}": timeoutMs must be a finite number of ms > 0, got ${describeValue(timeoutMs)}`, { function: name });
  }
  return timeoutMs;
}

/** The function plugin's state for one runtime: the registry and the calls in flight. */
export class FunctionHandlers implements Functions {
  private running = 0;
  private calls = 0;

  constructor(
    private readonly ctx: PluginContext,
    private readonly registry: ReadonlyMap<string, RegisteredFunction>,
  ) {}

  has(name: string): boolean {
    return this.registry.has(name);
  }

  names(): string[] {
    return [...this.registry.keys()];
  }

  stats(): Record<string, number> {
    return { functions: this.registry.size, calls: this.calls, running: this.running };
  }

  private lookup(name: unknown): RegisteredFunction {
    const f = typeof name === 'string' ? this.registry.get(name) : undefined;
    if (f !== undefined) return f;
    if (typeof name !== 'string') throw new FunctionError('FUNCTION_BAD_ARGUMENT', `a function name must be a string, got ${describeValue(name)}`);
    const known = this.names();
    throw new FunctionError(
      'NO_SUCH_FUNCTION',
      `no function "${name}"${didYouMean(name, known)}${known.length === 0 ? ' (none are registered: pass functions to functionPlugin)' : ''}`,
      { function: name },
    );
  }

  /** The value as the other side of the wire sees it; the path of what the codec cannot carry. */
  private cross(name: string, direction: 'input' | 'output', value: unknown): unknown {
    try {
      return cross(value);
    } catch (error) {
      if (error instanceof CodecError) {
        throw new FunctionError('FUNCTION_UNSERIALIZABLE', `function "${name}": its ${direction} cannot cross the wire: ${error.message}`, {
          function: name,
          direction,
          path: error.path,
          cause: error,
        });
      }
      throw error;
    }
  }

  /** An error as the caller sees it: revived through the codec, with its code. */
  private revive(error: unknown): unknown {
    try {
      return cross(error);
    } catch {
      return error;
    }
  }

  invoke(caller: Pid, name: string, input: unknown, options: InvokeOptions, done: Done): void {
    const f = this.lookup(name);
    const principal = this.ctx.principals.of(caller);
    requireScopes(`function "${f.name}"`, f.scopes, principal);
    const timeoutMs = checkTimeout(f.name, options.timeoutMs);
    const arg = this.cross(f.name, 'input', input);
    const job = new Job(this, f, options.signal, done);
    this.calls++;
    this.running++;
    if (timeoutMs !== undefined) {
      job.timer = this.ctx.clock.setTimeout(() => {
        job.timer = undefined;
        const error = new FunctionError('FUNCTION_TIMEOUT', `function "${f.name}" did not finish within ${timeoutMs} ms`, { function: f.name });
        job.settle(error);
        job.abort(error);
      }, timeoutMs);
    }
    const context = options.context ?? NO_CONTEXT;
    if (f.generator) this.runProcess(f, principal, arg, context, job);
    else this.runAsync(f, caller, principal, arg, context, job);
  }

  /** A call ended (or was abandoned): book-keeping shared by every path. */
  finished(timer: TimerId): void {
    this.running--;
    if (timer !== undefined) this.ctx.clock.clearTimeout(timer);
  }

  private runAsync(f: RegisteredFunction, caller: Pid, principal: Principal | undefined, input: unknown, context: Readonly<Record<string, unknown>>, job: Job): void {
    const fctx = new AsyncFunctionContext(f.name, caller, principal, context, job);
    let result: unknown;
    try {
      result = (f.fn as (ctx: FunctionContext, input: unknown) => unknown)(fctx, input);
    } catch (error) {
      queueMicrotask(() => job.settle(this.revive(error)));
      return;
    }
    Promise.resolve(result).then(
      (output) => job.settle(undefined, output),
      (error: unknown) => job.settle(this.revive(error ?? new NullishFailureError(undefined, `function "${f.name}"`))),
    );
  }

  private runProcess(f: RegisteredFunction, principal: Principal | undefined, input: unknown, context: Readonly<Record<string, unknown>>, job: Job): void {
    const rt = this.ctx.runtime;
    const child = rt.spawnWith(principal === undefined ? {} : { principal }, f.fn as unknown as ProcessFn<[unknown, unknown], unknown>, input, context);
    rt.onExit(child, (reason: ExitReason) => {
      switch (reason.kind) {
        case 'normal':
          job.settle(undefined, reason.value);
          return;
        case 'error':
          job.settle(this.revive(reason.error));
          return;
        case 'terminated':
          job.settle(new FunctionError('FUNCTION_CANCELLED', `function "${f.name}": its process ${child} was terminated`, { function: f.name }));
          return;
        case 'cancelled':
          job.settle(new FunctionError('FUNCTION_CANCELLED', `function "${f.name}": its process ${child} was cancelled (${describeValue(reason.reason)})`, { function: f.name }));
          return;
      }
    });
    // The caller no longer wants the result (timeout, cancel, caller ended): stop the work, finally blocks run.
    job.signal().addEventListener('abort', () => rt.terminate(child), { once: true });
  }

  /** Output through the codec, or the error naming the function. */
  deliverOutput(f: RegisteredFunction, output: unknown, done: Done): void {
    let value: unknown;
    try {
      value = this.cross(f.name, 'output', output);
    } catch (e) {
      done(e);
      return;
    }
    done(undefined, value);
  }

  // ---------------------------------------------------------------- handlers

  readonly call: Handler<CallCmd> = (ctx, cmd, tag, receiver) => {
    // The yield's signal, read only if the function reads its own: valid while the yield is pending.
    this.invoke(ctx.pid, cmd.name, cmd.input, { signal: () => ctx.signal, timeoutMs: cmd.timeoutMs }, (error, output) =>
      receiver.completeYield(tag, output, error),
    );
  };

  readonly asyncStart: Handler<AsyncStartCmd> = (ctx, cmd, tag, receiver) => {
    const topic = cmd.topic;
    if (typeof topic !== 'string' || topic === '') {
      throw new FunctionError('FUNCTION_BAD_ARGUMENT', `startCall("${String(cmd.name)}"): topic must be a non-empty string, got ${describeValue(topic)}`, {
        function: typeof cmd.name === 'string' ? cmd.name : undefined,
      });
    }
    const { resources } = this.ctx;
    const state: AsyncState = { controller: new AbortController(), caller: ctx.pid, topic, handle: null, finished: false };
    // Closed by cancelCall, or disposed when the caller ends: either way the work stops.
    const handle = resources.add(ctx.pid, CALL_KIND, state, (s) => s.controller.abort(new FunctionError('FUNCTION_CANCELLED', `startCall("${String(cmd.name)}"): the call was cancelled (cancelCall, or its caller ended)`, { function: typeof cmd.name === 'string' ? cmd.name : undefined })));
    state.handle = handle;
    try {
      this.invoke(ctx.pid, cmd.name, cmd.input, { signal: state.controller.signal, timeoutMs: cmd.timeoutMs }, (error, output) => {
        state.finished = true;
        resources.release(handle);
        const result: AsyncCallMessage =
          error === undefined ? { type: 'result', call: handle.id, ok: true, value: output } : { type: 'result', call: handle.id, ok: false, error };
        this.ctx.deliver(state.caller, topic, result);
        this.ctx.deliver(state.caller, topic, { type: 'done', call: handle.id, outcome: error === undefined ? 'ok' : 'error' } satisfies AsyncCallMessage);
      });
    } catch (error) {
      resources.release(handle);
      throw error;
    }
    receiver.completeYield(tag, handle);
  };

  readonly asyncCancel: Handler<AsyncCancelCmd> = (ctx, cmd, tag, receiver) => {
    const handle = cmd.call as Handle | null;
    if (typeof handle !== 'object' || handle === null || handle.kind !== CALL_KIND || typeof handle.id !== 'number') {
      throw new FunctionError('FUNCTION_BAD_ARGUMENT', `cancelCall(): expected the handle startCall returned, got ${describeValue(handle)}`);
    }
    const { resources } = this.ctx;
    if (resources.get(handle) === undefined) {
      // Finished (its result is on the way or already read) or never started: nothing to cancel.
      receiver.completeYield(tag, false);
      return;
    }
    const state = resources.use<AsyncState>(ctx.pid, handle, CALL_KIND); // NOT_OWNER for another process's call
    resources.close(ctx.pid, handle, CALL_KIND);
    this.ctx.deliver(state.caller, state.topic, { type: 'done', call: handle.id, outcome: 'cancelled' } satisfies AsyncCallMessage);
    receiver.completeYield(tag, true);
  };

  get handlers() {
    return {
      [FunctionCommand.Call]: this.call,
      [FunctionCommand.AsyncStart]: this.asyncStart,
      [FunctionCommand.AsyncCancel]: this.asyncCancel,
    };
  }
}

const NEVER = new AbortController().signal;

/**
 * One call in flight. Its AbortSignal is made only when someone reads it (the function, a
 * generator function's watcher): an AbortController costs more than a whole call otherwise.
 */
class Job {
  timer: TimerId = undefined;
  private settled = false;
  private controller: AbortController | null = null;
  private reason: unknown = undefined;

  constructor(
    private readonly host: FunctionHandlers,
    private readonly f: RegisteredFunction,
    private readonly outer: AbortSignal | (() => AbortSignal) | undefined,
    private readonly done: Done,
  ) {}

  settle(error: unknown, output?: unknown): void {
    if (this.settled) return;
    this.settled = true;
    this.host.finished(this.timer);
    this.timer = undefined;
    if (error !== undefined) this.done(error);
    else this.host.deliverOutput(this.f, output, this.done);
  }

  /** Abort the function's signal (if it was ever read; else remember why, for a late read). */
  abort(reason: unknown): void {
    this.reason ??= reason;
    this.controller?.abort(reason);
  }

  signal(): AbortSignal {
    if (this.controller !== null) return this.controller.signal;
    const c = new AbortController();
    this.controller = c;
    if (this.reason !== undefined) {
      c.abort(this.reason);
      return c.signal;
    }
    if (this.settled) return NEVER;
    const outer = typeof this.outer === 'function' ? this.outer() : this.outer;
    if (outer === undefined) return c.signal;
    if (outer.aborted) this.abandon(outer.reason);
    else outer.addEventListener('abort', () => this.abandon(outer.reason), { once: true });
    return c.signal;
  }

  /** The caller stopped waiting: no result is delivered, the work is told to stop. */
  private abandon(reason: unknown): void {
    if (!this.settled) {
      this.settled = true;
      this.host.finished(this.timer);
      this.timer = undefined;
    }
    this.abort(reason);
  }
}

class AsyncFunctionContext implements FunctionContext {
  constructor(
    readonly name: string,
    readonly caller: Pid,
    readonly principal: Principal | undefined,
    readonly context: Readonly<Record<string, unknown>>,
    private readonly job: Job,
  ) {}
  get signal(): AbortSignal {
    return this.job.signal();
  }
}
