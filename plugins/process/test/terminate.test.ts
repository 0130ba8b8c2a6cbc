import { afterEach, beforeEach, describe, expect, expectTypeOf, it } from 'vitest';
import { receive, type Pid, type ProcessContext } from '@switchyard/runtime';
import { ProcessCommand, terminate, TerminateCmd } from '@switchyard/plugin-process';
import type { TestRuntime } from '@switchyard/testing';
import { withProcess } from './harness.js';

let t: TestRuntime;
beforeEach(async () => {
  t = await withProcess();
});
afterEach(async () => {
  await t.stop();
});

describe('terminate', () => {
  it('is command 3 and resolves to a boolean', () => {
    const cmd = terminate('{local|0x00001}');
    expect(cmd).toBeInstanceOf(TerminateCmd);
    expect(cmd.id).toBe(ProcessCommand.Terminate);
    expect(cmd.id).toBe(3);
    function* p() {
      expectTypeOf(yield* terminate('x')).toEqualTypeOf<boolean>();
    }
    expect(typeof p).toBe('function');
  });

  it('ends the target at once with reason terminated, running its finally blocks', async () => {
    const log: string[] = [];
    const target = t.rt.spawn(function* () {
      try {
        try {
          yield* receive({ topic: 'never' });
          log.push('not reached');
        } finally {
          log.push('inner finally');
        }
      } finally {
        log.push('outer finally');
      }
    });
    const exit = t.rt.wait(target);
    await t.settle();
    const result = await t.rt.run(function* () {
      return yield* terminate(target);
    });
    expect(result).toBe(true);
    expect(await exit).toEqual({ kind: 'terminated' });
    expect(log).toEqual(['inner finally', 'outer finally']);
    expect(t.rt.isAlive(target)).toBe(false);
  });

  it('a catch block does not stop a termination', async () => {
    const log: string[] = [];
    const target = t.rt.spawn(function* () {
      try {
        yield* receive({ topic: 'never' });
      } catch {
        log.push('caught');
      }
      log.push('went on');
    });
    const exit = t.rt.wait(target);
    await t.settle();
    await t.rt.run(function* () {
      yield* terminate(target);
    });
    expect(await exit).toEqual({ kind: 'terminated' });
    expect(log).toEqual([]);
  });

  it('resolves to false for a process that is not alive', async () => {
    const gone = t.rt.spawn(function* () {});
    await t.rt.wait(gone);
    expect(await t.rt.run(function* () {
      return yield* terminate(gone);
    })).toBe(false);
  });

  it('a process can terminate itself; its finally blocks run and nothing after the yield does', async () => {
    const log: string[] = [];
    const pid = t.rt.spawn(function* (ctx: ProcessContext) {
      try {
        yield* terminate(ctx.pid);
        log.push('after terminate');
      } finally {
        log.push('finally');
      }
    });
    expect(await t.rt.wait(pid)).toEqual({ kind: 'terminated' });
    expect(log).toEqual(['finally']);
  });

  it('refuses a bad pid with BAD_ARGUMENT', () => {
    expect(() => terminate('' as Pid)).toThrow(/terminate\(\): expected a PID/);
  });
});
