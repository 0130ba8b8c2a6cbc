import { describeValue } from '@switchyard/errors';
import { ArgumentError } from '@switchyard/runtime';
import { MachineDefinitionError } from './errors.js';
import type { EventTypes, MachineModule, QueuesOf, RelocatableImpls, Unit, UnitContext, UnitSlot } from './types.js';

/** The topic post() uses; it cannot be routed. */
export const POST_TOPIC = '@machine/post';
export const STARTUP = 'startup';
export const START = 'start';

const PLATFORMS: ReadonlySet<string> = new Set<NodeJS.Platform | 'default'>([
  'aix', 'android', 'cygwin', 'darwin', 'freebsd', 'haiku', 'linux', 'netbsd', 'openbsd', 'sunos', 'win32', 'default',
]);

type AnyUnit = Unit<string, string, UnitContext>;

/**
 * A relocatable unit: one status, one implementation per platform, chosen once when the
 * module is registered (by `process.platform`, or the module's `platform` for tests).
 * Inside a module's queues, a plain `{ linux, win32, default }` object means the same.
 */
export function relocatable<U>(impls: RelocatableImpls<U>): RelocatableImpls<U> {
  if (typeof impls !== 'object' || impls === null) throw new ArgumentError('impls', `relocatable() takes an object of implementations by platform, got ${describeValue(impls)}`);
  return Object.freeze({ ...impls });
}

/** Declare the event type of each queue: `events: events<{ control: Command }>()`. */
export function events<EV extends object>(): EventTypes<EV> {
  return {};
}

/** What defineMachine() takes. Queues are an object literal: `{ startup: { start: (u) => 'next', next: … } }`. */
export interface MachineDefinition<T, D, I, EV> {
  /** Names the module in errors and in inspect(). */
  readonly name: string;
  readonly queues: QueuesOf<T, D, EV>;
  /** Makes the machine's data at spawn, from the spawn option `input`. */
  readonly data?: (input: I) => D;
  /** Event types per queue, for typed post(). */
  readonly events?: EventTypes<EV>;
  /**
   * Runtime messages on these topics become events of the named queue (e.g. exit notices
   * from a plugin). Queue names here are checked at registration, not by the compiler:
   * a type that mentions the module's queues would stop TypeScript from inferring them.
   */
  readonly routes?: Readonly<Record<string, string>>;
  /** Trap cancel(): the machine gets it as an event of this queue (a graceful shutdown) instead of ending at once. Checked at registration. */
  readonly cancelQueue?: string;
  /** Start idle: no startup queue needed. */
  readonly idle?: boolean;
  /** Choose relocatable units for this platform instead of process.platform. */
  readonly platform?: NodeJS.Platform;
}

/** Module-wide settings shared by defineMachine() and machineBuilder(). */
interface ModuleSettings<D, I> {
  readonly name: string;
  readonly data?: (input: I) => D;
  readonly routes?: Readonly<Record<string, string>>;
  readonly cancelQueue?: string;
  readonly idle?: boolean;
  readonly platform?: NodeJS.Platform;
}

/** Collects units queue by queue; the single place where registration rules are enforced. */
class Registration {
  readonly queues = new Map<string, Map<string, AnyUnit>>();
  readonly platform: string;
  constructor(readonly name: string, platform: string | undefined, where: string) {
    if (typeof name !== 'string' || name === '') throw new ArgumentError('name', `${where}: a machine module needs a non-empty string name, got ${describeValue(name)}`);
    this.platform = platform ?? process.platform;
  }

  fail(code: ConstructorParameters<typeof MachineDefinitionError>[0], queue: string | undefined, status: string | undefined, message: string): never {
    throw new MachineDefinitionError(code, this.name, queue, status, message);
  }

  add(queue: string, status: string, unit: unknown): void {
    if (typeof queue !== 'string' || queue === '') this.fail('BAD_MACHINE_DEFINITION', undefined, undefined, `queue names must be non-empty strings, got ${String(queue)}`);
    if (typeof status !== 'string' || status === '') this.fail('BAD_MACHINE_DEFINITION', queue, undefined, `queue "${queue}": status names must be non-empty strings`);
    let units = this.queues.get(queue);
    if (units === undefined) this.queues.set(queue, (units = new Map()));
    if (units.has(status)) this.fail('DUPLICATE_STATUS', queue, status, `queue "${queue}" registers status "${status}" twice`);
    units.set(status, this.resolve(queue, status, unit));
  }

  private resolve(queue: string, status: string, unit: unknown): AnyUnit {
    if (typeof unit === 'object' && unit !== null) {
      const impls = unit as Record<string, unknown>;
      const keys = Object.keys(impls);
      if (keys.length === 0) this.fail('BAD_UNIT', queue, status, `relocatable unit "${queue}/${status}" has no implementations`);
      for (const k of keys) {
        if (!PLATFORMS.has(k)) this.fail('BAD_UNIT', queue, status, `relocatable unit "${queue}/${status}": "${k}" is not a platform (use ${[...PLATFORMS].join(', ')})`);
        if (typeof impls[k] !== 'function') this.fail('BAD_UNIT', queue, status, `relocatable unit "${queue}/${status}": the "${k}" implementation is not a function`);
      }
      const chosen = (impls[this.platform] ?? impls.default) as AnyUnit | undefined;
      if (chosen === undefined) {
        this.fail(
          'NO_UNIT_FOR_PLATFORM',
          queue,
          status,
          `relocatable unit "${queue}/${status}" has no implementation for platform "${this.platform}" and no default (it has ${Object.keys(impls).join(', ')})`,
        );
      }
      return chosen;
    }
    if (typeof unit !== 'function') this.fail('BAD_UNIT', queue, status, `unit "${queue}/${status}" must be a function or a generator function, got ${unit === null ? 'null' : typeof unit}`);
    return unit as AnyUnit;
  }

  finish<Q extends string, D, I, EV>(settings: ModuleSettings<D, I>): MachineModule<Q, D, I, EV> {
    if (this.queues.size === 0) this.fail('BAD_MACHINE_DEFINITION', undefined, undefined, 'it has no queues');
    for (const [queue, units] of this.queues) {
      if (!units.has(START)) this.fail('MISSING_START', queue, START, `queue "${queue}" has no "${START}" unit (statuses: ${[...units.keys()].join(', ') || 'none'})`);
    }
    const idle = settings.idle === true;
    if (!idle && !this.queues.has(STARTUP)) {
      this.fail('MISSING_STARTUP_QUEUE', STARTUP, undefined, `the start queue "${STARTUP}" is not defined (queues: ${[...this.queues.keys()].join(', ')}); define it, or set idle: true`);
    }
    const routes: Record<string, string> = {};
    for (const [topic, queue] of Object.entries(settings.routes ?? {})) {
      if (topic === POST_TOPIC) this.fail('BAD_MACHINE_DEFINITION', queue, undefined, `routes: "${POST_TOPIC}" is the post() topic and cannot be routed`);
      if (!this.queues.has(queue)) this.fail('BAD_MACHINE_DEFINITION', String(queue), undefined, `routes: topic "${topic}" goes to queue "${String(queue)}", which is not defined`);
      routes[topic] = queue;
    }
    const cancelQueue = settings.cancelQueue;
    if (cancelQueue !== undefined && !this.queues.has(cancelQueue)) {
      this.fail('BAD_MACHINE_DEFINITION', cancelQueue, undefined, `cancelQueue "${cancelQueue}" is not defined`);
    }
    const data = settings.data;
    if (data !== undefined && typeof data !== 'function') this.fail('BAD_MACHINE_DEFINITION', undefined, undefined, 'data must be a function (input) => data');
    const queues = new Map([...this.queues].map(([q, units]) => [q, new Map(units)] as const));
    const statuses = new Map([...queues].map(([q, units]) => [q, Object.freeze([...units.keys()])] as const));
    return Object.freeze({
      name: this.name,
      queues: Object.freeze([...queues.keys()]) as readonly Q[],
      platform: this.platform,
      idle,
      routes: Object.freeze(routes) as Readonly<Record<string, Q>>,
      cancelQueue: cancelQueue as Q | undefined,
      statuses: (queue: Q) => statuses.get(queue) ?? [],
      unit: (queue: string, status: string) => queues.get(queue)?.get(status),
      makeData: (input: I) => (data === undefined ? (undefined as D) : data(input)),
    });
  }
}

/**
 * Define and register a module of queues and units. Status names are typed from the
 * object literal: a unit that returns a status its queue lacks does not compile.
 * Registration checks (at runtime too): every queue has `start`; the start queue
 * `startup` exists (unless idle); relocatable units have an implementation here.
 */
export function defineMachine<T, D = undefined, I = void, EV extends object = object>(def: MachineDefinition<T, D, I, EV>): MachineModule<keyof T & string, D, I, EV> {
  if (typeof def !== 'object' || def === null) throw new ArgumentError('def', `defineMachine() takes a definition object, got ${describeValue(def)}`);
  const reg = new Registration(def.name, def.platform, 'defineMachine()');
  const queues = def.queues as unknown;
  if (typeof queues !== 'object' || queues === null) reg.fail('BAD_MACHINE_DEFINITION', undefined, undefined, 'queues must be an object of queues');
  for (const [queue, units] of Object.entries(queues as Record<string, unknown>)) {
    if (typeof units !== 'object' || units === null) return reg.fail('BAD_MACHINE_DEFINITION', queue, undefined, `queue "${queue}" must be an object of units`);
    // An empty queue still gets registered, so the missing-start check names it.
    if (Object.keys(units).length === 0) reg.queues.set(queue, new Map());
    for (const [status, unit] of Object.entries(units as Record<string, unknown>)) reg.add(queue, status, unit);
  }
  return reg.finish<keyof T & string, D, I, EV>(def as ModuleSettings<D, I>);
}

/**
 * Dynamic placement (the seed's unit-definition class): add units one by one, e.g. from
 * a loop or several reusable sets, then build(). Statuses are plain strings here.
 */
export class MachineBuilder<D = undefined, I = void> {
  private readonly reg: Registration;
  private built = false;
  constructor(private readonly settings: ModuleSettings<D, I>) {
    this.reg = new Registration(settings?.name, settings?.platform, 'machineBuilder()');
  }

  /** Place `unit` under `status` in `queue`. Throws DUPLICATE_STATUS when the queue has it already. */
  unit(queue: string, status: string, unit: UnitSlot<Unit<string, string, UnitContext<string, string, D>>>): this {
    if (this.built) throw new MachineDefinitionError('MODULE_BUILT', this.settings.name, queue, status, `unit("${queue}", "${status}") after build(): the module is already built`);
    this.reg.add(queue, status, unit);
    return this;
  }

  build(): MachineModule<string, D, I, object> {
    this.built = true;
    return this.reg.finish<string, D, I, object>(this.settings);
  }
}

export function machineBuilder<D = undefined, I = void>(settings: ModuleSettings<D, I>): MachineBuilder<D, I> {
  return new MachineBuilder<D, I>(settings);
}
