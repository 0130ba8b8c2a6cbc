import { describe, expect, it } from 'vitest';
import { CommandBase } from '@switchyard/dispatcher';
import { createRuntime, definePlugin, NullishFailureError, race, receive, YieldAbandonedError } from '../src/index.js';

class Wait extends CommandBase<string> {
  readonly id = 300;
  constructor(readonly ms: number) {
    super();
  }
}
class Quick extends CommandBase<AbortSignal> {
  readonly id = 301;
}

/** A handler that listens on ctx.signal every time and never removes its listener. */
function listenerPlugin() {
  const signals: AbortSignal[] = [];
  const plugin = definePlugin({
    name: 'listener',
    commands: [300, 301],
    setup: () => ({
      handlers: {
        300: (ctx, cmd: Wait, tag, r) => {
          const signal = ctx.signal;
          signals.push(signal);
          const t = setTimeout(() => r.completeYield(tag, `waited ${cmd.ms}`), cmd.ms);
          signal.addEventListener('abort', () => clearTimeout(t));
        },
        301: (ctx, _cmd, tag, r) => {
          const signal = ctx.signal;
          signal.addEventListener('abort', () => {});
          r.completeYield(tag, signal);
        },
      },
    }),
  });
  return { plugin, signals };
}

describe('ctx.signal belongs to one yield', () => {
  it('1,000 yields of a handler that never removes its listener print no MaxListenersExceededWarning', async () => {
    const warnings: Error[] = [];
    const onWarning = (w: Error) => warnings.push(w);
    process.on('warning', onWarning);
    const { plugin } = listenerPlugin();
    const rt = createRuntime({ plugins: [plugin] });
    await rt.start();
    const distinct = await rt.run(function* () {
      const seen = new Set<AbortSignal>();
      for (let i = 0; i < 1000; i++) seen.add(yield* new Quick());
      return seen.size;
    });
    await new Promise((r) => setImmediate(r));
    process.off('warning', onWarning);
    expect(distinct).toBe(1000);
    expect(warnings.filter((w) => w.name === 'MaxListenersExceededWarning')).toEqual([]);
    await rt.stop();
  });

  it('aborts when the process ends with the yield pending, and not after the yield completed', async () => {
    const { plugin, signals } = listenerPlugin();
    const rt = createRuntime({ plugins: [plugin] });
    await rt.start();
    const pid = rt.spawn(function* () {
      yield* new Wait(1);
      yield* new Wait(60_000);
    });
    while (signals.length < 2) await new Promise((r) => setTimeout(r, 2));
    expect(signals).toHaveLength(2);
    rt.terminate(pid);
    expect(signals[0]!.aborted).toBe(false);
    expect(signals[1]!.aborted).toBe(true);
    await rt.stop();
  });

  it('aborts for the loser of a race, not for the winner', async () => {
    const { plugin, signals } = listenerPlugin();
    const rt = createRuntime({ plugins: [plugin] });
    await rt.start();
    const winner = await rt.run(function* () {
      return yield* race([new Wait(1), new Wait(60_000)]);
    });
    expect(winner).toBe('waited 1');
    expect(signals.map((s) => s.aborted)).toEqual([false, true]);
    await rt.stop();
  });

  it('the process context keeps a per-process signal that aborts when the process ends', async () => {
    const rt = createRuntime();
    await rt.start();
    let signal: AbortSignal | undefined;
    const pid = rt.spawn(function* (ctx) {
      signal = ctx.signal;
      yield* receive();
    });
    await rt.whenIdle();
    expect(signal!.aborted).toBe(false);
    rt.terminate(pid);
    expect(signal!.aborted).toBe(true);
    await rt.stop();
  });
});

describe('coded reasons and failures', () => {
  it('an abandoned yield aborts its signal with YieldAbandonedError naming the process and why', async () => {
    const { plugin, signals } = listenerPlugin();
    const rt = createRuntime({ plugins: [plugin] });
    await rt.start();
    try {
      const racer = await rt.run(function* (ctx) {
        yield* race([new Wait(1), new Wait(10_000)]);
        return ctx.pid;
      });
      const lost = signals[1]!;
      expect(lost.aborted).toBe(true);
      expect(lost.reason).toBeInstanceOf(YieldAbandonedError);
      expect(lost.reason).toMatchObject({ code: 'YIELD_ABANDONED', message: `process ${racer}: lost the race` });
      const pid = rt.spawn(function* () {
        yield* new Wait(10_000);
      });
      await rt.whenIdle();
      expect(signals).toHaveLength(3);
      const exit = rt.wait(pid);
      rt.terminate(pid);
      await exit;
      expect(signals[2]!.reason).toMatchObject({ code: 'YIELD_ABANDONED', message: `process ${pid} has ended` });
    } finally {
      await rt.stop();
    }
  });

  it('a handler that throws undefined fails the yield with NullishFailureError naming the command ID', async () => {
    const plugin = definePlugin({
      name: 'sloppy',
      commands: [300],
      setup: () => ({
        handlers: {
          300: () => {
            throw undefined;
          },
        },
      }),
    });
    const rt = createRuntime({ plugins: [plugin] });
    await rt.start();
    try {
      const error = await rt.run(function* () {
        try {
          yield* new Wait(1);
        } catch (e) {
          return e;
        }
      });
      expect(error).toBeInstanceOf(NullishFailureError);
      expect(error).toMatchObject({ code: 'NULLISH_FAILURE', commandId: 300, message: 'the handler for command ID 300 failed the yield with a nullish value instead of an error' });
    } finally {
      await rt.stop();
    }
  });
});
