import { sleep } from '@switchyard/plugin-clock';
import { receive, type Message } from '@switchyard/runtime';
import { describe, expect, it } from 'vitest';
import { cancelCall, startCall, type AsyncCall, type AsyncCallMessage, type FunctionContext } from '../src/index.js';
import { wait, withFunctions } from './harness.js';

function* collect(topic: string, n: number) {
  const out: AsyncCallMessage[] = [];
  for (let i = 0; i < n; i++) out.push((yield* receive<AsyncCallMessage>({ topic })).payload);
  return out;
}

describe('startCall / cancelCall', () => {
  it('completes at once; the result then done arrive on the chosen topic', async () => {
    await using t = await withFunctions({ double: async (ctx: FunctionContext, n: number) => (await wait(t.clock, 10, ctx.signal), n * 2) });
    const done = t.rt.run(function* () {
      const call = yield* startCall('double', 21, { topic: 'calc' });
      const msgs = yield* collect('calc', 2);
      return { call, msgs };
    });
    await t.settle();
    expect(t.rt.stats().resources.byKind['function.call']).toBe(1);
    await t.advance(10);
    const { call, msgs } = await done;
    expect(call).toEqual({ kind: 'function.call', id: call.id });
    expect(msgs).toEqual([
      { type: 'result', call: call.id, ok: true, value: 42 },
      { type: 'done', call: call.id, outcome: 'ok' },
    ]);
    expect(t.rt.stats().resources.live).toBe(0);
  });

  it('delivers a failure as an error result, then done "error"', async () => {
    await using t = await withFunctions({});
    const msgs = await t.rt.run(function* () {
      try {
        yield* startCall('nothing', 1, { topic: 't' });
      } catch (e) {
        return e;
      }
    });
    expect(msgs).toMatchObject({ code: 'NO_SUCH_FUNCTION' });

    await using u = await withFunctions({ boom: async () => Promise.reject(Object.assign(new Error('nope'), { code: 'E_BOOM' })) });
    const got = await u.rt.run(function* () {
      yield* startCall('boom', 1, { topic: 't' });
      return yield* collect('t', 2);
    });
    expect(got[0]).toMatchObject({ type: 'result', ok: false, error: { code: 'E_BOOM', message: 'nope' } });
    expect(got[1]).toMatchObject({ type: 'done', outcome: 'error' });
  });

  it('cancel really aborts the work: the function waiting on a timer sees its signal abort; "cancelled" arrives once', async () => {
    const log: string[] = [];
    await using t = await withFunctions({
      report: async (ctx: FunctionContext) => {
        try {
          await wait(t.clock, 1_000, ctx.signal);
          log.push('finished');
        } catch {
          log.push('aborted');
        }
        return 'report';
      },
    });
    const done = t.rt.run(function* () {
      const call = yield* startCall('report', null, { topic: 'r' });
      yield* sleep(10);
      const first = yield* cancelCall(call);
      const second = yield* cancelCall(call);
      const msg = yield* receive<AsyncCallMessage>({ topic: 'r' });
      let more: Message | undefined;
      try {
        more = yield* receive({ topic: 'r', timeout: 5_000 });
      } catch {
        more = undefined;
      }
      return { first, second, msg: msg.payload, more, id: call.id };
    });
    await t.advance(10);
    expect(log).toEqual(['aborted']);
    await t.advance(5_000);
    const r = await done;
    expect(r.first).toBe(true);
    expect(r.second).toBe(false);
    expect(r.msg).toEqual({ type: 'done', call: r.id, outcome: 'cancelled' });
    expect(r.more).toBeUndefined();
    expect(t.clock.pending).toBe(0);
    expect(t.rt.stats().resources.live).toBe(0);
    expect(t.rt.stats().plugins.function!.running).toBe(0);
  });

  it('cancel of a generator function ends its process (finally runs); of a finished call is false', async () => {
    const log: string[] = [];
    await using t = await withFunctions({
      crawl: function* () {
        try {
          yield* sleep(1_000);
        } finally {
          log.push('cleanup');
        }
      },
      quick: async () => 1,
    });
    const done = t.rt.run(function* () {
      const slow = yield* startCall('crawl', null, { topic: 'c' });
      const quick = yield* startCall('quick', null, { topic: 'q' });
      yield* collect('q', 2);
      return [yield* cancelCall(slow), yield* cancelCall(quick)];
    });
    await t.settle();
    expect(await done).toEqual([true, false]);
    expect(log).toEqual(['cleanup']);
    expect(t.rt.stats().processes.live).toBe(0);
  });

  it('only the caller may cancel: NOT_OWNER for another process', async () => {
    await using t = await withFunctions({ f: async (ctx: FunctionContext) => wait(t.clock, 1_000, ctx.signal) });
    const thief = t.rt.spawn(function* () {
      const call = (yield* receive<AsyncCall>({ topic: 'handle' })).payload;
      try {
        return yield* cancelCall(call);
      } catch (e) {
        return e;
      }
    });
    const outcome = t.rt.wait(thief);
    const owner = t.rt.spawn(function* () {
      const call = yield* startCall('f', null, { topic: 'x' });
      t.rt.send(thief, 'handle', call);
      yield* receive({ topic: 'never' });
    });
    await t.settle();
    expect(await outcome).toMatchObject({ kind: 'normal', value: { code: 'NOT_OWNER' } });
    expect(t.rt.stats().resources.byKind['function.call']).toBe(1);
    t.rt.terminate(owner);
    await t.settle();
    expect(t.rt.stats().resources.live).toBe(0);
  });

  it('ending the caller aborts its started calls and frees their handles', async () => {
    const log: string[] = [];
    await using t = await withFunctions({ f: async (ctx: FunctionContext) => wait(t.clock, 1_000, ctx.signal).catch(() => log.push('aborted')) });
    const pid = t.rt.spawn(function* () {
      yield* startCall('f', null, { topic: 'x' });
      yield* startCall('f', null, { topic: 'x' });
      yield* receive({ topic: 'never' });
    });
    await t.settle();
    expect(t.rt.stats().resources.byKind['function.call']).toBe(2);
    t.rt.terminate(pid);
    await t.settle();
    expect(log).toEqual(['aborted', 'aborted']);
    expect(t.rt.stats().resources.live).toBe(0);
    expect(t.clock.pending).toBe(0);
  });

  it('times out a started call: an error result with FUNCTION_TIMEOUT, then done "error"', async () => {
    await using t = await withFunctions({ f: async (ctx: FunctionContext) => wait(t.clock, 1_000, ctx.signal) });
    const done = t.rt.run(function* () {
      yield* startCall('f', null, { topic: 'x', timeoutMs: 20 });
      return yield* collect('x', 2);
    });
    await t.advance(20);
    const [result, end] = await done;
    expect(result).toMatchObject({ type: 'result', ok: false, error: { code: 'FUNCTION_TIMEOUT' } });
    expect(end).toMatchObject({ type: 'done', outcome: 'error' });
  });

  it('refuses a missing topic and a non-handle', async () => {
    await using t = await withFunctions({ f: async () => 1 });
    const errors = await t.rt.run(function* () {
      const out: unknown[] = [];
      try {
        yield* startCall('f', 1, {} as never);
      } catch (e) {
        out.push(e);
      }
      try {
        yield* cancelCall({ kind: 'stream', id: 1 } as never);
      } catch (e) {
        out.push(e);
      }
      return out;
    });
    expect(errors).toMatchObject([{ code: 'FUNCTION_BAD_ARGUMENT' }, { code: 'FUNCTION_BAD_ARGUMENT' }]);
    expect(t.rt.stats().resources.live).toBe(0);
  });
});
