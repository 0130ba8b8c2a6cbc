import { createRuntime, type Runtime, type RuntimeOptions } from '@switchyard/runtime';
import { processPlugin } from '@switchyard/plugin-process';
import { clockPlugin } from '@switchyard/plugin-clock';
import { execPlugin, type ExecPlugin, type ExecPluginOptions, type ExecStats } from '../src/index.js';

export interface TestRuntime extends AsyncDisposable {
  rt: Runtime;
  /** This runtime's exec counters (`rt.stats().plugins.exec`). */
  stats(): ExecStats;
}

/** Real children need real time: a runtime on the system clock. */
export async function realRuntime(grace = 300, options: ExecPluginOptions = {}, runtime: Partial<RuntimeOptions> = {}): Promise<TestRuntime> {
  return install(execPlugin({ grace, ...options }), runtime);
}

/** A runtime with this exec plugin value installed (the same value may go into several runtimes). */
export async function install(exec: ExecPlugin, runtime: Partial<RuntimeOptions> = {}): Promise<TestRuntime> {
  const rt = createRuntime({ plugins: [processPlugin(), clockPlugin(), exec], stopTimeoutMs: 3000, ...runtime });
  await rt.start();
  return { rt, stats: () => rt.stats().plugins.exec as ExecStats, [Symbol.asyncDispose]: () => rt.stop() };
}

export const node = process.execPath;

/** Whether an OS process exists (signal 0 checks without signalling). */
export function osAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Wait (bounded) until the OS process is gone; true if it went. */
export async function gone(pid: number, withinMs = 3000): Promise<boolean> {
  const until = Date.now() + withinMs;
  while (Date.now() < until) {
    if (!osAlive(pid)) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return !osAlive(pid);
}

/** A child that prints "ready" once its SIGTERM handler is installed, then ignores SIGTERM. */
export const STUBBORN = "process.on('SIGTERM', () => console.log('got SIGTERM')); setInterval(() => {}, 1000); console.log('ready')";
/** A child that runs until signalled. */
export const SLEEPER = "setInterval(() => {}, 1000); console.log('ready')";
