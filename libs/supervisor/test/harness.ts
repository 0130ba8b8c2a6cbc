import { readFileSync } from 'node:fs';
import { createTestRuntime, type TestRuntime } from '@switchyard/testing';
import type { Command } from '@switchyard/dispatcher';
import { receive, type ExitReason, type Pid, type ProcessContext, type Runtime } from '@switchyard/runtime';
import { ready, worker, type ChildSpec, type RestartType, type Shutdown } from '../src/index.js';

/**
 * What the Erlang scenarios log, in the same words: "start a" when a worker starts,
 * "down a boom" when it ends (error → its code or message, cancel → the reason, terminate → killed).
 */
export class Trace {
  readonly log: string[] = [];
  private readonly ids = new Map<Pid, string>();
  readonly pids = new Map<string, Pid>();
  private readonly off: () => void;
  constructor(readonly rt: Runtime) {
    this.off = rt.observe((e) => {
      if (e.kind !== 'exit') return;
      const id = this.ids.get(e.pid);
      if (id !== undefined) this.log.push(`down ${id} ${label(e.reason)}`);
    });
  }
  started(id: string, pid: Pid): void {
    this.log.push(`start ${id}`);
    this.ids.set(pid, id);
    this.pids.set(id, pid);
  }
  /** Watch a process that does not log its own start (a nested supervisor). */
  watch(id: string, pid: Pid): void {
    this.ids.set(pid, id);
    this.pids.set(id, pid);
  }
  pid(id: string): Pid {
    const p = this.pids.get(id);
    if (p === undefined) throw new Error(`no process "${id}" seen yet`);
    return p;
  }
  take(): string[] {
    return this.log.splice(0);
  }
  close(): void {
    this.off();
  }
}

export function label(reason: ExitReason): string {
  switch (reason.kind) {
    case 'normal':
      return 'normal';
    case 'terminated':
      return 'killed';
    case 'cancelled':
      return String(reason.reason);
    case 'error': {
      const e = reason.error as { code?: unknown; message?: unknown };
      return typeof e.code === 'string' ? e.code : String(e.message);
    }
  }
}

export type Behaviour = 'normal' | 'ignore_shutdown';

/** The Erlang scenarios' worker: logs its start, then waits for a "crash" message (a reason: "normal" returns, anything else throws). */
export function* traced(ctx: ProcessContext, trace: Trace, id: string, behaviour: Behaviour = 'normal'): Generator<Command, string, unknown> {
  trace.started(id, ctx.pid);
  if (behaviour === 'ignore_shutdown') ctx.trapCancel = true;
  for (;;) {
    const msg = yield* receive();
    if (msg.topic !== 'crash') continue;
    if (msg.payload === 'normal') return 'done';
    throw new Error(String(msg.payload));
  }
}

/** A worker that fails before it is ready (OTP: a start function returning {error, boom}). */
// eslint-disable-next-line require-yield
export function* failsToStart(_ctx: ProcessContext, trace: Trace, id: string): Generator<Command, never, unknown> {
  trace.log.push(`start_failed ${id}`);
  throw new Error('boom');
}

/** A worker that is ready at once. */
export function* readyWorker(ctx: ProcessContext, trace: Trace, id: string): Generator<Command, string, unknown> {
  ready(ctx);
  return yield* traced(ctx, trace, id);
}

export function child(trace: Trace, id: string, restart: RestartType = 'permanent', behaviour: Behaviour = 'normal', shutdown: Shutdown = 5000): ChildSpec {
  return { ...worker(id, traced, trace, id, behaviour), restart, shutdown };
}

export interface Env {
  t: TestRuntime;
  rt: Runtime;
  trace: Trace;
  /** Make a worker end: boom/anything → throws, normal → returns, shutdown → cancelled from outside, kill → terminated. */
  crash(id: string, reason: string): Promise<void>;
  close(): Promise<void>;
}

export async function env(): Promise<Env> {
  const t = await createTestRuntime();
  const trace = new Trace(t.rt);
  return {
    t,
    rt: t.rt,
    trace,
    async crash(id, reason) {
      const pid = trace.pid(id);
      if (reason === 'shutdown') t.rt.cancel(pid, 'shutdown');
      else if (reason === 'kill') t.rt.terminate(pid);
      else t.rt.send(pid, 'crash', reason);
      await t.settle();
    },
    async close() {
      trace.close();
      await t.stop();
      // Nothing left behind: every process ended, no timer pending.
      if (t.rt.stats().processes.live !== 0) throw new Error(`${t.rt.stats().processes.live} processes still alive after stop`);
      if (t.clock.pending !== 0) throw new Error(`${t.clock.pending} timers still pending after stop`);
    },
  };
}

/** The start/down events OTP 25 logged for a scenario (test/otp/scenarios.out, made by scenarios.escript). */
export function otp(name: string): string[] {
  const text = readFileSync(new URL('./otp/scenarios.out', import.meta.url), 'utf8');
  const line = text.split('\n').find((l) => l.startsWith(`${name}: `));
  if (line === undefined) throw new Error(`no OTP scenario "${name}" in test/otp/scenarios.out`);
  return [...line.matchAll(/\{(start|down|start_failed),(\w+)(?:,(\w+))?\}/g)].map((m) => [m[1], m[2], m[3]].filter((x) => x !== undefined).join(' '));
}
