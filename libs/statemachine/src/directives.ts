import { describeValue } from '@switchyard/errors';
import { ArgumentError } from '@switchyard/runtime';

declare const queueType: unique symbol;

/**
 * What a unit may return (or throw, for `brk()`) instead of a status. `Q` is the queue
 * names a `changeQueue` can name, so a typo is a compile error in the module.
 */
export class Directive<Q extends string = never> {
  declare readonly [queueType]?: Q;
  private constructor(
    readonly kind: 'brk' | 'stay' | 'changeQueue' | 'finish' | 'emergency',
    readonly ms: number,
    readonly queue: Q | undefined,
    readonly value: unknown,
  ) {}

  /** @internal */
  static make<Q extends string>(kind: Directive['kind'], ms: number, queue: Q | undefined, value: unknown): Directive<Q> {
    return new Directive<Q>(kind, ms, queue, value);
  }
}

/**
 * The seed's "throw break": drop this invocation, keep the status, and run the unit again
 * from the top on the next cycle. Return it, or throw it from anywhere below the unit.
 */
export function brk(): Directive {
  return Directive.make<never>('brk', 0, undefined, undefined);
}

/** Keep the status and run this unit again no sooner than `ms` from now (no busy loop). */
export function stay(ms: number): Directive {
  if (typeof ms !== 'number' || !(ms >= 0)) throw new ArgumentError('ms', `stay(): ms must be a number >= 0, got ${describeValue(ms)}`);
  return Directive.make<never>('stay', ms, undefined, undefined);
}

/** End the current queue and enter `queue` at `start`, carrying the same event. */
export function changeQueue<Q extends string>(queue: Q): Directive<Q> {
  if (typeof queue !== 'string' || queue === '') throw new ArgumentError('queue', `changeQueue(): queue must be a non-empty string, got ${describeValue(queue)}`);
  return Directive.make('changeQueue', 0, queue, undefined);
}

/** End the machine normally; `value` becomes the process's exit value. */
export function finish(value?: unknown): Directive {
  return Directive.make<never>('finish', 0, undefined, value);
}

/** Fail the machine at once with a MachineEmergencyError that carries `reason`. */
export function emergency(reason: unknown): Directive {
  return Directive.make<never>('emergency', 0, undefined, reason);
}

export function isDirective(value: unknown): value is Directive<string> {
  return value instanceof Directive;
}
