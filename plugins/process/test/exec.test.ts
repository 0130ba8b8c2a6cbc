import { afterEach, beforeEach, describe, expect, expectTypeOf, it } from 'vitest';
import { ProcessCancelledError, ProcessTerminatedError, race, receive, type Pid, type ProcessContext } from '@switchyard/runtime';
import { exec, ExecCmd, link, ProcessCommand } from '@switchyard/plugin-process';
import type { TestRuntime } from '@switchyard/testing';
import { attempt, errorOf, withProcess } from './harness.js';

let t: TestRuntime;
beforeEach(async () => {
  t = await withProcess();
});
afterEach(async () => {
  await t.stop();
});

function* double(_ctx: ProcessContext, n: number) {
  return { doubled: n * 2 };
}

class QuotaError extends Error {
  readonly code = 'QUOTA';
}

function* failing(_ctx: ProcessContext, message: string): Generator<never, never, unknown> {
  throw new QuotaError(message);
}

/** Tells the test its PID, then waits forever; records its finally block. */
function* stuck(ctx: ProcessContext, log: string[], tell: (pid: Pid) => void) {
  tell(ctx.pid);
  try {
    yield* receive({ topic: 'never' });
  } finally {
    log.push('child finally');
  }
}

describe('exec', () => {
  it('is command 9 and its result is typed by the process function', () => {
    const cmd = exec(double, 2);
    expect(cmd).toBeInstanceOf(ExecCmd);
    expect(cmd.id).toBe(ProcessCommand.Exec);
    expect(cmd.id).toBe(9);
    function* p() {
      const r = yield* exec(double, 21);
      expectTypeOf(r).toEqualTypeOf<{ doubled: number }>();
      // @ts-expect-error the arguments must match the process function
      yield* exec(double, 'x');
    }
    expect(typeof p).toBe('function');
    expect(() => exec(undefined as unknown as typeof double, 1)).toThrow(/exec\(\): expected a generator function or a registered process name, got undefined/);
  });

  it('spawns the process, waits for it and returns its value', async () => {
    expect(await t.rt.run(function* () {
      const a = yield* exec(double, 21);
      const b = yield* exec(double, a.doubled);
      return b.doubled;
    })).toBe(84);
  });

  it('waits for a child that itself waits', async () => {
    let child: Pid = '';
    const done = t.rt.run(function* () {
      return yield* exec(function* (c: ProcessContext) {
        child = c.pid;
        const m = yield* receive<string>({ topic: 'go' });
        return m.payload.toUpperCase();
      });
    });
    await t.settle();
    expect(t.rt.isAlive(child)).toBe(true);
    expect(t.rt.stats().processes.live).toBe(2);
    t.rt.send(child, 'go', 'done');
    expect(await done).toBe('DONE');
  });

  it('rethrows the child error itself, catchable in the caller', async () => {
    const r = await t.rt.run(function* () {
      const failed = yield* attempt(exec(failing, 'over quota'));
      const after = yield* exec(double, 1);
      return { failed, after };
    });
    const err = errorOf(r.failed);
    expect(err).toBeInstanceOf(QuotaError);
    expect((err as QuotaError).code).toBe('QUOTA');
    expect((err as Error).message).toBe('over quota');
    expect(r.after).toEqual({ doubled: 2 });
  });

  it('an uncaught child error fails the caller with the same error', async () => {
    const err = await t.rt
      .run(function* () {
        yield* exec(failing, 'boom');
      })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(QuotaError);
    expect((err as Error).message).toBe('boom');
  });

  it('a child terminated by someone else fails the caller with ProcessTerminatedError (code TERMINATED)', async () => {
    const log: string[] = [];
    let child: Pid = '';
    const done = t.rt.run(function* () {
      return yield* attempt(exec(stuck, log, (pid) => (child = pid)));
    });
    await t.settle();
    t.rt.terminate(child);
    const err = errorOf(await done);
    expect(err).toBeInstanceOf(ProcessTerminatedError);
    expect((err as ProcessTerminatedError).code).toBe('TERMINATED');
    expect((err as ProcessTerminatedError).pid).toBe(child);
    expect(log).toEqual(['child finally']);
  });

  it('a child cancelled by someone else fails the caller with ProcessCancelledError carrying the reason', async () => {
    let child: Pid = '';
    const done = t.rt.run(function* () {
      return yield* attempt(exec(stuck, [], (pid) => (child = pid)));
    });
    await t.settle();
    t.rt.cancel(child, 'too slow');
    const err = errorOf(await done);
    expect(err).toBeInstanceOf(ProcessCancelledError);
    expect((err as ProcessCancelledError).reason).toBe('too slow');
  });

  it('a caller terminated while waiting terminates the child (its finally blocks run)', async () => {
    const log: string[] = [];
    let child: Pid = '';
    const caller = t.rt.spawn(function* () {
      try {
        yield* exec(stuck, log, (pid) => (child = pid));
      } finally {
        log.push('caller finally');
      }
    });
    await t.settle();
    expect(t.rt.isAlive(child)).toBe(true);
    const childExit = t.rt.wait(child);
    t.rt.terminate(caller);
    expect(await childExit).toEqual({ kind: 'terminated' });
    expect(log.sort()).toEqual(['caller finally', 'child finally']);
    expect(t.rt.stats().processes.live).toBe(0);
  });

  it('a caller that fails for another reason (a linked peer) terminates the child too', async () => {
    let child: Pid = '';
    const peer = t.rt.spawn(function* () {
      yield* receive({ topic: 'die' });
      throw new Error('peer crashed');
    });
    const caller = t.rt.spawn(function* () {
      yield* link(peer);
      yield* exec(stuck, [], (pid) => (child = pid));
    });
    const callerExit = t.rt.wait(caller);
    await t.settle();
    const childExit = t.rt.wait(child);
    t.rt.send(peer, 'die', null);
    expect((await callerExit).kind).toBe('error');
    expect(await childExit).toEqual({ kind: 'terminated' });
  });

  it('exec that loses a race terminates the child and the caller goes on', async () => {
    const log: string[] = [];
    let child: Pid = '';
    const caller = t.rt.spawn(function* () {
      const winner = yield* race([exec(stuck, log, (pid) => (child = pid)), receive<string>({ topic: 'enough' })]);
      return winner;
    });
    const callerExit = t.rt.wait(caller);
    await t.settle();
    const childExit = t.rt.wait(child);
    t.rt.send(caller, 'enough', 'stop waiting');
    expect(await callerExit).toEqual({ kind: 'normal', value: { topic: 'enough', payload: 'stop waiting' } });
    expect(await childExit).toEqual({ kind: 'terminated' });
    expect(log).toEqual(['child finally']);
  });

  it('a child that cannot start fails the yield with the spawn error', async () => {
    const r = await t.rt.run(function* () {
      return yield* attempt(exec((() => 'not a generator') as unknown as typeof double, 1));
    });
    expect((errorOf(r) as { code: string }).code).toBe('BAD_SPAWN');
    expect(t.rt.stats().processes.live).toBe(0);
  });
});
