import type { Handler } from '@switchyard/dispatcher';
import { describeValue, OptionError } from '@switchyard/errors';
import type { Clock, TimerId } from '@switchyard/runtime';
import { checkName, GreeterCommand, type CountCmd, type ForgetCmd, type GreetCmd, type Greeting } from './commands.js';

export interface GreeterOptions {
  /** Word the greeting starts with. Default "Hello". */
  salutation?: string;
  /** How long a greeting takes, in ms of the runtime's clock. Default 10. */
  delayMs?: number;
}

export interface ResolvedGreeterOptions {
  readonly salutation: string;
  readonly delayMs: number;
}

/** Validate options when the plugin is created, so a bad value fails before any runtime boots. */
export function resolveOptions(options: GreeterOptions): ResolvedGreeterOptions {
  const salutation = options.salutation ?? 'Hello';
  const delayMs = options.delayMs ?? 10;
  if (typeof salutation !== 'string' || salutation === '') {
    throw new OptionError('greeterPlugin()', 'salutation', `must be a non-empty string, got ${describeValue(salutation)}`);
  }
  if (typeof delayMs !== 'number' || !Number.isFinite(delayMs) || delayMs < 0) {
    throw new OptionError('greeterPlugin()', 'delayMs', `must be a finite number >= 0, got ${describeValue(delayMs)}`);
  }
  return { salutation, delayMs };
}

/** The greeter's handlers and the state they share; one instance per runtime. */
export class GreeterHandlers {
  private readonly counts = new Map<string, number>();
  private readonly inFlight = new Set<TimerId>();

  constructor(
    private readonly clock: Clock,
    private readonly options: ResolvedGreeterOptions,
  ) {}

  /** Greetings scheduled and not yet delivered or abandoned. */
  get pending(): number {
    return this.inFlight.size;
  }

  // Completes later, on the runtime's clock, like any I/O-bound handler would.
  readonly greet: Handler<GreetCmd> = (ctx, cmd, tag, receiver) => {
    const name = checkName(cmd.name, 'greet');
    const signal = ctx.signal;
    if (signal.aborted) return;
    const onAbort = () => {
      // The process ended or lost a race: drop the work and count nothing, so no state leaks.
      this.clock.clearTimeout(handle);
      this.inFlight.delete(handle);
    };
    // ctx.signal belongs to this one yield and is dropped once it completes: no need to remove the listener.
    const handle = this.clock.setTimeout(() => {
      this.inFlight.delete(handle);
      const count = (this.counts.get(name) ?? 0) + 1;
      this.counts.set(name, count);
      const greeting: Greeting = { text: `${this.options.salutation}, ${name}!`, count };
      receiver.completeYield(tag, greeting);
    }, this.options.delayMs);
    this.inFlight.add(handle);
    signal.addEventListener('abort', onAbort, { once: true });
  };

  readonly count: Handler<CountCmd> = (_ctx, cmd, tag, receiver) => {
    receiver.completeYield(tag, this.counts.get(checkName(cmd.name, 'greetings')) ?? 0);
  };

  readonly forget: Handler<ForgetCmd> = (_ctx, cmd, tag, receiver) => {
    receiver.completeYield(tag, this.counts.delete(checkName(cmd.name, 'forget')));
  };

  /** At shutdown: nothing may stay scheduled. */
  dispose(): void {
    for (const h of this.inFlight) this.clock.clearTimeout(h);
    this.inFlight.clear();
  }

  get handlers() {
    return {
      [GreeterCommand.Greet]: this.greet,
      [GreeterCommand.Count]: this.count,
      [GreeterCommand.Forget]: this.forget,
    };
  }
}
