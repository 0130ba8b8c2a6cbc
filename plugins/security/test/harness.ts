import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from '@switchyard/dispatcher';
import { storePlugin } from '@switchyard/plugin-store';
import type { Plugin } from '@switchyard/runtime';
import { createTestRuntime, type TestRuntime } from '@switchyard/testing';
import { securityPlugin, type TokenStoreOptions } from '../src/index.js';

export type Backing = 'plugin memory' | 'store memory' | 'store sqlite';
export const BACKINGS: readonly Backing[] = ['plugin memory', 'store memory', 'store sqlite'];

export const SECRET = 'an hmac secret of at least 32 bytes!';

/** A started runtime on a virtual clock with token store "api" (opaque) kept as `backing` says. */
export async function opaqueRuntime(backing: Backing, extra: Record<string, unknown> = {}, plugins: Plugin[] = []) {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-security-'));
  const file = join(dir, 'tokens.db');
  const api = { type: 'opaque', ...(backing === 'plugin memory' ? {} : { store: 'tokens' }), ...extra } as TokenStoreOptions;
  const all: Plugin[] = [securityPlugin({ stores: { api } }), ...plugins];
  if (backing !== 'plugin memory') all.push(storePlugin({ stores: { tokens: backing === 'store memory' ? { backend: 'memory' } : { backend: 'sqlite', file } } }));
  const t = await createTestRuntime({ plugins: all });
  const stopRuntime = t.stop;
  const stop = async () => {
    await stopRuntime();
    rmSync(dir, { recursive: true, force: true });
  };
  return Object.assign(t, { file, stop, [Symbol.asyncDispose]: stop });
}

export type Outcome<T> = { ok: true; value: T } | { ok: false; error: Error & { code?: string } };

/** Run one command in a fresh process and report its outcome. */
export function attempt<T>(t: TestRuntime, op: () => { [Symbol.iterator](): Iterator<Command, T, unknown> }): Promise<Outcome<T>> {
  return t.rt.run(function* () {
    try {
      return { ok: true as const, value: yield* op() };
    } catch (error) {
      return { ok: false as const, error: error as Error & { code?: string } };
    }
  });
}

/** Like attempt, but the value or a failure. */
export async function value<T>(t: TestRuntime, op: () => { [Symbol.iterator](): Iterator<Command, T, unknown> }): Promise<T> {
  const o = await attempt(t, op);
  if (!o.ok) throw o.error;
  return o.value;
}
