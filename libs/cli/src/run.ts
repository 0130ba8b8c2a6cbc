import { createRuntime, type ExitReason, type Pid, type Runtime } from '@switchyard/runtime';
import type { App, AppContext, AppProcess } from './app.js';
import { ProcessStopError, StopDeadlineError } from './errors.js';

export interface RunOptions {
  /** Passed to processes as `app.argv`. */
  argv?: readonly string[];
  /** Overrides the app's stopTimeoutMs. Default 5000. */
  stopTimeoutMs?: number;
  /** Aborting it stops the app gracefully; its reason becomes the outcome's reason (the CLI passes the signal name). */
  signal?: AbortSignal;
}

/** How a run ended. */
export type RunOutcome =
  /** `main` returned (or, without main, every process ended normally). */
  | { readonly kind: 'completed'; readonly value: unknown }
  /** A top-level process failed: threw, or was terminated or cancelled by someone else. */
  | { readonly kind: 'failed'; readonly process: string; readonly pid: Pid | undefined; readonly reason: ExitReason | { kind: 'spawn'; error: unknown } }
  /** The stop signal was aborted. */
  | { readonly kind: 'stopped'; readonly reason: unknown }
  /** The runtime did not start. Nothing is left running. */
  | { readonly kind: 'boot-failed'; readonly error: unknown };

export interface RunResult {
  readonly outcome: RunOutcome;
  /** Problems while stopping: a plugin's stop failed or timed out, a process failed in its cleanup, the deadline passed. */
  readonly stopErrors: readonly unknown[];
}

const DEFAULT_STOP_TIMEOUT_MS = 5000;

/**
 * Boot the app, start its processes and main, and run until main ends, a top-level process
 * fails, or `signal` aborts; then stop gracefully (cancel processes, then stop plugins in
 * reverse boot order). Resolves once everything stopped, or the stop deadline passed.
 */
export async function runApp(app: App, options: RunOptions = {}): Promise<RunResult> {
  const stopTimeoutMs = options.stopTimeoutMs ?? app.stopTimeoutMs ?? DEFAULT_STOP_TIMEOUT_MS;
  let rt: Runtime;
  try {
    rt = createRuntime({ plugins: app.plugins, stopTimeoutMs });
    await rt.start();
  } catch (error) {
    return { outcome: { kind: 'boot-failed', error }, stopErrors: [] };
  }

  // A process waiting in receive() holds no timer or socket; without this handle Node would
  // exit as soon as the app goes quiet, skipping the graceful stop.
  const keepAlive = setInterval(() => {}, 1 << 30);
  let settle!: (outcome: RunOutcome) => void;
  const ended = new Promise<RunOutcome>((resolve) => (settle = resolve));
  let outcome: RunOutcome | undefined;
  let stopping = false;
  const stopErrors: unknown[] = [];
  const finish = (o: RunOutcome) => {
    if (outcome !== undefined) return;
    outcome = o;
    settle(o);
  };
  const onAbort = () => finish({ kind: 'stopped', reason: options.signal?.reason });
  options.signal?.addEventListener('abort', onAbort, { once: true });

  const ctx: AppContext = Object.freeze({ argv: Object.freeze([...(options.argv ?? [])]), runtime: rt });
  let running = 0;
  const watch = (proc: AppProcess, pid: Pid, isMain: boolean) => {
    running++;
    void rt.wait(pid).then((reason) => {
      running--;
      if (stopping) {
        // Cancellation is how a stop ends processes; an error in their cleanup, or having to be
        // terminated because they outlived the stop timeout, is news.
        if (reason.kind === 'error') stopErrors.push(new ProcessStopError(proc.name, pid, reason.error));
        if (reason.kind === 'terminated') stopErrors.push(new ProcessStopError(proc.name, pid, `it did not end within ${stopTimeoutMs} ms of being cancelled and was terminated`));
        return;
      }
      if (reason.kind !== 'normal') finish({ kind: 'failed', process: proc.name, pid, reason });
      else if (isMain) finish({ kind: 'completed', value: reason.value });
      else if (app.main === undefined && running === 0) finish({ kind: 'completed', value: undefined });
    });
  };
  const start = (proc: AppProcess, isMain: boolean) => {
    if (outcome !== undefined) return;
    let pid: Pid;
    try {
      pid = rt.spawn(proc.fn, ctx);
    } catch (error) {
      finish({ kind: 'failed', process: proc.name, pid: undefined, reason: { kind: 'spawn', error } });
      return;
    }
    watch(proc, pid, isMain);
  };

  if (options.signal?.aborted) onAbort();
  for (const p of app.processes) start(p, false);
  // With neither main nor processes the plugins are the app (a server, say): it runs until stopped.
  if (app.main !== undefined) start({ name: 'main', fn: app.main }, true);

  const result = await ended;
  stopping = true;
  options.signal?.removeEventListener('abort', onAbort);
  try {
    await withDeadline(rt.stop(), 2 * stopTimeoutMs + 1000);
  } catch (error) {
    stopErrors.push(error);
  } finally {
    clearInterval(keepAlive);
  }
  return { outcome: result, stopErrors };
}

/** The runtime's own timeouts bound a stop; this guards against a stop hook that never settles. */
function withDeadline(p: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new StopDeadlineError(ms)), ms);
  });
  return Promise.race([p, deadline]).finally(() => clearTimeout(timer));
}
