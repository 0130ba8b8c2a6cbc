import { clockPlugin } from '@switchyard/plugin-clock';
import { createTestRuntime, type TestRuntime } from '@switchyard/testing';
import type { Clock } from '@switchyard/runtime';
import { functionPlugin, type FunctionPluginOptions } from '../src/index.js';

export async function withFunctions(functions: FunctionPluginOptions['functions']): Promise<TestRuntime & AsyncDisposable> {
  return createTestRuntime({ plugins: [functionPlugin({ functions }), clockPlugin()] });
}

/** Resolves after `ms` of `clock`, or rejects with the signal's reason when it aborts first. */
export function wait(clock: Clock, ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const t = clock.setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clock.clearTimeout(t);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
