import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRuntime, type Runtime } from '@switchyard/runtime';
import { createLauncherApp, type Launcher, type LauncherApp, type LogRecord } from '../src/index.js';

export const SLEEPER = "process.on('SIGTERM', () => process.exit(0)); setInterval(() => {}, 1000); console.log('ready')";
export const STUBBORN = "process.on('SIGTERM', () => console.log('ignoring SIGTERM')); console.log('ready'); setInterval(() => {}, 1000)";

/** A services file in a fresh temporary folder. */
export function servicesFile(services: unknown[]): { file: string; dir: string; [Symbol.dispose](): void } {
  const dir = mkdtempSync(join(tmpdir(), 'launcher-'));
  const file = join(dir, 'services.json');
  writeFileSync(file, JSON.stringify({ services }, null, 2));
  return { file, dir, [Symbol.dispose]: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface Running {
  readonly app: LauncherApp;
  readonly rt: Runtime;
  readonly launcher: Launcher;
  readonly records: LogRecord[];
  /** The first matching record after the one the previous next() returned (now or later); rejects after `ms`. */
  next(match: (r: LogRecord) => boolean, ms?: number): Promise<LogRecord>;
  /** Any matching record, since the start (now or later); rejects after `ms`. */
  seen(match: (r: LogRecord) => boolean, ms?: number): Promise<LogRecord>;
}

/** A launcher on a real runtime (real children need real time). Stops it at dispose. */
export async function runLauncher(services: unknown[]): Promise<Running & AsyncDisposable> {
  const tmp = servicesFile(services);
  const records: LogRecord[] = [];
  const waiters = new Set<{ match: (r: LogRecord) => boolean; resolve: (r: LogRecord) => void }>();
  const app = await createLauncherApp(tmp.file, {
    log: (r) => {
      records.push(r);
      for (const w of [...waiters]) {
        if (w.match(r)) {
          waiters.delete(w);
          w.resolve(r);
        }
      }
    },
  });
  const rt = createRuntime({ plugins: app.plugins, stopTimeoutMs: app.stopTimeoutMs });
  await rt.start();
  const launcher = app.attach(rt, rt.spawn(app.main));
  let cursor = 0;
  const wait = (match: (r: LogRecord) => boolean, ms: number, from: number, ordered: boolean) =>
    new Promise<LogRecord>((resolve, reject) => {
      for (let i = from; i < records.length; i++) {
        if (match(records[i]!)) {
          if (ordered) cursor = i + 1;
          resolve(records[i]!);
          return;
        }
      }
      const timer = setTimeout(() => {
        waiters.delete(w);
        reject(new Error(`no matching log record within ${ms} ms; log so far:\n${records.map((r) => JSON.stringify(r)).join('\n')}`));
      }, ms);
      const w = {
        match,
        resolve: (r: LogRecord) => {
          clearTimeout(timer);
          if (ordered) cursor = records.length;
          resolve(r);
        },
      };
      waiters.add(w);
    });
  // Records are consumed in order, so successive next() calls walk the log forward.
  const next = (match: (r: LogRecord) => boolean, ms = 5000) => wait(match, ms, cursor, true);
  const seen = (match: (r: LogRecord) => boolean, ms = 5000) => wait(match, ms, 0, false);
  return {
    app,
    rt,
    launcher,
    records,
    next,
    seen,
    [Symbol.asyncDispose]: async () => {
      await rt.stop();
      tmp[Symbol.dispose]();
    },
  };
}

export const state = (service: string, to: string) => (r: LogRecord) => r.event === 'state' && r.service === service && r.to === to;

/** Whether an OS process exists. */
export function osAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
