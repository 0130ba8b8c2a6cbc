import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestRuntime } from '@switchyard/testing';
import { storePlugin, type StoreOptions, type StoreStats } from '../src/index.js';

export type BackendName = 'memory' | 'sqlite';
export const BACKENDS: readonly BackendName[] = ['memory', 'sqlite'];

/** A fresh temporary directory, removed by the returned disposer. */
export function tempDir(): { dir: string; file: (name: string) => string; [Symbol.dispose](): void } {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-store-'));
  return { dir, file: (name) => join(dir, name), [Symbol.dispose]: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A started test runtime (virtual clock) with one store "s" on `backend` (SQLite in a temp file). */
export async function setup(backend: BackendName, extra: Partial<StoreOptions> = {}) {
  const tmp = tempDir();
  const options = (backend === 'memory' ? { backend, ...extra } : { backend, file: tmp.file('store.db'), ...extra }) as StoreOptions;
  const store = storePlugin({ stores: { s: options } });
  const t = await createTestRuntime({ plugins: [store] });
  const stopRuntime = t.stop;
  const stop = async () => {
    await stopRuntime();
    tmp[Symbol.dispose]();
  };
  return Object.assign(t, { store, tmp, stop, stats: () => t.rt.stats().plugins.store as StoreStats, [Symbol.asyncDispose]: stop });
}

/** What a promise rejected with. */
export async function failure(p: Promise<unknown>): Promise<Record<string, unknown>> {
  try {
    await p;
  } catch (error) {
    return error as Record<string, unknown>;
  }
  throw new Error('expected a failure');
}
