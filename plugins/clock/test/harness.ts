import { createTestRuntime, type TestRuntime } from '@switchyard/testing';
import { clockPlugin, type ClockPlugin } from '@switchyard/plugin-clock';

export interface ClockHarness extends TestRuntime {
  readonly plugin: ClockPlugin;
  /** Nothing scheduled anywhere: no plugin timer, no virtual-clock timer. */
  readonly idle: () => { active: number; pending: number };
}

/** A test runtime with only the clock plugin, on a virtual clock. */
export async function withClock(): Promise<ClockHarness> {
  const plugin = clockPlugin();
  const t = await createTestRuntime({ plugins: [plugin] });
  return Object.assign(t, { plugin, idle: () => ({ active: plugin.activeTimers(), pending: t.clock.pending }) });
}
