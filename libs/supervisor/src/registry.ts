import type { Pid, Runtime } from '@switchyard/runtime';

/** The answer to an operation, as the supervisor sends it back. */
export type Reply = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: unknown };

export type Op =
  | { readonly op: 'startChild'; readonly spec: unknown }
  | { readonly op: 'startDynamicChild'; readonly args: readonly unknown[] }
  | { readonly op: 'terminateChild'; readonly key: string }
  | { readonly op: 'restartChild'; readonly key: string }
  | { readonly op: 'deleteChild'; readonly key: string }
  | { readonly op: 'whichChildren' }
  | { readonly op: 'countChildren' };

/** One operation in flight: the supervisor answers through `reply` exactly once. */
export interface Call {
  readonly op: Op;
  reply(r: Reply): void;
}

/** What callers see of a live supervisor. */
export interface SupervisorEntry {
  readonly pid: Pid;
  readonly dynamic: boolean;
  /** Queue an operation; the answer comes through call.reply (an error one if the supervisor ends first). */
  post(call: Call): void;
}

/** Someone waits for a freshly spawned process to say it has started (`ready(ctx)`). */
export interface StartWaiter {
  /** The supervisor (or process) that started it and is linked to it, if any. */
  readonly parent: Pid | undefined;
  ready(): void;
}

interface Table {
  readonly supervisors: Map<Pid, SupervisorEntry>;
  readonly starting: Map<Pid, StartWaiter>;
  seq: number;
}

/**
 * Per-runtime tables, keyed by the runtime object: two runtimes in one process never see each
 * other's supervisors (their PIDs look alike), and a table goes with its runtime.
 */
const tables = new WeakMap<Runtime, Table>();

export function tableOf(rt: Runtime): Table {
  let t = tables.get(rt);
  if (t === undefined) tables.set(rt, (t = { supervisors: new Map(), starting: new Map(), seq: 0 }));
  return t;
}

/** Called by a started child (worker or supervisor) once it is ready; a no-op when nobody waits. */
export function signalReady(rt: Runtime, pid: Pid): void {
  const t = tableOf(rt);
  const w = t.starting.get(pid);
  if (w === undefined) return;
  t.starting.delete(pid);
  w.ready();
}
