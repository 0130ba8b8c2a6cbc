import { createRuntime, type Plugin, type Runtime } from '@switchyard/runtime';
import { createVirtualClock, type VirtualClock } from './virtual-clock.js';

export interface TestRuntime {
  readonly rt: Runtime;
  readonly clock: VirtualClock;
  /** Advance virtual time, letting processes react to each timer. */
  advance(ms: number): Promise<void>;
  /** Wait until no process is ready to run (after a few event-loop turns for I/O callbacks). */
  settle(): Promise<void>;
  stop(): Promise<void>;
}

const turn = () => new Promise<void>((r) => setImmediate(r));

/** A started runtime on a virtual clock. Remember `await t.stop()` (or use `await using`). */
export async function createTestRuntime(options: { plugins?: readonly Plugin[]; stopTimeoutMs?: number } = {}): Promise<TestRuntime & AsyncDisposable> {
  const clock = createVirtualClock();
  const rt = createRuntime({ plugins: options.plugins ?? [], clock, stopTimeoutMs: options.stopTimeoutMs ?? 1000 });
  const settle = async () => {
    for (let i = 0; i < 3; i++) {
      await rt.whenIdle();
      await turn();
    }
  };
  clock.onSettle(settle);
  await rt.start();
  const stop = () => rt.stop();
  return { rt, clock, advance: (ms) => clock.advance(ms), settle, stop, [Symbol.asyncDispose]: stop };
}
