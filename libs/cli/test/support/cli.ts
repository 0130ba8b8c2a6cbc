import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const CLI_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const REPO_ROOT = join(CLI_ROOT, '..', '..');
export const BIN = join(CLI_ROOT, 'src', 'bin.ts');
export const FIXTURES = join(CLI_ROOT, 'test', 'fixtures');
// An absolute loader URL, so the CLI also starts with a cwd outside the repository.
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

export interface CliResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface CliRun extends Promise<CliResult> {
  readonly child: ChildProcess;
  /** Resolves when stdout or stderr (so far) matches. */
  waitFor(pattern: RegExp, stream?: 'stdout' | 'stderr'): Promise<void>;
}

/**
 * Run the real `switchyard` bin from source as a child process. It is killed, and the
 * promise rejects with what it printed, if it has not exited within `timeoutMs`.
 */
export function runCli(args: readonly string[], options: { cwd?: string; timeoutMs?: number } = {}): CliRun {
  const child = spawn(process.execPath, ['--conditions=@switchyard/source', '--import', TSX, BIN, ...args], {
    cwd: options.cwd ?? REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NODE_OPTIONS: '', FORCE_COLOR: '0' },
  });
  const out = { stdout: '', stderr: '' };
  const watchers: { pattern: RegExp; stream: 'stdout' | 'stderr'; resolve: () => void }[] = [];
  const check = () => {
    for (const w of [...watchers]) {
      if (w.pattern.test(out[w.stream])) {
        watchers.splice(watchers.indexOf(w), 1);
        w.resolve();
      }
    }
  };
  child.stdout!.setEncoding('utf8').on('data', (d: string) => ((out.stdout += d), check()));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => ((out.stderr += d), check()));
  const timeoutMs = options.timeoutMs ?? 15_000;
  const done = new Promise<CliResult>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`switchyard ${args.join(' ')} did not exit within ${timeoutMs} ms\nstdout: ${out.stdout}\nstderr: ${out.stderr}`));
    }, timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, ...out });
    });
  });
  const waitFor = (pattern: RegExp, stream: 'stdout' | 'stderr' = 'stdout') =>
    new Promise<void>((resolve, reject) => {
      watchers.push({ pattern, stream, resolve });
      check();
      void done.then(() => reject(new Error(`exited before ${stream} matched ${pattern}\nstdout: ${out.stdout}\nstderr: ${out.stderr}`)), reject);
    });
  return Object.assign(done, { child, waitFor }) as CliRun;
}

export const fixture = (name: string) => join(FIXTURES, name);
