import { describe, expect, it } from 'vitest';
import { expectTypeOf } from 'vitest';
import { CommandBase, type ResultReceiver } from '@switchyard/dispatcher';
import { all, createRuntime, definePlugin, race, receive, type Message } from '../src/index.js';
import { Boom, Echo, Hold, Later, probePlugin } from './probe.js';

async function started() {
  const probe = probePlugin();
  const rt = createRuntime({ plugins: [probe] });
  await rt.start();
  return { rt, probe };
}

describe('all()', () => {
  it('dispatches every command in one step and resumes with the results in order', async () => {
    const { rt, probe } = await started();
    const result = await rt.run(function* () {
      const r = yield* all([new Later('slow'), new Echo(2), new Later(true)]);
      expectTypeOf(r).toEqualTypeOf<[string, number, boolean]>();
      return r;
    });
    expect(result).toEqual(['slow', 2, true]);
    expect(probe.tags).toEqual([2, 3, 4]);
    await rt.stop();
  });

  it('resolves at once for an empty list', async () => {
    const { rt } = await started();
    expect(await rt.run(function* () {
      return yield* all([]);
    })).toEqual([]);
    await rt.stop();
  });

  it('fails with the first error and aborts the members still in flight', async () => {
    const { rt, probe } = await started();
    const pid = rt.spawn(function* () {
      return yield* all([new Hold(), new Hold()]);
    });
    await rt.whenIdle();
    const [a, b] = probe.held;
    b!.receiver.completeYield(b!.tag, undefined, new Error('second failed'));
    const reason = await rt.wait(pid);
    expect(reason).toMatchObject({ kind: 'error', error: { message: 'second failed' } });
    expect(a!.ctx.signal.aborted).toBe(true);
    a!.receiver.completeYield(a!.tag, 'late');
    expect(rt.stats().lateCompletions).toBe(1);
    await rt.stop();
  });

  it('aborts the signals pending members read with YIELD_ABANDONED; a completed member keeps its signal', async () => {
    class Now extends CommandBase<string> {
      readonly id = 280;
    }
    class Watch extends CommandBase<string> {
      readonly id = 281;
    }
    const signals: AbortSignal[] = [];
    const waiting: { tag: number; r: ResultReceiver }[] = [];
    const rt = createRuntime({
      plugins: [
        definePlugin({
          name: 'watch',
          commands: [280, 281],
          handlers: {
            280: (ctx, _cmd, tag, r) => {
              signals.push(ctx.signal);
              r.completeYield(tag, 'now');
            },
            281: (ctx, _cmd, tag, r) => {
              signals.push(ctx.signal);
              waiting.push({ tag, r });
            },
          },
        }),
      ],
    });
    await rt.start();
    const ok = await rt.run(function* () {
      return yield* all([new Now(), new Now()]);
    });
    expect(ok).toEqual(['now', 'now']);
    expect(signals.map((s) => s.aborted)).toEqual([false, false]);
    signals.length = 0;
    const pid = rt.spawn(function* () {
      return yield* all([new Now(), new Watch(), new Watch()]);
    });
    await rt.whenIdle();
    waiting[0]!.r.completeYield(waiting[0]!.tag, undefined, new Error('watch failed'));
    expect(await rt.wait(pid)).toMatchObject({ kind: 'error', error: { message: 'watch failed' } });
    // The member that completed and the one that failed keep their signals; the one in flight is aborted.
    expect(signals.map((s) => s.aborted)).toEqual([false, false, true]);
    expect(signals[2]!.reason).toMatchObject({ code: 'YIELD_ABANDONED' });
    await rt.stop();
  });

  it('reports a synchronous handler error of a member', async () => {
    const { rt } = await started();
    await expect(rt.run(function* () {
      yield* all([new Echo(1), new Boom('member 2 broke')]);
    })).rejects.toThrow('member 2 broke');
    await rt.stop();
  });

  it('refuses a nested all()', async () => {
    const { rt } = await started();
    await expect(rt.run(function* () {
      yield* all([all([new Echo(1)])]);
    })).rejects.toMatchObject({ code: 'BAD_YIELD' });
    await rt.stop();
  });
});

describe('race()', () => {
  it('resumes with the first result and aborts the rest', async () => {
    const { rt, probe } = await started();
    const pid = rt.spawn(function* () {
      return yield* race([new Hold(), new Later('later wins')]);
    });
    const reason = await rt.wait(pid);
    expect(reason).toEqual({ kind: 'normal', value: 'later wins' });
    expect(probe.held[0]!.ctx.signal.aborted).toBe(true);
    await rt.stop();
  });

  it('lets a message win over a slow command, and a receive that lost is not left waiting', async () => {
    const { rt } = await started();
    const pid = rt.spawn(function* () {
      const first = yield* race([receive<string>({ topic: 'go' }), new Hold()]);
      const lost = yield* race([new Later('command'), receive({ topic: 'never' })]);
      // The lost receive must not swallow this message.
      const next = yield* receive<string>({ topic: 'never' });
      return [(first as Message<string>).payload, lost, next.payload];
    });
    await rt.whenIdle();
    rt.send(pid, 'go', 'message');
    // Later completes from setImmediate: two event-loop turns let it win its race and the process park.
    await rt.whenIdle();
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    await rt.whenIdle();
    rt.send(pid, 'never', 'still delivered');
    expect(await rt.wait(pid)).toEqual({ kind: 'normal', value: ['message', 'command', 'still delivered'] });
    await rt.stop();
  });

  it('refuses an empty race', () => {
    expect(() => race([])).toThrow(/race\(\) takes a non-empty array of commands, got an array of 0/);
  });
});
