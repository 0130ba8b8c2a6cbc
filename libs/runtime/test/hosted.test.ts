import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { CommandBase, type Command } from '@switchyard/dispatcher';
import { all, createRuntime, definePlugin, receive, stepBody, type HostAnswer, type ProcessContext, type ProcessHost } from '../src/index.js';

class Add extends CommandBase<number> {
  readonly id = 310;
  constructor(
    readonly a: number,
    readonly b: number,
  ) {
    super();
  }
}
class Fail extends CommandBase<never> {
  readonly id = 311;
}

function mathPlugin() {
  const calls: string[] = [];
  const plugin = definePlugin({
    name: 'math',
    commands: [310, 311],
    setup: () => ({
      handlers: {
        310: (_ctx, cmd: Add, tag, r) => {
          calls.push(`${cmd.a}+${cmd.b}`);
          // Completes later and out of order for all(): the larger sum first.
          setTimeout(() => r.completeYield(tag, cmd.a + cmd.b), 10 - Math.min(9, cmd.a + cmd.b));
        },
        311: () => {
          calls.push('fail');
          throw Object.assign(new Error('no'), { code: 'NOPE' });
        },
      },
    }),
  });
  return { plugin, calls };
}

interface Entry {
  position: number;
  id: number;
  result: HostAnswer;
}

function* workflow(_ctx: ProcessContext, x: number) {
  const a = yield* new Add(x, 1);
  const [b, c] = yield* all([new Add(a, 1), new Add(a, 5)]);
  let failed = '';
  try {
    yield* new Fail();
  } catch (e) {
    failed = (e as { code: string }).code;
  }
  return { a, b, c, failed };
}

/** Records every command and result of the processes it hosts. */
function recorder(log: Entry[], seen: Command[]): ProcessHost {
  return {
    beforeDispatch: (y) => {
      seen.push(y.cmd);
      return undefined;
    },
    afterComplete: (y, result) => log.push({ position: y.position, id: y.cmd.id, result }),
  };
}

/** Answers every yield from a log, so no handler runs. */
function replayer(log: readonly Entry[], mismatches: string[]): ProcessHost {
  const byPosition = new Map(log.map((e) => [e.position, e]));
  return {
    beforeDispatch: (y) => {
      const e = byPosition.get(y.position);
      if (e === undefined) return undefined;
      if (e.id !== y.cmd.id) mismatches.push(`position ${y.position}: ${y.cmd.id} vs ${e.id}`);
      return e.result;
    },
  };
}

describe('hosted processes', () => {
  it('a recording host sees every command before dispatch and every result, with stable positions', async () => {
    const { plugin, calls } = mathPlugin();
    const rt = createRuntime({ plugins: [plugin] });
    await rt.start();
    const log: Entry[] = [];
    const seen: Command[] = [];
    const pid = rt.spawnWith({ host: recorder(log, seen) }, workflow, 1);
    expect(await rt.wait(pid)).toEqual({ kind: 'normal', value: { a: 2, b: 3, c: 7, failed: 'NOPE' } });
    expect(seen.map((c) => c.id)).toEqual([310, 310, 310, 311]);
    // all() members finish out of order (c first) but keep their positions 3 and 4 (2 is the all itself).
    expect(log.map((e) => [e.position, e.id])).toEqual([
      [1, 310],
      [4, 310],
      [3, 310],
      [5, 311],
    ]);
    expect(log[3]!.result.ok).toBe(false);
    expect(calls).toEqual(['1+1', '2+1', '2+5', 'fail']);
    await rt.stop();
  });

  it('a replaying host re-runs the process from the log with no handler called', async () => {
    const { plugin, calls } = mathPlugin();
    const rt = createRuntime({ plugins: [plugin] });
    await rt.start();
    const log: Entry[] = [];
    await rt.wait(rt.spawnWith({ host: recorder(log, []) }, workflow, 1));
    calls.length = 0;
    const mismatches: string[] = [];
    const pid = rt.spawnWith({ host: replayer(log, mismatches) }, workflow, 1);
    expect(await rt.wait(pid)).toEqual({ kind: 'normal', value: { a: 2, b: 3, c: 7, failed: 'NOPE' } });
    expect(calls).toEqual([]);
    expect(mismatches).toEqual([]);
    await rt.stop();
  });

  it('replays a prefix, then goes live at the first position with no recorded result', async () => {
    const { plugin, calls } = mathPlugin();
    const rt = createRuntime({ plugins: [plugin] });
    await rt.start();
    const log: Entry[] = [];
    await rt.wait(rt.spawnWith({ host: recorder(log, []) }, workflow, 1));
    calls.length = 0;
    const prefix = log.filter((e) => e.position === 1);
    const pid = rt.spawnWith({ host: replayer(prefix, []) }, workflow, 1);
    expect(await rt.wait(pid)).toEqual({ kind: 'normal', value: { a: 2, b: 3, c: 7, failed: 'NOPE' } });
    expect(calls).toEqual(['2+1', '2+5', 'fail']);
    await rt.stop();
  });

  it('a hosted process is a process: it receives messages, can be terminated, and the host sees its exit', async () => {
    const rt = createRuntime();
    await rt.start();
    const exits: string[] = [];
    const pid = rt.spawnWith({ host: { exited: (_p, reason) => exits.push(reason.kind) } }, function* () {
      yield* receive();
    });
    rt.send(pid, 'x', 1);
    await rt.whenIdle();
    expect(exits).toEqual(['normal']);
    const p2 = rt.spawnWith({ host: { exited: (_p, reason) => exits.push(reason.kind) } }, function* () {
      yield* receive({ topic: 'never' });
    });
    await rt.whenIdle();
    rt.terminate(p2);
    expect(exits).toEqual(['normal', 'terminated']);
    await rt.stop();
  });

  it('drives a body that is a plain step function, not a generator', async () => {
    const { plugin, calls } = mathPlugin();
    const rt = createRuntime({ plugins: [plugin] });
    await rt.start();
    // A tiny accumulator machine: add 1, 2, 3 to its state, one command per step.
    let state = 0;
    let i = 0;
    const pid = rt.spawnBody(
      {},
      stepBody((input) => {
        if (!input.ok) throw input.error;
        if (i > 0) state = input.value as number;
        i++;
        return i <= 3 ? { yield: new Add(state, i) } : { done: state };
      }),
    );
    expect(await rt.wait(pid)).toEqual({ kind: 'normal', value: 6 });
    expect(calls).toEqual(['0+1', '1+2', '3+3']);
    await rt.stop();
  });

  it('drives a hand-written iterator body: results through its next(), failures through its throw()', async () => {
    const { plugin } = mathPlugin();
    const rt = createRuntime({ plugins: [plugin] });
    await rt.start();
    const seen: string[] = [];
    let step = 0;
    const body = {
      next(v?: unknown): IteratorResult<Command, unknown> {
        seen.push(`next ${String(v)}`);
        step++;
        if (step === 1) return { done: false, value: new Add(2, 3) };
        if (step === 2) return { done: false, value: new Fail() };
        return { done: true, value: 'unreachable' };
      },
      throw(e: unknown): IteratorResult<Command, unknown> {
        seen.push(`throw ${(e as { code?: string }).code}`);
        return { done: true, value: 'recovered' };
      },
      return(v?: unknown): IteratorResult<Command, unknown> {
        seen.push('return');
        return { done: true, value: v };
      },
    };
    const pid = rt.spawnBody({}, () => body);
    expect(await rt.wait(pid)).toEqual({ kind: 'normal', value: 'recovered' });
    expect(seen).toEqual(['next undefined', 'next 5', 'throw NOPE']);
    await rt.stop();
  });

  it('a hand-written iterator body that throws on its first step ends with that error; one ended from outside gets return()', async () => {
    const rt = createRuntime();
    await rt.start();
    const boom = new TypeError('not ready');
    const failing = rt.spawnBody({}, () => ({
      next: () => {
        throw boom;
      },
      throw: (e: unknown) => {
        throw e;
      },
      return: (v?: unknown) => ({ done: true, value: v }),
    }));
    expect(await rt.wait(failing)).toEqual({ kind: 'error', error: boom });
    const returned: unknown[] = [];
    const parked = rt.spawnBody({}, () => ({
      next: () => ({ done: false, value: receive() }),
      throw: (e: unknown) => {
        throw e;
      },
      return: (v?: unknown) => {
        returned.push(v);
        return { done: true, value: v };
      },
    }));
    await rt.whenIdle();
    const exit = rt.wait(parked);
    rt.cancel(parked, 'bye');
    expect((await exit).kind).not.toBe('normal');
    expect(returned).toHaveLength(1);
    await rt.stop();
  });

  it('drives a generator made in another realm (a vm context); its error ends the process', async () => {
    const { plugin } = mathPlugin();
    const rt = createRuntime({ plugins: [plugin] });
    await rt.start();
    const guest = runInNewContext('(function* (add) { const x = yield add(1, 2); const y = yield add(x, 10); throw new Error("guest failed at " + y); })') as (
      add: (a: number, b: number) => Command,
    ) => Generator<Command, unknown, unknown>;
    const pid = rt.spawnBody({}, () => guest((a, b) => new Add(a, b)));
    expect(await rt.wait(pid)).toMatchObject({ kind: 'error', error: { message: 'guest failed at 13' } });
    await rt.stop();
  });

  it('a step body ended from outside gets its onStop', async () => {
    const rt = createRuntime();
    await rt.start();
    const stopped: string[] = [];
    const pid = rt.spawnBody({}, stepBody(() => ({ yield: receive() }), (ctx) => stopped.push(ctx.pid)));
    await rt.whenIdle();
    rt.cancel(pid, 'bye');
    expect(stopped).toEqual([pid]);
    await rt.stop();
  });
});
