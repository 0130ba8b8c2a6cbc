import { createTestRuntime, type TestRuntime } from '@switchyard/testing';
import { processPlugin } from '@switchyard/plugin-process';
import type { Command } from '@switchyard/dispatcher';
import { receive, type Message, type ProcessEvent } from '@switchyard/runtime';

/** A test runtime with only the process plugin, on a virtual clock. */
export function withProcess(): Promise<TestRuntime> {
  return createTestRuntime({ plugins: [processPlugin()] });
}

export type Outcome<T> = { ok: true; value: T } | { ok: false; error: unknown };

/** Yield `op` and report whether it failed, so a test can assert the error's class and code. */
export function* attempt<T>(op: { [Symbol.iterator](): Iterator<Command, T, unknown> }): Generator<Command, Outcome<T>, unknown> {
  try {
    return { ok: true, value: yield* op };
  } catch (error) {
    return { ok: false, error };
  }
}

/** The error of a failed outcome; fails the test for a successful one. */
export function errorOf(o: Outcome<unknown>): unknown {
  if (o.ok) throw new Error(`expected a failure, got ${JSON.stringify(o.value)}`);
  return o.error;
}

/** Wait for the next system event (pid.exit, pid.cancel). */
export function* nextEvent(timeout?: number): Generator<Command, ProcessEvent, unknown> {
  const m: Message<ProcessEvent> = yield* receive<ProcessEvent>(timeout === undefined ? { topic: '@pid/events' } : { topic: '@pid/events', timeout });
  return m.payload;
}

/** A process that waits for a message on "stop" and then ends as the message says. */
export function* puppet(): Generator<Command, unknown, unknown> {
  const m = yield* receive<{ throw?: string; value?: unknown }>({ topic: 'stop' });
  if (m.payload.throw !== undefined) throw new Error(m.payload.throw);
  return m.payload.value;
}

