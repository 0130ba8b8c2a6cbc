import { afterEach, beforeEach, describe, expect, expectTypeOf, it } from 'vitest';
import { ProcessCancelledError, receive, type ProcessContext, type ProcessEvent } from '@switchyard/runtime';
import { cancel, CancelCmd, ProcessCommand } from '@switchyard/plugin-process';
import type { TestRuntime } from '@switchyard/testing';
import { nextEvent, withProcess } from './harness.js';

let t: TestRuntime;
beforeEach(async () => {
  t = await withProcess();
});
afterEach(async () => {
  await t.stop();
});

function* waitsForever() {
  yield* receive({ topic: 'never' });
}

describe('cancel', () => {
  it('is command 4, resolves to a boolean, and defaults the reason to "cancelled"', () => {
    const cmd = cancel('{local|0x00001}');
    expect(cmd).toBeInstanceOf(CancelCmd);
    expect(cmd.id).toBe(ProcessCommand.Cancel);
    expect(cmd.id).toBe(4);
    expect(cmd.reason).toBe('cancelled');
    expect(cancel('{local|0x00001}', { why: 'deploy' }).reason).toEqual({ why: 'deploy' });
    function* p() {
      expectTypeOf(yield* cancel('{local|0x00001}')).toEqualTypeOf<boolean>();
    }
    expect(typeof p).toBe('function');
  });

  it('ends the target as cancelled with the reason, running its finally blocks', async () => {
    const log: string[] = [];
    const target = t.rt.spawn(function* () {
      try {
        yield* receive({ topic: 'never' });
      } finally {
        log.push('cleanup');
      }
    });
    const exit = t.rt.wait(target);
    await t.settle();
    expect(await t.rt.run(function* () {
      return yield* cancel(target, 'shutting down');
    })).toBe(true);
    expect(await exit).toEqual({ kind: 'cancelled', reason: 'shutting down' });
    expect(log).toEqual(['cleanup']);
  });

  it('run() of a cancelled process rejects with ProcessCancelledError (code CANCELLED) carrying the reason', async () => {
    let target = '';
    const done = t.rt.run(function* (ctx: ProcessContext) {
      target = ctx.pid;
      yield* waitsForever();
    });
    await t.settle();
    await t.rt.run(function* () {
      yield* cancel(target, 'no longer needed');
    });
    const err = await done.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProcessCancelledError);
    expect((err as ProcessCancelledError).code).toBe('CANCELLED');
    expect((err as ProcessCancelledError).reason).toBe('no longer needed');
    expect((err as Error).message).toContain('no longer needed');
  });

  it('a process that traps cancels gets a pid.cancel message instead, and decides itself', async () => {
    const log: string[] = [];
    const target = t.rt.spawn(function* (ctx: ProcessContext) {
      ctx.trapCancel = true;
      const event: ProcessEvent = yield* nextEvent();
      log.push(JSON.stringify(event));
      log.push('flushing');
      return 'stopped cleanly';
    });
    const exit = t.rt.wait(target);
    await t.settle();
    expect(await t.rt.run(function* () {
      return yield* cancel(target, 'please stop');
    })).toBe(true);
    expect(await exit).toEqual({ kind: 'normal', value: 'stopped cleanly' });
    expect(log).toEqual([JSON.stringify({ type: 'pid.cancel', pid: target, reason: 'please stop' }), 'flushing']);
  });

  it('a trapping process may ignore the cancel and keep running', async () => {
    const target = t.rt.spawn(function* (ctx: ProcessContext) {
      ctx.trapCancel = true;
      yield* nextEvent();
      const m = yield* receive<string>({ topic: 'work' });
      return m.payload;
    });
    const exit = t.rt.wait(target);
    await t.settle();
    await t.rt.run(function* () {
      yield* cancel(target);
    });
    await t.settle();
    expect(t.rt.isAlive(target)).toBe(true);
    t.rt.send(target, 'work', 'still working');
    expect(await exit).toEqual({ kind: 'normal', value: 'still working' });
  });

  it('resolves to false for a process that is not alive', async () => {
    const gone = t.rt.spawn(function* () {});
    await t.rt.wait(gone);
    expect(await t.rt.run(function* () {
      return yield* cancel(gone, 'late');
    })).toBe(false);
  });

  it('refuses a bad pid with BAD_ARGUMENT naming it', () => {
    expect(() => cancel('')).toThrow(/cancel\(\): expected a PID like "\{local\|0x00001\}", got ""/);
  });
});
