import { describe, expect, it } from 'vitest';
import { CommandBase, type HandlerContext, type ResultReceiver } from '@switchyard/dispatcher';
import { all, createRuntime, definePlugin, race, YieldAbandonedError } from '../src/index.js';

/** Registers an abandon hook and waits until the test completes it. */
class Watch extends CommandBase<string> {
  readonly id = 300;
  constructor(readonly label: string) {
    super();
  }
}
/** Registers an abandon hook and completes at once. */
class Quick extends CommandBase<number> {
  readonly id = 301;
}
/** Fails on the next turn of the event loop. */
class Fail extends CommandBase<never> {
  readonly id = 302;
}
/** Registers a hook that throws, then one that records; also reads ctx.signal. */
class Both extends CommandBase<string> {
  readonly id = 303;
}

interface Held {
  readonly ctx: HandlerContext;
  readonly tag: number;
  readonly receiver: ResultReceiver;
}

function hookPlugin() {
  const calls: { label: string; reason: Error }[] = [];
  const held = new Map<string, Held>();
  const signals: AbortSignal[] = [];
  let quick = 0;
  const plugin = definePlugin({
    name: 'hooks',
    commands: [300, 301, 302, 303],
    setup: () => ({
      handlers: {
        300: (ctx, cmd: Watch, tag, receiver) => {
          ctx.onAbandon((reason) => calls.push({ label: cmd.label, reason }));
          held.set(cmd.label, { ctx, tag, receiver });
        },
        301: (ctx, _cmd, tag, receiver) => {
          const n = ++quick;
          ctx.onAbandon((reason) => calls.push({ label: `quick ${n}`, reason }));
          receiver.completeYield(tag, n);
        },
        302: (_ctx, _cmd, tag, receiver) => {
          setImmediate(() => receiver.completeYield(tag, undefined, new Error('failed')));
        },
        303: (ctx, _cmd, tag, receiver) => {
          ctx.onAbandon(() => {
            throw new Error('a broken hook');
          });
          ctx.onAbandon((reason) => calls.push({ label: 'after the broken one', reason }));
          signals.push(ctx.signal);
          held.set('both', { ctx, tag, receiver });
        },
      },
    }),
  });
  return { plugin, calls, held, signals };
}

async function started() {
  const h = hookPlugin();
  const rt = createRuntime({ plugins: [h.plugin] });
  await rt.start();
  return { rt, ...h };
}

describe('ctx.onAbandon', () => {
  it('calls the hook once when the process ends with the yield pending, with a YieldAbandonedError naming it', async () => {
    const { rt, calls, held } = await started();
    try {
      const pid = rt.spawn(function* () {
        yield* new Watch('pending');
      });
      await rt.whenIdle();
      expect(calls).toEqual([]);
      const exit = rt.wait(pid);
      rt.terminate(pid);
      await exit;
      expect(calls.map((c) => c.label)).toEqual(['pending']);
      expect(calls[0]!.reason).toBeInstanceOf(YieldAbandonedError);
      expect(calls[0]!.reason).toMatchObject({ code: 'YIELD_ABANDONED', message: `process ${pid} has ended` });
      // A completion that comes after all is dropped and calls nothing more.
      const h = held.get('pending')!;
      h.receiver.completeYield(h.tag, 'late');
      expect(calls).toHaveLength(1);
      expect(rt.stats().lateCompletions).toBe(1);
    } finally {
      await rt.stop();
    }
  });

  it('never calls the hook of a completed yield: 1,000 completed yields leave nothing to call when the process ends', async () => {
    const { rt, calls, held } = await started();
    try {
      const pid = rt.spawn(function* () {
        for (let i = 0; i < 1000; i++) yield* new Quick();
        yield* new Watch('completed later');
        yield* new Watch('last');
      });
      await rt.whenIdle();
      const first = held.get('completed later')!;
      first.receiver.completeYield(first.tag, 'done');
      await rt.whenIdle();
      expect(held.has('last')).toBe(true);
      const exit = rt.wait(pid);
      rt.terminate(pid);
      await exit;
      expect(calls.map((c) => c.label)).toEqual(['last']);
    } finally {
      await rt.stop();
    }
  });

  it('calls the hook of a race loser (lost the race), never the winner, and each pending all() member when the process ends', async () => {
    const { rt, calls, held } = await started();
    try {
      const racing = rt.run(function* () {
        return yield* race([new Watch('winner'), new Watch('loser')]);
      });
      await rt.whenIdle();
      const w = held.get('winner')!;
      w.receiver.completeYield(w.tag, 'first');
      expect(await racing).toBe('first');
      expect(calls.map((c) => [c.label, c.reason.message.replace(/^process \S+: /, '')])).toEqual([['loser', 'lost the race']]);

      calls.length = 0;
      const pid = rt.spawn(function* () {
        yield* all([new Watch('p'), new Watch('q')]);
      });
      await rt.whenIdle();
      const exit = rt.wait(pid);
      rt.terminate(pid);
      await exit;
      expect(calls.map((c) => [c.label, c.reason.message])).toEqual([
        ['p', `process ${pid} has ended`],
        ['q', `process ${pid} has ended`],
      ]);
    } finally {
      await rt.stop();
    }
  });

  it('calls the hooks of the other all() members when one fails, once each', async () => {
    const { rt, calls } = await started();
    try {
      const error = await rt.run(function* () {
        try {
          yield* all([new Watch('x'), new Fail(), new Watch('y')]);
        } catch (e) {
          return (e as Error).message;
        }
      });
      expect(error).toBe('failed');
      expect(calls.map((c) => [c.label, c.reason.message.replace(/^process \S+: /, '')])).toEqual([
        ['x', 'another member of all() failed'],
        ['y', 'another member of all() failed'],
      ]);
    } finally {
      await rt.stop();
    }
  });

  it('runs a hook registered on an abandoned yield at once, before onAbandon returns; one on a completed member never', async () => {
    const { rt, held } = await started();
    try {
      const racing = rt.run(function* () {
        return yield* race([new Watch('won'), new Watch('lost')]);
      });
      await rt.whenIdle();
      const w = held.get('won')!;
      w.receiver.completeYield(w.tag, 'ok');
      await racing;
      const late: string[] = [];
      held.get('lost')!.ctx.onAbandon((reason) => late.push(`lost: ${reason.message.replace(/^process \S+: /, '')}`));
      held.get('won')!.ctx.onAbandon(() => late.push('won'));
      expect(late).toEqual(['lost: the yield was abandoned']);

      const pid = rt.spawn(function* () {
        yield* new Watch('ended');
      });
      await rt.whenIdle();
      const exit = rt.wait(pid);
      rt.terminate(pid);
      await exit;
      held.get('ended')!.ctx.onAbandon((reason) => late.push(reason.message));
      expect(late).toEqual(['lost: the yield was abandoned', `process ${pid} has ended`]);
    } finally {
      await rt.stop();
    }
  });

  it('isolates a hook that throws: the next hook still runs, the signal aborts, the exit completes, and the failure is counted', async () => {
    const { rt, calls, signals } = await started();
    try {
      const pid = rt.spawn(function* () {
        yield* new Both();
      });
      await rt.whenIdle();
      const exit = rt.wait(pid);
      rt.terminate(pid);
      expect(await exit).toMatchObject({ kind: 'terminated' });
      expect(calls.map((c) => c.label)).toEqual(['after the broken one']);
      expect(signals[0]!.aborted).toBe(true);
      expect(signals[0]!.reason).toBe(calls[0]!.reason);
      expect(rt.stats().abandonHookErrors).toBe(1);
    } finally {
      await rt.stop();
    }
  });
});
