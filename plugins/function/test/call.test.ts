import { sleep } from '@switchyard/plugin-clock';
import { SwitchyardError } from '@switchyard/errors';
import { self, type ProcessContext } from '@switchyard/runtime';
import { describe, expect, it } from 'vitest';
import { call, FunctionError, type FunctionContext } from '../src/index.js';
import { wait, withFunctions } from './harness.js';

class PaymentError extends SwitchyardError {
  constructor(readonly amount: number) {
    super('CARD_DECLINED', `card declined for ${amount}`);
  }
}

describe('call', () => {
  it('runs an async function with the caller and a signal, and gives its output', async () => {
    const seen: { name: string; caller: string; aborted: boolean }[] = [];
    await using t = await withFunctions({
      billing: {
        charge: async (ctx: FunctionContext, input: { amount: number }) => {
          seen.push({ name: ctx.name, caller: ctx.caller, aborted: ctx.signal.aborted });
          return { charged: input.amount, at: 'now' };
        },
      },
    });
    const [pid, out] = await t.rt.run(function* () {
      return [yield* self(), yield* call<{ charged: number }>('billing.charge', { amount: 5 })] as const;
    });
    expect(out).toEqual({ charged: 5, at: 'now' });
    expect(seen).toEqual([{ name: 'billing.charge', caller: pid, aborted: false }]);
  });

  it('gives the input as a copy: the function cannot change the caller\'s value', async () => {
    await using t = await withFunctions({ mutate: async (_c: FunctionContext, v: { n: number }) => ((v.n = 99), v.n) });
    const result = await t.rt.run(function* () {
      const mine = { n: 1 };
      const r = yield* call<number>('mutate', mine);
      return [r, mine.n];
    });
    expect(result).toEqual([99, 1]);
  });

  it('fails with the function\'s error revived with its code and message', async () => {
    await using t = await withFunctions({
      pay: async (_c: FunctionContext, n: number) => {
        throw new PaymentError(n);
      },
      sync: () => {
        throw new TypeError('bad input');
      },
    });
    const [a, b] = await t.rt.run(function* () {
      const errors: unknown[] = [];
      for (const name of ['pay', 'sync']) {
        try {
          yield* call(name, 7);
        } catch (e) {
          errors.push(e);
        }
      }
      return errors;
    });
    expect(a).toBeInstanceOf(Error);
    expect(a).toMatchObject({ code: 'CARD_DECLINED', message: 'card declined for 7', name: 'PaymentError' });
    expect(b).toMatchObject({ name: 'TypeError', message: 'bad input' });
  });

  it('runs a generator function as a child process of its own and waits for it', async () => {
    await using t = await withFunctions({
      slow: function* (ctx: ProcessContext, n: number) {
        yield* sleep(100);
        return { pid: ctx.pid, n: n + 1 };
      },
      failing: function* () {
        yield* sleep(1);
        throw new PaymentError(3);
      },
    });
    const done = t.rt.run(function* () {
      const me = yield* self();
      const r = yield* call<{ pid: string; n: number }>('slow', 1);
      let error: unknown;
      try {
        yield* call('failing');
      } catch (e) {
        error = e;
      }
      return { me, r, error };
    });
    await t.advance(200);
    const { me, r, error } = await done;
    expect(r.n).toBe(2);
    expect(r.pid).not.toBe(me);
    expect(error).toMatchObject({ code: 'CARD_DECLINED' });
    expect(t.rt.stats().processes.live).toBe(0);
  });

  it('fails with NO_SUCH_FUNCTION and a did-you-mean for an unknown name', async () => {
    await using t = await withFunctions({ billing: { charge: async () => 1 } });
    const error = await t.rt.run(function* () {
      try {
        yield* call('billing.charg', 1);
      } catch (e) {
        return e;
      }
    });
    expect(error).toBeInstanceOf(FunctionError);
    expect(error).toMatchObject({ code: 'NO_SUCH_FUNCTION', function: 'billing.charg' });
    expect((error as Error).message).toBe('no function "billing.charg" (did you mean "billing.charge"?)');
  });

  it('times out an async function: FUNCTION_TIMEOUT naming it, and its signal aborts', async () => {
    let abortedWith: unknown;
    await using t = await withFunctions({
      report: async (ctx: FunctionContext) => {
        try {
          await wait(t.clock, 10_000, ctx.signal);
        } catch (e) {
          abortedWith = e;
          throw e;
        }
        return 'late';
      },
    });
    const done = t.rt.run(function* () {
      try {
        return yield* call('report', null, { timeoutMs: 50 });
      } catch (e) {
        return e;
      }
    });
    await t.advance(49);
    expect(abortedWith).toBeUndefined();
    await t.advance(1);
    const error = await done;
    expect(error).toMatchObject({ code: 'FUNCTION_TIMEOUT', function: 'report', message: 'function "report" did not finish within 50 ms' });
    expect(abortedWith).toBe(error);
    expect(t.clock.pending).toBe(0);
    expect(t.rt.stats().plugins.function!.running).toBe(0);
  });

  it('times out a generator function by ending its process; its finally blocks run', async () => {
    const log: string[] = [];
    await using t = await withFunctions({
      crawl: function* () {
        try {
          yield* sleep(10_000);
          log.push('finished');
        } finally {
          log.push('cleanup');
        }
      },
    });
    const done = t.rt.run(function* () {
      try {
        return yield* call('crawl', null, { timeoutMs: 100 });
      } catch (e) {
        return e;
      }
    });
    await t.advance(100);
    expect(await done).toMatchObject({ code: 'FUNCTION_TIMEOUT', function: 'crawl' });
    expect(log).toEqual(['cleanup']);
    expect(t.rt.stats().processes.live).toBe(0);
    expect(t.clock.pending).toBe(0);
  });

  it('aborts the function when the caller ends mid-call', async () => {
    const aborted: string[] = [];
    await using t = await withFunctions({
      async: async (ctx: FunctionContext) => {
        await wait(t.clock, 10_000, ctx.signal).catch(() => aborted.push('async'));
      },
      gen: function* () {
        try {
          yield* sleep(10_000);
        } finally {
          aborted.push('gen');
        }
      },
    });
    const a = t.rt.spawn(function* () {
      yield* call('async');
    });
    const b = t.rt.spawn(function* () {
      yield* call('gen');
    });
    await t.settle();
    expect(t.rt.stats().processes.live).toBe(3);
    t.rt.terminate(a);
    t.rt.terminate(b);
    await t.settle();
    expect(aborted.sort()).toEqual(['async', 'gen']);
    expect(t.rt.stats().processes.live).toBe(0);
    expect(t.clock.pending).toBe(0);
    expect(t.rt.stats().plugins.function!.running).toBe(0);
  });

  it('refuses a bad timeout before running anything', async () => {
    let ran = false;
    await using t = await withFunctions({ f: async () => void (ran = true) });
    const error = await t.rt.run(function* () {
      try {
        yield* call('f', null, { timeoutMs: -1 });
      } catch (e) {
        return e;
      }
    });
    expect(error).toMatchObject({ code: 'FUNCTION_BAD_ARGUMENT' });
    expect(ran).toBe(false);
  });

  it('keeps two runtimes apart: same plugin options, separate registries and counters', async () => {
    const fns = { f: async (_c: FunctionContext, n: number) => n };
    await using a = await withFunctions(fns);
    await using b = await withFunctions(fns);
    await a.rt.run(function* () {
      yield* call('f', 1);
      yield* call('f', 2);
    });
    await b.rt.run(function* () {
      yield* call('f', 1);
    });
    expect(a.rt.stats().plugins.function!.calls).toBe(2);
    expect(b.rt.stats().plugins.function!.calls).toBe(1);
  });
});

describe('the wire boundary', () => {
  it('fails a call whose input the codec cannot carry, with the path, without running it', async () => {
    let ran = false;
    await using t = await withFunctions({ f: async () => void (ran = true) });
    const error = await t.rt.run(function* () {
      try {
        yield* call('f', { card: { items: [1, { fn: () => 1 }] } });
      } catch (e) {
        return e;
      }
    });
    expect(error).toMatchObject({ code: 'FUNCTION_UNSERIALIZABLE', function: 'f', direction: 'input', path: '$.card.items[1].fn' });
    expect((error as Error).message).toMatch(/^function "f": its input cannot cross the wire: .*a function \(fn\) at \$\.card\.items\[1\]\.fn/);
    expect(ran).toBe(false);
  });

  it('fails a call whose output the codec cannot carry, with the path', async () => {
    await using t = await withFunctions({ f: async () => ({ ok: true, when: Promise.resolve(1) }), g: function* () { const o: { self?: unknown } = {}; o.self = o; return o; } });
    const errors = await t.rt.run(function* () {
      const out: unknown[] = [];
      for (const n of ['f', 'g']) {
        try {
          yield* call(n);
        } catch (e) {
          out.push(e);
        }
      }
      return out;
    });
    expect(errors[0]).toMatchObject({ code: 'FUNCTION_UNSERIALIZABLE', direction: 'output', path: '$.when' });
    expect(errors[1]).toMatchObject({ code: 'FUNCTION_UNSERIALIZABLE', direction: 'output', path: '$.self' });
  });
});
