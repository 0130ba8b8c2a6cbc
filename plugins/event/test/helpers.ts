import { expect } from 'vitest';
import type { Command } from '@switchyard/dispatcher';
import { createRuntime, type Runtime } from '@switchyard/runtime';
import { eventPlugin, type EventPlugin } from '../src/index.js';

export type Outcome<T> = { ok: true; value: T } | { ok: false; error: unknown };

/** Yield `op` and report whether it failed, so a test can assert the error's class and code. */
export function* attempt<T>(op: { [Symbol.iterator](): Iterator<Command, T, unknown> }): Generator<Command, Outcome<T>, unknown> {
  try {
    return { ok: true, value: yield* op };
  } catch (error) {
    return { ok: false, error };
  }
}

export function failure(o: Outcome<unknown>): Error & { code: string } {
  expect(o.ok).toBe(false);
  return (o as { error: Error & { code: string } }).error;
}

/** Wait (in real time, polling) until `cond` holds; fail the test if it never does. */
export async function until(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !cond(); i++) await new Promise((r) => setTimeout(r, 2));
  expect(cond()).toBe(true);
}

/** A few macrotask turns: enough for the bus loop and the runtime to do whatever is pending. */
export async function turns(n = 5): Promise<void> {
  for (let i = 0; i < n; i++) await new Promise((r) => setImmediate(r));
}

export function eventStats(rt: Runtime): Record<string, number> {
  return rt.stats().plugins.event!;
}

const started: Runtime[] = [];

export async function start(plugin: EventPlugin = eventPlugin(), options: Parameters<typeof createRuntime>[0] = {}) {
  const rt = createRuntime({ ...options, plugins: [plugin] });
  started.push(rt);
  await rt.start();
  return { rt, plugin, stats: () => eventStats(rt) };
}

/** Stop every runtime a test started (afterEach). */
export async function stopAll(): Promise<void> {
  const all = started.splice(0);
  for (const rt of all) await rt.stop();
}
