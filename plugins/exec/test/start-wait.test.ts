import { describe, expect, it } from 'vitest';
import type { ProcessContext } from '@switchyard/runtime';
import { ExecCommand, ExecError, closeStdin, kill, run, start, stop, wait, writeStdin, type ChildExit } from '../src/index.js';
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
    expect(wait({ kind: 'child', id: 1 }).id).toBe(ExecCommand.ProcessWait);
    expect(t.stats().running).toBe(0);
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
    expect(t.stats().running).toBe(0);
  });

  it('refuses bad options and unknown children with clear errors', async () => {
    await using t = await realRuntime();
    const errors = await t.rt.run(function* (ctx: ProcessContext) {
      const out: string[] = [];
      for (const attempt of [
        () => start(node, [], { stdout: 'loud' as never }),
        () => start(node, [], { timeout: -5 }),
        () => start(node, [], { env: { A: 1 as never } }),
        () => start(node, [], { exitTopic: '' }),
        () => wait({ kind: 'child', id: 999 }),
        () => writeStdin({ kind: 'child', id: 999 }, 'x'),
        () => stop(999 as never),
      ]) {
        try {
          yield* attempt();
          out.push('no error');
        } catch (e) {
          out.push(`${(e as ExecError).code}: ${(e as Error).message}`);
        }
      }
      return out.map((m) => m.replace(ctx.pid, 'PID'));
    });
    expect(errors).toEqual([
      `BAD_EXEC_OPTION: start("${node}"): stdout must be 'ignore', 'inherit', 'capture', { capture: maxBytes } or { lines: topic }, got "loud"`,
      `BAD_EXEC_OPTION: start("${node}"): timeout must be a finite number of ms >= 0, got -5`,
      `BAD_EXEC_OPTION: start("${node}"): env.A must be a string, got 1`,
      `BAD_EXEC_OPTION: start("${node}"): exitTopic must be a non-empty string or null, got ""`,
      'NO_SUCH_RESOURCE: process PID used child #999: it is closed or was never opened',
      'NO_SUCH_RESOURCE: process PID used child #999: it is closed or was never opened',
      'NO_SUCH_RESOURCE: process PID used 999: 999 is not a resource handle ({ kind, id })',
    ]);
    expect(t.stats().running).toBe(0);
  });

  it('helpers refuse bad arguments at once with coded errors', () => {
    const codeOf = (f: () => unknown): string => {
      try {
        f();
        return 'no error';
      } catch (e) {
        expect(e).toBeInstanceOf(ExecError);
        return `${(e as ExecError).code}: ${(e as Error).message}`;
      }
    };
    const h = { kind: 'child', id: 1 } as const;
    expect(codeOf(() => start('', []))).toBe('BAD_EXEC_ARGUMENT: start(): command must be a non-empty string, got ""');
    expect(codeOf(() => run(node, ['a', 1 as never]))).toBe('BAD_EXEC_ARGUMENT: run(): args[1] must be a string, got 1');
    expect(codeOf(() => start(node, 'a b' as never))).toBe('BAD_EXEC_ARGUMENT: start(): args must be an array of strings, got "a b"');
    expect(codeOf(() => kill(h, 'SIGNOPE' as never))).toBe('BAD_EXEC_ARGUMENT: kill(): unknown signal "SIGNOPE" (a name such as "SIGTERM", or a signal number)');
    expect(codeOf(() => writeStdin(h, 5 as never))).toBe('BAD_EXEC_ARGUMENT: writeStdin(): data must be a string or bytes, got 5');
    expect(codeOf(() => stop(h, { grace: -1 }))).toBe('BAD_EXEC_OPTION: stop(): grace must be a finite number of ms >= 0, got -1');
    expect(() => stop(h, { graec: 5 } as never)).toThrow(expect.objectContaining({ code: 'BAD_EXEC_OPTION', option: 'graec' }));
    expect(() => stop(h, { graec: 5 } as never)).toThrow('did you mean "grace"?');
    expect(kill(h, 9).signal).toBe(9);
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
