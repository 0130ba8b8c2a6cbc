import type { Pid, ProcessFn, Runtime, SpawnOptions } from '@switchyard/runtime';
import type { AnyProcessFn } from './types.js';

/** Spawn a process function, or a process registered by name at boot (`options.name` registers it atomically). */
export function spawnProcess(rt: Runtime, options: SpawnOptions, fn: AnyProcessFn | undefined, process: string | undefined, args: readonly unknown[]): Pid {
  return rt.spawnWith(options, fn === undefined ? process! : (fn as unknown as ProcessFn<unknown[]>), ...args);
}
