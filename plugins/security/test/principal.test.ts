import { call, defineFunction, functionPlugin, type FunctionContext } from '@switchyard/plugin-function';
import { processPlugin, spawn } from '@switchyard/plugin-process';
import { ForbiddenError, type ExitReason, type Principal, type ProcessContext } from '@switchyard/runtime';
import type { TestRuntime } from '@switchyard/testing';
import { createTestRuntime } from '@switchyard/testing';
import { describe, expect, it } from 'vitest';
import { createToken, revokeToken, securityPlugin, spawnAs } from '../src/index.js';
import { attempt, value } from './harness.js';

async function app() {
  return createTestRuntime({
    plugins: [
      processPlugin(),
      securityPlugin({ stores: { api: { type: 'opaque' } } }),
      functionPlugin({
        functions: {
          orders: {
            list: defineFunction(async (ctx: FunctionContext) => `orders of ${ctx.principal?.actor}`, { scopes: ['orders:read'] }),
            cancel: defineFunction(async () => 'cancelled', { scopes: ['orders:read', 'orders:write'] }),
          },
        },
      }),
    ],
  });
}

type Body = (ctx: ProcessContext) => Generator<unknown, unknown, unknown>;

/** spawnAs from a process; resolves with how the new process's body ended. */
function runAs(t: TestRuntime, token: string, body: Body): Promise<ExitReason> {
  return new Promise((resolve, reject) => {
    function* wrapped(ctx: ProcessContext) {
      try {
        const value: unknown = yield* body(ctx) as Generator<never, unknown, unknown>;
        resolve({ kind: 'normal', value });
      } catch (error) {
        resolve({ kind: 'error', error });
      }
    }
    t.rt.run(function* () {
      yield* spawnAs('api', token, wrapped);
    }).catch(reject);
  });
}

describe('processes acting for a token\'s principal', () => {
  it('spawnAs runs the process as the token\'s actor and scopes; its children inherit them', async () => {
    await using t = await app();
    const { token } = await value(t, () => createToken('api', { actor: 'user:1', scope: ['orders:read'] }));
    const seen: (Principal | undefined)[] = [];
    function* child(ctx: ProcessContext) {
      seen.push(ctx.principal);
    }
    function* handler(ctx: ProcessContext) {
      seen.push(ctx.principal);
      yield* spawn(child);
      ctx.runtime.spawn(child);
      return yield* call<string>('orders.list');
    }
    expect(await runAs(t, token, handler)).toEqual({ kind: 'normal', value: 'orders of user:1' });
    await t.settle();
    expect(seen).toHaveLength(3);
    for (const p of seen) expect(p).toEqual({ actor: 'user:1', scopes: ['orders:read'] });
  });

  it('refuses a function call missing a scope with FORBIDDEN naming the scope', async () => {
    await using t = await app();
    const { token } = await value(t, () => createToken('api', { actor: 'user:1', scope: ['orders:read'] }));
    const r = await runAs(t, token, function* () {
      try {
        return yield* call('orders.cancel');
      } catch (e) {
        return e;
      }
    });
    const error = (r as { value: ForbiddenError }).value;
    expect(error).toBeInstanceOf(ForbiddenError);
    expect(error).toMatchObject({ code: 'FORBIDDEN', scope: 'orders:write', actor: 'user:1' });
  });

  it('refuses spawnAs with an invalid, revoked or expired token: no process starts', async () => {
    await using t = await app();
    const { token } = await value(t, () => createToken('api', { actor: 'u', ttlMs: 100 }));
    const before = t.rt.stats().processes.spawned;
    function* body() {}
    const invalid = await attempt(t, () => spawnAs('api', 'api_nope', body));
    expect(invalid.ok === false && invalid.error.code).toBe('TOKEN_INVALID');
    await value(t, () => revokeToken('api', token));
    const revoked = await attempt(t, () => spawnAs('api', token, body));
    expect(revoked.ok === false && revoked.error.code).toBe('TOKEN_REVOKED');
    // 3 runs of attempt/value; none spawned a body.
    expect(t.rt.stats().processes.spawned - before).toBe(3);
  });

  it('a process cannot raise its own principal: not by assignment, a forged principal, or a token with more scopes', async () => {
    await using t = await app();
    const { token } = await value(t, () => createToken('api', { actor: 'user:2', scope: ['orders:read'] }));
    const r = await runAs(t, token, function* (ctx: ProcessContext) {
        const results: unknown[] = [];
        try {
          (ctx as { principal: unknown }).principal = { actor: 'root', scopes: ['orders:write'] };
        } catch (e) {
          results.push((e as Error).name);
        }
        try {
          ctx.runtime.spawnWith({ principal: { actor: 'root', scopes: ['orders:write'] } }, function* () {});
        } catch (e) {
          results.push((e as { code: string }).code);
        }
        try {
          yield* createToken('api', { actor: 'root', scope: ['orders:read', 'orders:write'] });
        } catch (e) {
          results.push((e as ForbiddenError).code, (e as ForbiddenError).scope);
        }
        // Granting what it has is fine, and a process spawned from that token has no more.
        const mine = yield* createToken('api', { actor: 'user:2-bot', scope: ['orders:read'] });
        const child = yield* spawnAs('api', mine.token, function* (c: ProcessContext) {
          return c.principal;
        });
        results.push(child !== '');
        try {
          yield* call('orders.cancel');
        } catch (e) {
          results.push((e as ForbiddenError).scope);
        }
        return { results, principal: ctx.principal };
    });
    expect(r).toEqual({
      kind: 'normal',
      value: { results: ['TypeError', 'BAD_PRINCIPAL', 'FORBIDDEN', 'orders:write', true, 'orders:write'], principal: { actor: 'user:2', scopes: ['orders:read'] } },
    });
  });

  it('keeps runtimes apart: a token and a principal of one are nothing in the other', async () => {
    await using a = await app();
    await using b = await app();
    const { token } = await value(a, () => createToken('api', { actor: 'u', scope: ['orders:read'] }));
    const o = await attempt(b, () => spawnAs('api', token, function* () {}));
    expect(o.ok === false && o.error.code).toBe('TOKEN_INVALID');
    const reason = await runAs(a, token, function* (ctx: ProcessContext) {
      return ctx.principal;
    });
    const principalOfA = (reason as { value: Principal }).value;
    expect(principalOfA).toEqual({ actor: 'u', scopes: ['orders:read'] });
    expect(() => b.rt.spawnWith({ principal: principalOfA }, function* () {})).toThrow(expect.objectContaining({ code: 'BAD_PRINCIPAL' }));
  });
});
