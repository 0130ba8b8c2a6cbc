import { vi } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestRuntime } from '@switchyard/testing';
import { sqlPlugin, type DatabaseOptions, type SqlMode, type SqlStats } from '../src/index.js';

export const MODES: readonly SqlMode[] = ['inline', 'worker'];

/** A started test runtime with the sql plugin; `main` is an in-memory database in `mode`. */
export async function setup(mode: SqlMode, extra: Record<string, DatabaseOptions> = {}) {
  const sql = sqlPlugin({ databases: { main: { file: ':memory:', mode }, ...extra } });
  const t = await createTestRuntime({ plugins: [sql] });
  return Object.assign(t, { sql, stats: () => t.rt.stats().plugins.sql as SqlStats });
}

/** Worker replies arrive on real event-loop turns: poll (bounded) instead of settle(). */
export const eventually = (check: () => void): Promise<void> => vi.waitFor(check, { timeout: 5000, interval: 2 });

/** A fresh temporary directory, removed by the returned disposer. */
export function tempDir(): { dir: string; file: (name: string) => string; [Symbol.dispose](): void } {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-sql-'));
  return { dir, file: (name) => join(dir, name), [Symbol.dispose]: () => rmSync(dir, { recursive: true, force: true }) };
}

/** What a process threw, for assertions on error fields. */
export async function failure(p: Promise<unknown>): Promise<Record<string, unknown>> {
  try {
    await p;
  } catch (error) {
    return error as Record<string, unknown>;
  }
  throw new Error('expected the process to fail');
}
