import type { Command } from '@switchyard/dispatcher';
import { exitError, receive, type ExitReason, type Pid, type ProcessContext, type ProcessFn, type Runtime } from '@switchyard/runtime';
import { NoSuchSupervisorError } from './errors.js';
import { signalReady, tableOf, type Op, type Reply } from './registry.js';
import { normalizeSpec } from './spec.js';
import { supervise } from './supervisor.js';
import type { ChildCounts, ChildInfo, ChildSpec, DynamicSupervisorPid, DynamicSupervisorSpec, RestartType, Shutdown, SupervisorSpec } from './types.js';

type Gen<T> = Generator<Command, T, unknown>;
type AnySpec = SupervisorSpec | DynamicSupervisorSpec<never>;

// ---------------------------------------------------------------- building specs

/** A worker child spec whose arguments are checked against the process function. */
export function worker<A extends unknown[]>(id: string, fn: ProcessFn<A>, ...args: A): ChildSpec & { readonly type: 'worker' } {
  return { id, start: { fn: fn as ProcessFn<never>, args }, type: 'worker' };
}

/** A child spec for a nested supervisor: started when all its own children are, stopped with shutdown `'infinity'`. */
export function supervisorChild<A extends unknown[]>(
  id: string,
  spec: SupervisorSpec | DynamicSupervisorSpec<A>,
  options: { readonly restart?: RestartType; readonly shutdown?: Shutdown; readonly name?: string } = {},
): ChildSpec & { readonly type: 'supervisor' } {
  return { id, start: { fn: supervise, args: [spec] }, type: 'supervisor', shutdown: 'infinity', awaitReady: true, ...options };
}

/** A child started with `awaitReady: true` calls this once it has initialised; until then its supervisor waits. */
export function ready(ctx: ProcessContext): void {
  signalReady(ctx.runtime, ctx.pid);
}

// ---------------------------------------------------------------- starting supervisors

function spawnSupervisor(rt: Runtime, spec: AnySpec, parent: Pid | undefined, ready: () => void): Pid {
  normalizeSpec(spec); // a bad spec fails here, in the caller, not later in the process
  const pid = rt.spawnWith({ trapLinks: true, trapCancel: true, ...(parent === undefined ? {} : { linkTo: parent }) }, supervise, spec);
  tableOf(rt).starting.set(pid, { parent, ready });
  return pid;
}

function startFromRuntime(rt: Runtime, spec: AnySpec): Promise<Pid> {
  return new Promise<Pid>((resolve, reject) => {
    let started = false;
    const pid = spawnSupervisor(rt, spec, undefined, () => {
      started = true;
      resolve(pid);
    });
    rt.onExit(pid, (reason) => {
      tableOf(rt).starting.delete(pid);
      if (!started) reject(startError(pid, reason));
    });
  });
}

function startError(pid: Pid, reason: ExitReason): unknown {
  return exitError(pid, reason) ?? new NoSuchSupervisorError(pid, 'startSupervisor', true);
}

/** Start a supervisor from outside any process; resolves once every child has started, rejects with the start failure. */
export async function startSupervisor(rt: Runtime, spec: SupervisorSpec): Promise<Supervisor> {
  return new Supervisor(rt, await startFromRuntime(rt, spec));
}

/** Start a dynamic supervisor from outside any process. */
export async function startDynamicSupervisor<A extends unknown[]>(rt: Runtime, spec: DynamicSupervisorSpec<A>): Promise<DynamicSupervisor<A>> {
  return new DynamicSupervisor<A>(rt, (await startFromRuntime(rt, spec as DynamicSupervisorSpec<never>)) as DynamicSupervisorPid<A>);
}

/**
 * From a process: start a supervisor linked to the caller and wait until its children have
 * started. A start failure reaches the caller through the link (it fails with LINKED_EXIT)
 * unless it traps links, in which case this throws the start error.
 */
export function* startLinkedSupervisor(ctx: ProcessContext, spec: SupervisorSpec): Gen<Pid> {
  return yield* startLinked(ctx, spec);
}

/** From a process: start a dynamic supervisor linked to the caller (see startLinkedSupervisor). */
export function* startLinkedDynamicSupervisor<A extends unknown[]>(ctx: ProcessContext, spec: DynamicSupervisorSpec<A>): Gen<DynamicSupervisorPid<A>> {
  return (yield* startLinked(ctx, spec as DynamicSupervisorSpec<never>)) as DynamicSupervisorPid<A>;
}

function* startLinked(ctx: ProcessContext, spec: AnySpec): Gen<Pid> {
  const rt = ctx.runtime;
  const table = tableOf(rt);
  const topic = `@sup/started/${++table.seq}`;
  const caller = ctx.pid;
  let started = false;
  const pid = spawnSupervisor(rt, spec, caller, () => {
    started = true;
    rt.send(caller, topic, { ok: true, value: undefined } satisfies Reply);
  });
  rt.onExit(pid, (reason) => {
    table.starting.delete(pid);
    if (!started) rt.send(caller, topic, { ok: false, error: startError(pid, reason) } satisfies Reply);
  });
  const msg = yield* receive<Reply>({ topic });
  if (!msg.payload.ok) throw msg.payload.error;
  return pid;
}

// ---------------------------------------------------------------- operations from processes

function entryOf(rt: Runtime, sup: Pid, op: string) {
  const entry = tableOf(rt).supervisors.get(sup);
  if (entry === undefined || !rt.isAlive(sup)) throw new NoSuchSupervisorError(sup, op);
  return entry;
}

function* call<T>(ctx: ProcessContext, sup: Pid, op: Op): Gen<T> {
  const rt = ctx.runtime;
  const entry = entryOf(rt, sup, op.op);
  const table = tableOf(rt);
  const topic = `@sup/reply/${++table.seq}`;
  const caller = ctx.pid;
  entry.post({ op, reply: (r) => rt.send(caller, topic, r) });
  const msg = yield* receive<Reply>({ topic });
  if (!msg.payload.ok) throw msg.payload.error;
  return msg.payload.value as T;
}

function callFromRuntime<T>(rt: Runtime, sup: Pid, op: Op): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const entry = entryOf(rt, sup, op.op);
    entry.post({ op, reply: (r) => (r.ok ? resolve(r.value as T) : reject(r.error)) });
  });
}

/** Add a child to a running (static) supervisor and start it; resolves to its PID. */
export function* startChild(ctx: ProcessContext, sup: Pid, spec: ChildSpec): Gen<Pid> {
  return yield* call<Pid>(ctx, sup, { op: 'startChild', spec });
}

/** Start one more child of a dynamic supervisor with these arguments; resolves to its PID. */
export function* startDynamicChild<A extends unknown[]>(ctx: ProcessContext, sup: DynamicSupervisorPid<A>, ...args: A): Gen<Pid> {
  return yield* call<Pid>(ctx, sup, { op: 'startDynamicChild', args });
}

/** Stop a child with its shutdown. Static: by id, the spec stays (except temporary); dynamic: by PID, the child goes. */
export function* terminateChild(ctx: ProcessContext, sup: Pid, idOrPid: string): Gen<void> {
  yield* call<void>(ctx, sup, { op: 'terminateChild', key: idOrPid });
}

/** Start a stopped child again (static supervisors); resolves to its new PID. */
export function* restartChild(ctx: ProcessContext, sup: Pid, id: string): Gen<Pid> {
  return yield* call<Pid>(ctx, sup, { op: 'restartChild', key: id });
}

/** Remove a stopped child's spec (static supervisors). */
export function* deleteChild(ctx: ProcessContext, sup: Pid, id: string): Gen<void> {
  yield* call<void>(ctx, sup, { op: 'deleteChild', key: id });
}

/** The children in start order: id, PID, status, type, restart type and restart count. */
export function* whichChildren(ctx: ProcessContext, sup: Pid): Gen<ChildInfo[]> {
  return yield* call<ChildInfo[]>(ctx, sup, { op: 'whichChildren' });
}

export function* countChildren(ctx: ProcessContext, sup: Pid): Gen<ChildCounts> {
  return yield* call<ChildCounts>(ctx, sup, { op: 'countChildren' });
}

// ---------------------------------------------------------------- handles for code outside processes

abstract class Handle {
  constructor(
    readonly rt: Runtime,
    readonly pid: Pid,
  ) {}

  whichChildren(): Promise<ChildInfo[]> {
    return callFromRuntime(this.rt, this.pid, { op: 'whichChildren' });
  }

  countChildren(): Promise<ChildCounts> {
    return callFromRuntime(this.rt, this.pid, { op: 'countChildren' });
  }

  /** Stop gracefully (children in reverse order, each with its shutdown); resolves with the exit reason. */
  async stop(reason: unknown = 'shutdown'): Promise<ExitReason> {
    if (!this.rt.isAlive(this.pid)) throw new NoSuchSupervisorError(this.pid, 'stop');
    const done = this.rt.wait(this.pid);
    this.rt.cancel(this.pid, reason);
    return done;
  }

  /** Resolves with the exit reason when the supervisor ends. */
  wait(): Promise<ExitReason> {
    return this.rt.wait(this.pid);
  }
}

/** A running supervisor seen from outside any process: every operation returns a Promise. */
export class Supervisor extends Handle {
  startChild(spec: ChildSpec): Promise<Pid> {
    return callFromRuntime(this.rt, this.pid, { op: 'startChild', spec });
  }
  terminateChild(id: string): Promise<void> {
    return callFromRuntime(this.rt, this.pid, { op: 'terminateChild', key: id });
  }
  restartChild(id: string): Promise<Pid> {
    return callFromRuntime(this.rt, this.pid, { op: 'restartChild', key: id });
  }
  deleteChild(id: string): Promise<void> {
    return callFromRuntime(this.rt, this.pid, { op: 'deleteChild', key: id });
  }
}

/** A running dynamic supervisor seen from outside any process. */
export class DynamicSupervisor<A extends unknown[]> extends Handle {
  declare readonly pid: DynamicSupervisorPid<A>;
  startChild(...args: A): Promise<Pid> {
    return callFromRuntime(this.rt, this.pid, { op: 'startDynamicChild', args });
  }
  terminateChild(pid: Pid): Promise<void> {
    return callFromRuntime(this.rt, this.pid, { op: 'terminateChild', key: pid });
  }
}

/** A handle on a supervisor started elsewhere (e.g. a nested one found with whichChildren). */
export function supervisorAt(rt: Runtime, pid: Pid): Supervisor {
  const entry = entryOf(rt, pid, 'supervisorAt');
  if (entry.dynamic) throw new NoSuchSupervisorError(pid, 'supervisorAt (it is a dynamic supervisor: use dynamicSupervisorAt)');
  return new Supervisor(rt, pid);
}

export function dynamicSupervisorAt<A extends unknown[]>(rt: Runtime, pid: Pid): DynamicSupervisor<A> {
  const entry = entryOf(rt, pid, 'dynamicSupervisorAt');
  if (!entry.dynamic) throw new NoSuchSupervisorError(pid, 'dynamicSupervisorAt (it is not a dynamic supervisor: use supervisorAt)');
  return new DynamicSupervisor<A>(rt, pid as DynamicSupervisorPid<A>);
}
