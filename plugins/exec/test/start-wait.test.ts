import { describe, expect, it } from 'vitest';
import type { ProcessContext } from '@switchyard/runtime';
import { ExecCommand, ExecError, closeStdin, run, start, wait, writeStdin, type ChildExit } from '../src/index.js';
import { node, realRuntime } from './helpers.js';

describe('start and wait', () => {
  it('waits for the exit code (ProcessWait, 150)', async () => {
    await using t = await realRuntime();
    const exit = await t.rt.run(function* () {
      const c = yield* start(node, ['-e', 'process.exitCode = 3']);
      expect(c.osPid).toBeGreaterThan(0);
      return yield* wait(c);
    });
    expect(exit).toMatchObject({ command: node, code: 3, signal: null, timedOut: false, stopped: false, killed: false });
    expect(wait(1).id).toBe(ExecCommand.ProcessWait);
    expect(t.exec.activeChildren()).toBe(0);
  });

  it('a child that exited before wait() is still waited for', async () => {
    await using t = await realRuntime();
    const exit = await t.rt.run(function* () {
      const c = yield* start(node, ['-e', '']);
      const first = yield* wait(c);
      return [first, yield* wait(c)] as const;
    });
    expect(exit[0]).toEqual(exit[1]);
    expect(exit[0].code).toBe(0);
  });

  it('passes args, cwd and env, and captures stdout and stderr', async () => {
    await using t = await realRuntime();
    const script = "console.log(process.argv.slice(1).join('|')); console.log(process.cwd()); console.error(process.env.GREETING + ':' + (process.env.HOME === undefined))";
    const exit = await t.rt.run(function* () {
      return yield* run(node, ['-e', script, 'a b', 'c'], { cwd: '/tmp', env: { GREETING: 'hi', HOME: undefined } });
    });
    expect(exit.stdout).toBe('a b|c\n/tmp\n');
    expect(exit.stderr).toBe('hi:true\n');
    expect(exit.stdoutTruncated).toBe(false);
  });

  it('caps captured output and says it was truncated', async () => {
    await using t = await realRuntime();
    const exit = await t.rt.run(function* () {
      return yield* run(node, ['-e', "process.stdout.write('x'.repeat(100000))"], { stdout: { capture: 1000 } });
    });
    expect(exit.stdout).toBe('x'.repeat(1000));
    expect(exit.stdoutTruncated).toBe(true);
    expect(exit.code).toBe(0);
  });

  it('feeds stdin from data, or from writes on a pipe', async () => {
    await using t = await realRuntime();
    const echo = "let s=''; process.stdin.on('data', d => s += d); process.stdin.on('end', () => console.log(s.toUpperCase()))";
    const fromData = await t.rt.run(function* () {
      return yield* run(node, ['-e', echo], { stdin: 'hello' });
    });
    expect(fromData.stdout).toBe('HELLO\n');
    const fromPipe = await t.rt.run(function* () {
      const c = yield* start(node, ['-e', echo], { stdin: 'pipe', stdout: 'capture' });
      yield* writeStdin(c, 'one ');
      yield* writeStdin(c, new TextEncoder().encode('two'));
      yield* closeStdin(c);
      return yield* wait(c);
    });
    expect(fromPipe.stdout).toBe('ONE TWO\n');
  });

  it('a command that cannot start fails with SPAWN_FAILED naming it', async () => {
    await using t = await realRuntime();
    let error: unknown;
    await t.rt.run(function* () {
      try {
        yield* start('/no/such/program', ['x']);
      } catch (e) {
        error = e;
      }
    });
    expect(error).toBeInstanceOf(ExecError);
    expect(error).toMatchObject({ code: 'SPAWN_FAILED' });
    expect((error as Error).message).toContain('cannot start "/no/such/program": spawn /no/such/program ENOENT');
    const inDir = await t.rt.run(function* () {
      try {
        yield* run(node, ['-e', ''], { cwd: '/no/such/dir' });
        return 'started';
      } catch (e) {
        return (e as Error).message;
      }
    });
    expect(inDir).toContain(`cannot start "${node}" in /no/such/dir`);
    expect(t.exec.activeChildren()).toBe(0);
  });

  it('refuses bad options and unknown children with clear errors', async () => {
    await using t = await realRuntime();
    const errors = await t.rt.run(function* (_ctx: ProcessContext) {
      const out: string[] = [];
      for (const attempt of [
        () => start(node, [], { stdout: 'loud' as never }),
        () => start(node, [], { timeout: -5 }),
        () => start(node, [], { env: { A: 1 as never } }),
        () => start(node, [], { exitTopic: '' }),
        () => wait(999),
        () => writeStdin(999, 'x'),
      ]) {
        try {
          yield* attempt();
          out.push('no error');
        } catch (e) {
          out.push(`${(e as ExecError).code}: ${(e as Error).message}`);
        }
      }
      return out;
    });
    expect(errors).toEqual([
      `BAD_EXEC_OPTION: start("${node}"): stdout must be 'ignore', 'inherit', 'capture', 'stream', { capture: maxBytes } or { lines: topic }`,
      `BAD_EXEC_OPTION: start("${node}"): timeout must be a finite number of ms >= 0, got -5`,
      `BAD_EXEC_OPTION: start("${node}"): env.A must be a string`,
      `BAD_EXEC_OPTION: start("${node}"): exitTopic must be a non-empty string or null`,
      'NO_SUCH_CHILD: wait: no child 999 (never started here, or exited and forgotten since its owner ended)',
      'NO_SUCH_CHILD: writeStdin: no child 999 (never started here, or exited and forgotten since its owner ended)',
    ]);
    expect(() => start('', [])).toThrow('start(): command must be a non-empty string');
    expect(() => start(node, ['a', 1 as never])).toThrow('start(): args must be an array of strings');
    expect(() => wait(0)).toThrow('wait(): expected a child handle from start(), got 0');
  });

  it('writing to a child started without a stdin pipe fails with STDIN_NOT_PIPED', async () => {
    await using t = await realRuntime();
    const msg = await t.rt.run(function* () {
      const c = yield* start(node, ['-e', '']);
      try {
        yield* writeStdin(c, 'x');
        return 'written';
      } catch (e) {
        return `${(e as ExecError).code}`;
      } finally {
        const exit: ChildExit = yield* wait(c);
        void exit;
      }
    });
    expect(msg).toBe('STDIN_NOT_PIPED');
  });
});
