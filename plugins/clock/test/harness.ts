import type { Runtime } from '@switchyard/runtime';
import { createTestRuntime, type TestRuntime } from '@switchyard/testing';
import { clockPlugin, type ClockPlugin, type ClockStats } from '@switchyard/plugin-clock';

export interface ClockHarness extends TestRuntime {
  readonly plugin: ClockPlugin;
  /** This runtime's clock counters (`rt.stats().plugins.clock`). */
  readonly stats: () => ClockStats;
  /** Nothing scheduled anywhere: no plugin timer, no virtual-clock timer. */
  readonly idle: () => { active: number; pending: number };
}

export function clockStats(t: { rt: Runtime }): ClockStats {
  return t.rt.stats().plugins.clock as ClockStats;
}

/** A test runtime with only the clock plugin, on a virtual clock. */
export async function withClock(plugin: ClockPlugin = clockPlugin()): Promise<ClockHarness> {
  const t = await createTestRuntime({ plugins: [plugin] });
  const stats = () => clockStats(t);
  return Object.assign(t, { plugin, stats, idle: () => ({ active: stats().active, pending: t.clock.pending }) });
}
