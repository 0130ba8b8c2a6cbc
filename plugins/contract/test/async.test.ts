import { functionPlugin, type FunctionContext } from '@switchyard/plugin-function';
import { definePlugin, ForbiddenError, receive, transfer, type Principals } from '@switchyard/runtime';
import { createTestRuntime } from '@switchyard/testing';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { bind, call, cancelCall, contractPlugin, defineContract, open, startCall, type ContractCallMessage } from '../src/index.js';

const Reports = defineContract('reports', {
  build: { input: z.object({ days: z.number() }), output: z.string() },
});

async function setup(log: string[]) {
  const box: { principals?: Principals } = {};
  const issuer = definePlugin({ name: 'issuer', commands: [300], setup: (ctx) => void (box.principals = ctx.principals) });
  const t = await createTestRuntime({
    plugins: [
      issuer,
      functionPlugin({
        functions: {
          build: async (ctx: FunctionContext, input: { days: number }) => {
            await new Promise<void>((resolve, reject) => {
              const timer = t.clock.setTimeout(resolve, input.days * 100);
              ctx.signal.addEventListener('abort', () => {
                t.clock.clearTimeout(timer);
                log.push('aborted');
                reject(ctx.signal.reason);
              });
            });
            log.push('built');
            return `report of ${input.days} days`;
          },
        },
      }),
      contractPlugin({ bindings: [bind({ name: 'reports.main', contract: Reports, methods: { build: 'build' }, scopes: ['reports'] })] }),
    ],
  });
  return { t, principals: box.principals! };
}

describe('startCall / cancelCall through a contract', () => {
  it('delivers the validated result then done; cancel aborts the running function and sends one "cancelled"', async () => {
    const log: string[] = [];
    const { t, principals } = await setup(log);
    const me = principals.issue('analyst', ['reports']);
    const pid = t.rt.spawnWith({ principal: me }, function* () {
      const reports = yield* open(Reports);
      const quick = yield* startCall(reports, 'build', { days: 1 }, { topic: 'r' });
      const m1 = (yield* receive<ContractCallMessage<string>>({ topic: 'r' })).payload;
      const m2 = (yield* receive<ContractCallMessage<string>>({ topic: 'r' })).payload;
      const slow = yield* startCall(reports, 'build', { days: 50 }, { topic: 's' });
      const cancelled = [yield* cancelCall(slow), yield* cancelCall(slow)];
      const m3 = (yield* receive<ContractCallMessage>({ topic: 's' })).payload;
      const bad = yield* startCall(reports, 'build', { days: 'x' } as never, { topic: 'b' });
      const m4 = (yield* receive<ContractCallMessage>({ topic: 'b' })).payload;
      return { quick, m1, m2, slow, cancelled, m3, bad, m4 };
    });
    const done = t.rt.wait(pid);
    await t.advance(100);
    const r = await done;
    expect(r.kind).toBe('normal');
    const v = (r as { value: { quick: { id: number }; slow: { id: number }; m1: unknown; m2: unknown; m3: unknown; m4: unknown; cancelled: boolean[] } }).value;
    expect(v.m1).toEqual({ type: 'result', call: v.quick.id, ok: true, value: 'report of 1 days' });
    expect(v.m2).toEqual({ type: 'done', call: v.quick.id, outcome: 'ok' });
    expect(v.cancelled).toEqual([true, false]);
    expect(v.m3).toEqual({ type: 'done', call: v.slow.id, outcome: 'cancelled' });
    expect(v.m4).toMatchObject({ type: 'result', ok: false, error: { code: 'CONTRACT_INPUT' } });
    expect(log).toEqual(['built', 'aborted']);
    expect(t.clock.pending).toBe(0);
    expect(t.rt.stats().resources.live).toBe(0);
    await t.stop();
  });

  it('a binding with scopes refuses callers without them: FORBIDDEN at open and at call', async () => {
    const { t, principals } = await setup([]);
    const intern = principals.issue('intern', ['mail']);
    const r = await t.rt.wait(
      t.rt.spawnWith({ principal: intern }, function* () {
        try {
          yield* open(Reports);
        } catch (e) {
          return e;
        }
      }),
    );
    const error = (r as { value: ForbiddenError }).value;
    expect(error).toBeInstanceOf(ForbiddenError);
    expect(error.message).toBe('contract binding "reports.main" requires scope "reports", which actor "intern" does not have');
    // A handle transferred to a caller without the scope is refused at the call.
    const boss = principals.issue('boss', ['reports']);
    const result = await new Promise<unknown>((resolve) => {
      const anon = t.rt.spawn(function* () {
        const handle = (yield* receive<never>({ topic: 'h' })).payload;
        try {
          yield* call(handle, 'build', { days: 0 });
        } catch (e) {
          resolve(e);
        }
      });
      t.rt.spawnWith({ principal: boss }, function* () {
        const h = yield* open(Reports);
        yield* transfer(h, anon);
        t.rt.send(anon, 'h', h);
      });
    });
    expect(result).toBeInstanceOf(ForbiddenError);
    expect(result).toMatchObject({ scope: 'reports', actor: undefined });
    await t.stop();
  });
});
