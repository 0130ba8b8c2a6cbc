import type { Pid, ProcessContext, Runtime } from '@switchyard/runtime';
import { SwitchyardError } from '@switchyard/dispatcher';
import type { MachineCore } from './core.js';

/**
 * Live machines by runtime. Keyed by the runtime object, so two runtimes in one process
 * never see each other's machines (their PIDs look alike); entries go when a machine ends,
 * and the whole table goes with its runtime.
 */
const tables = new WeakMap<Runtime, Map<Pid, MachineCore>>();

export function register(rt: Runtime, pid: Pid, core: MachineCore): () => void {
  let table = tables.get(rt);
  if (table === undefined) tables.set(rt, (table = new Map()));
  table.set(pid, core);
  return () => {
    if (table.get(pid) === core) table.delete(pid);
  };
}

export function lookup(rt: Runtime, pid: Pid): MachineCore | undefined {
  const table = tables.get(rt);
  const core = table?.get(pid);
  if (core === undefined) return undefined;
  // A machine terminated before its first step never ran its cleanup; PIDs are not reused, so drop it here.
  if (core.ended || !rt.isAlive(pid)) {
    table!.delete(pid);
    return undefined;
  }
  return core;
}

/**
 * The runtime a process runs in. ProcessContext does not expose it (yet); the kernel's
 * process object carries it as `host`. Isolated here so that one line changes when the
 * kernel grows `ctx.runtime`.
 */
export function runtimeOf(ctx: ProcessContext): Runtime {
  const candidate: unknown = ctx?.runtime;
  if (isRuntime(candidate)) return candidate;
  throw new SwitchyardError('NO_RUNTIME', `process ${String(ctx?.pid)}: cannot find the runtime it runs in (is this a ProcessContext from @switchyard/runtime?)`);
}

function isRuntime(v: unknown): v is Runtime {
  if (typeof v !== 'object' || v === null) return false;
  const r = v as Partial<Runtime>;
  return typeof r.send === 'function' && typeof r.spawn === 'function' && typeof r.onExit === 'function' && typeof r.clock === 'object';
}
