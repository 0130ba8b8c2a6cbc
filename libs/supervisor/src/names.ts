import type { Pid, Runtime, SpawnOptions } from '@switchyard/runtime';
import type { AnyProcessFn } from './types.js';

/** Register `pid` under `name` in the runtime's name registry (NAME_TAKEN if another process holds it). */
export function registerName(rt: Runtime, name: string, pid: Pid): void {
  rt.register(name, pid);
}

/** Spawn a process function, or a process registered by name at boot. */
export function spawnProcess(rt: Runtime, options: SpawnOptions, fn: AnyProcessFn | undefined, process: string | undefined, args: readonly unknown[]): Pid {
  if (fn !== undefined) return rt.spawnWith(options, fn as (ctx: never, ...a: unknown[]) => Generator<never, unknown, unknown>, ...args);
  return rt.spawnWith(options, process!, ...args);
}
