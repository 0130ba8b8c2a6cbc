import { clockPlugin } from '@switchyard/plugin-clock';
import { definePlugin, ForbiddenError, type Principal, type Principals, type ProcessContext } from '@switchyard/runtime';
import { createTestRuntime } from '@switchyard/testing';
import { describe, expect, it } from 'vitest';
import { call, defineFunction, functionPlugin, type FunctionContext } from '../src/index.js';

async function setup() {
  const box: { principals?: Principals } = {};
  const issuer = definePlugin({ name: 'issuer', commands: [300], setup: (ctx) => void (box.principals = ctx.principals) });
  const seen: (Principal | undefined)[] = [];
  const t = await createTestRuntime({
    plugins: [
      issuer,
      clockPlugin(),
      functionPlugin({
        functions: {
          whoami: async (ctx: FunctionContext) => ctx.principal?.actor ?? null,
          gen: function* (ctx: ProcessContext) {
            seen.push(ctx.principal);
            return ctx.principal?.actor ?? null;
          },
          refund: defineFunction(async () => 'refunded', { scopes: ['billing:read', 'billing:refund'] }),
        },
      }),
    ],
  });
  return { t, principals: box.principals!, seen };
}

function* attempt(name: string) {
  try {
    return { ok: true as const, value: yield* call(name) };
  } catch (error) {
    return { ok: false as const, error };
  }
}

describe('principals and scopes', () => {
  it('functions see the caller\'s principal; a generator function\'s process runs as it', async () => {
    const { t, principals, seen } = await setup();
    const erin = principals.issue('erin', []);
    const pid = t.rt.spawnWith({ principal: erin }, function* () {
      return [yield* call('whoami'), yield* call('gen')];
    });
    expect(await t.rt.wait(pid)).toEqual({ kind: 'normal', value: ['erin', 'erin'] });
    expect(seen).toEqual([erin]);
    expect(await t.rt.run(function* () {
      return yield* call('whoami');
    })).toBeNull();
    await t.stop();
  });

  it('refuses a caller missing a required scope with FORBIDDEN naming the scope, without running the function', async () => {
    const { t, principals } = await setup();
    const reader = principals.issue('frank', ['billing:read']);
    const admin = principals.issue('grace', ['billing:read', 'billing:refund']);
    const asReader = t.rt.wait(t.rt.spawnWith({ principal: reader }, () => attempt('refund')));
    const asAdmin = t.rt.wait(t.rt.spawnWith({ principal: admin }, () => attempt('refund')));
    const anonymous = t.rt.run(() => attempt('refund'));
    const r = await asReader;
    expect(r.kind === 'normal' && r.value).toMatchObject({ ok: false, error: { code: 'FORBIDDEN', scope: 'billing:refund', actor: 'frank' } });
    const error = (r as { value: { error: ForbiddenError } }).value.error;
    expect(error).toBeInstanceOf(ForbiddenError);
    expect(error.message).toBe('function "refund" requires scope "billing:refund", which actor "frank" does not have');
    expect(await asAdmin).toEqual({ kind: 'normal', value: { ok: true, value: 'refunded' } });
    expect(await anonymous).toMatchObject({ ok: false, error: { code: 'FORBIDDEN', scope: 'billing:read', actor: undefined } });
    expect(t.rt.stats().plugins.function).toMatchObject({ calls: 1 });
    await t.stop();
  });
});
