import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { osAlive, servicesFile } from './helpers.js';

const ROOT = join(import.meta.dirname, '..');
const CLI = join(ROOT, '..', '..', 'libs', 'cli', 'src', 'bin.ts');
const NODE = `${JSON.stringify(process.execPath)} --conditions=@switchyard/source --import tsx`;

/** script(1) from util-linux runs a command on a pseudo-terminal: its stdin is the keyboard, its stdout the screen. */
const hasScript = spawnSync('script', ['--version'], { encoding: 'utf8' }).stdout?.includes('util-linux') === true;

/** A service that says which signal reached it. */
const TELLS = [
  "process.on('SIGINT', () => { console.log('got SIGINT'); process.exit(3); });",
  "process.on('SIGTERM', () => { console.log('got SIGTERM'); process.exit(0); });",
  "console.log('ready'); setInterval(() => {}, 1000);",
].join(' ');

interface Terminal {
  /** What the screen received so far, without carriage returns and escape sequences. */
  text(): string;
  type(keys: string): void;
  see(pattern: RegExp, ms?: number): Promise<RegExpMatchArray>;
  exit(ms?: number): Promise<number | null>;
}

function onTerminal(command: string): Terminal {
  const proc = spawn('script', ['-qfec', command, '/dev/null'], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, NODE_OPTIONS: '' } });
  let raw = '';
  const waiters: { pattern: RegExp; resolve: (m: RegExpMatchArray) => void }[] = [];
  const text = () => raw.replace(/\x1b\[[0-9;]*[A-Za-z]/g, '').replace(/\r/g, '');
  const check = () => {
    for (const w of [...waiters]) {
      const m = text().match(w.pattern);
      if (m) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(m);
      }
    }
  };
  proc.stdout.setEncoding('utf8').on('data', (d: string) => ((raw += d), check()));
  proc.stderr.setEncoding('utf8').on('data', (d: string) => ((raw += d), check()));
  const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
  return {
    text,
    type: (keys) => proc.stdin.write(keys),
    see: (pattern, ms = 15_000) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          proc.kill('SIGKILL');
          reject(new Error(`the screen never showed ${pattern} within ${ms} ms; it shows:\n${text()}`));
        }, ms);
        waiters.push({ pattern, resolve: (m) => (clearTimeout(timer), resolve(m)) });
        check();
      }),
    exit: async (ms = 15_000) => {
      let timer: NodeJS.Timeout | undefined;
      const code = await Promise.race([exited, new Promise<never>((_, rej) => (timer = setTimeout(() => rej(new Error(`still running after ${ms} ms:\n${text()}`)), ms)))]);
      clearTimeout(timer);
      return code;
    },
  };
}

/** Table, typed commands, then Ctrl-C: the services get SIGTERM from the launcher, never the terminal's SIGINT. */
async function session(command: (file: string) => string, stopping: RegExp): Promise<{ code: number | null; screen: string; pids: number[] }> {
  using tmp = servicesFile([
    { name: 'a', command: 'node', args: ['-e', TELLS], stopGraceMs: 3000 },
    { name: 'b', command: 'node', args: ['-e', TELLS], group: 'g', stopGraceMs: 3000 },
  ]);
  const t = onTerminal(command(tmp.file));
  const pids = [Number((await t.see(/service=a from=starting to=running pid=(\d+)/))[1]), Number((await t.see(/service=b from=starting to=running pid=(\d+)/))[1])];
  await t.see(/service=a stream=stdout line=ready/);
  await t.see(/service=b stream=stdout line=ready/);
  // The status table is on screen, redrawn in place, with the line being typed below it.
  await t.see(/NAME\s+GROUP\s+STATE\s+PID\s+RESTARTS\s+UPTIME\n(a|b)\s+\S+\s+running\s+\d+/);
  t.type('stop b\r');
  await t.see(/> stop b\n/);
  await t.see(/service=b from=stopping to=stopped code=0/);
  t.type('frobnicate\r');
  await t.see(/error: unknown command "frobnicate"/);
  t.type('\x03'); // Ctrl-C
  await t.see(stopping);
  await t.see(/service=a from=stopping to=stopped code=0/);
  const code = await t.exit();
  return { code, screen: t.text(), pids };
}

describe.skipIf(!hasScript)('the launcher on a terminal (a pseudo-terminal made by script(1))', () => {
  it('as npm start runs it: table, typed commands, and Ctrl-C stops every service gracefully, then exits 0', async () => {
    const { code, screen, pids } = await session((file) => `${NODE} src/main.ts ${JSON.stringify(file)}`, /event=launcher what=stopping reason=SIGINT/);
    expect(code).toBe(0);
    expect(screen).toMatch(/service=a stream=stdout line="got SIGTERM"/);
    expect(screen).not.toContain('got SIGINT');
    expect(pids.filter(osAlive)).toEqual([]);
  }, 60_000);

  it('under switchyard run: the same table and commands, and Ctrl-C is the CLI\'s graceful stop (exit 130)', async () => {
    const { code, screen, pids } = await session(
      (file) => `${NODE} ${JSON.stringify(CLI)} run src/launcher.app.ts -- ${JSON.stringify(file)}`,
      /event=launcher what=stopping reason="runtime stopping"/,
    );
    expect(screen).toContain('switchyard: SIGINT: stopping app "launcher"');
    expect(code).toBe(130);
    expect(screen).toMatch(/service=a stream=stdout line="got SIGTERM"/);
    expect(screen).not.toContain('got SIGINT');
    expect(pids.filter(osAlive)).toEqual([]);
  }, 60_000);
});
