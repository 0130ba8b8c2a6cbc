import { describe, expect, it } from 'vitest';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { join } from 'node:path';
import { osAlive, servicesFile, SLEEPER, STUBBORN } from './helpers.js';

const ROOT = join(import.meta.dirname, '..');

/** The launcher as a real OS process, exactly as `npm start` runs it. */
function launch(args: string[], how: 'node' | 'npm start' = 'node'): { proc: ChildProcessWithoutNullStreams; lines: string[]; line(match: RegExp, ms?: number): Promise<RegExpMatchArray>; exit(ms?: number): Promise<{ code: number | null; stderr: string }> } {
  const proc =
    how === 'node'
      ? spawn(process.execPath, ['--conditions=@switchyard/source', '--import', 'tsx', 'src/main.ts', ...args], { cwd: ROOT, stdio: 'pipe' })
      : spawn('npm', ['start', '--', ...args], { cwd: join(ROOT, '..', '..'), stdio: 'pipe' });
  const lines: string[] = [];
  let stderr = '';
  let partial = '';
  const waiters: { match: RegExp; resolve: (m: RegExpMatchArray) => void }[] = [];
  proc.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    const parts = (partial + chunk).split('\n');
    partial = parts.pop()!;
    for (const l of parts) {
      lines.push(l);
      for (const w of [...waiters]) {
        const m = l.match(w.match);
        if (m) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(m);
        }
      }
    }
  });
  proc.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
  return {
    proc,
    lines,
    line: (match, ms = 10_000) =>
      new Promise((resolve, reject) => {
        for (const l of lines) {
          const m = l.match(match);
          if (m) return resolve(m);
        }
        const timer = setTimeout(() => reject(new Error(`no line matching ${match} within ${ms} ms; stdout:\n${lines.join('\n')}\nstderr:\n${stderr}`)), ms);
        waiters.push({ match, resolve: (m) => (clearTimeout(timer), resolve(m)) });
      }),
    exit: async (ms = 10_000) => {
      let timer: NodeJS.Timeout | undefined;
      const code = await Promise.race([exited, new Promise<never>((_, rej) => (timer = setTimeout(() => rej(new Error(`launcher did not exit within ${ms} ms; stdout:\n${lines.join('\n')}`)), ms)))]);
      clearTimeout(timer);
      return { code, stderr };
    },
  };
}

const running = (name: string) => new RegExp(`event=state service=${name} from=starting to=running pid=(\\d+)`);

describe('the launcher command', () => {
  it('Ctrl-C (SIGINT) stops every service it started, then exits 0', async () => {
    using tmp = servicesFile([
      { name: 'a', command: 'node', args: ['-e', SLEEPER] },
      { name: 'b', command: 'node', args: ['-e', STUBBORN], stopGraceMs: 300 },
      { name: 'c', command: 'node', args: ['-e', SLEEPER], group: 'x' },
    ]);
    const l = launch([tmp.file]);
    const pids: number[] = [];
    for (const name of ['a', 'b', 'c']) pids.push(Number((await l.line(running(name)))[1]));
    await l.line(/service=b stream=stdout line=ready/);
    expect(pids.every(osAlive)).toBe(true);
    l.proc.kill('SIGINT');
    const { code, stderr } = await l.exit();
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(pids.filter(osAlive)).toEqual([]);
    expect(l.lines).toContainEqual(expect.stringMatching(/event=launcher what=stopping reason=SIGINT/));
    expect(l.lines).toContainEqual(expect.stringMatching(/event=state service=b from=stopping to=stopped .*signal=SIGKILL/));
    // Not a TTY: the final status table comes as plain lines.
    expect(l.lines.slice(-4)).toEqual([
      expect.stringMatching(/^NAME\s+GROUP\s+STATE\s+PID\s+RESTARTS\s+UPTIME$/),
      expect.stringMatching(/^a\s+default\s+stopped\s+-\s+0\s+-$/),
      expect.stringMatching(/^b\s+default\s+stopped\s+-\s+0\s+-$/),
      expect.stringMatching(/^c\s+x\s+stopped\s+-\s+0\s+-$/),
    ]);
  });

  it('takes commands on stdin: stop, start, status, quit', async () => {
    using tmp = servicesFile([
      { name: 'a', command: 'node', args: ['-e', SLEEPER], group: 'g' },
      { name: 'b', command: 'node', args: ['-e', SLEEPER], group: 'g' },
    ]);
    const l = launch([tmp.file]);
    await l.line(running('a'));
    await l.line(running('b'));
    l.proc.stdin.write('stop @g\n');
    await l.line(/service=a from=stopping to=stopped/);
    await l.line(/service=b from=stopping to=stopped/);
    l.proc.stdin.write('frobnicate a\nstart b\n');
    await l.line(/error: unknown command "frobnicate"/);
    await l.line(/event=action action=start target=b/);
    const b = Number((await l.line(/service=b from=starting to=running pid=(\d+)/))[1]);
    l.proc.stdin.write('status\n');
    await l.line(/^b\s+g\s+running\s+\d+\s+0\s+\d+s$/);
    l.proc.stdin.write('quit\n');
    expect((await l.exit()).code).toBe(0);
    expect(osAlive(b)).toBe(false);
  });

  it('`npm start -- --duration 1500` from the repository root runs the demo for a while, then stops gracefully', async () => {
    const l = launch(['--duration', '1500'], 'npm start');
    const pids = await Promise.all(['web', 'worker', 'flaky'].map(async (n) => Number((await l.line(running(n)))[1])));
    const { code } = await l.exit();
    expect(code).toBe(0);
    expect(l.lines).toContainEqual(expect.stringMatching(/event=launcher what=stopped reason="ran for 1500 ms"/));
    expect(pids.filter(osAlive)).toEqual([]);
  });

  it('a bad services file exits 2 with an error naming file, entry and field', async () => {
    using tmp = servicesFile([{ name: 'web', command: 'node', restart: { policy: 'sometimes' } }]);
    const l = launch([tmp.file]);
    const { code, stderr } = await l.exit();
    expect(code).toBe(2);
    expect(stderr).toBe(`launcher: services file ${tmp.file}: services[0] ("web"), field "restart.policy": must be one of "always", "on-failure", "never", got "sometimes"\n`);
    const usage = launch([]);
    expect(await usage.exit()).toEqual({ code: 2, stderr: 'launcher: no services file given\nusage: launcher <services.json> [--duration <ms>]\n' });
  });
});
