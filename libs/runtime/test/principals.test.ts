import { describe, expect, it } from 'vitest';
import { createRuntime, definePlugin, type Principal, type Principals, type ProcessContext } from '../src/index.js';

/** A plugin that hands its Principals to the test (as the security plugin keeps it for itself). */
function issuer(out: { principals?: Principals }) {
  return definePlugin({ name: 'issuer', commands: [300], setup: (ctx) => void (out.principals = ctx.principals) });
}

describe('principals', () => {
  it('a process spawned as an issued principal sees it, read-only and frozen', async () => {
    const box: { principals?: Principals } = {};
    const rt = createRuntime({ plugins: [issuer(box)] });
    await rt.start();
    const alice = box.principals!.issue('alice', ['billing:read', 'billing:read', 'mail:send']);
    expect(alice).toEqual({ actor: 'alice', scopes: ['billing:read', 'mail:send'] });
    const result = rt.spawnWith({ principal: alice }, function* (ctx: ProcessContext) {
      const errors: string[] = [];
      const attempts: (() => void)[] = [
        () => ((ctx as { principal: unknown }).principal = { actor: 'root', scopes: ['*'] }),
        () => (ctx.principal!.scopes as string[]).push('admin'),
        () => ((ctx.principal as { actor: string }).actor = 'root'),
      ];
      for (const attempt of attempts) {
        try {
          attempt();
        } catch (e) {
          errors.push((e as Error).name);
        }
      }
      return { principal: ctx.principal, errors };
    });
    expect(box.principals!.of(result)).toBe(alice);
    const reason = await rt.wait(result);
    expect(reason).toEqual({ kind: 'normal', value: { principal: alice, errors: ['TypeError', 'TypeError', 'TypeError'] } });
    expect(alice).toEqual({ actor: 'alice', scopes: ['billing:read', 'mail:send'] });
    expect(box.principals!.of(result)).toBeUndefined();
    await rt.stop();
  });

  it('refuses a principal it did not issue: a look-alike, or one from another runtime', async () => {
    const a: { principals?: Principals } = {};
    const b: { principals?: Principals } = {};
    const rtA = createRuntime({ plugins: [issuer(a)] });
    const rtB = createRuntime({ plugins: [issuer(b)] });
    await rtA.start();
    await rtB.start();
    const forged: Principal = Object.freeze({ actor: 'root', scopes: Object.freeze(['*']) });
    const fromB = b.principals!.issue('bob', ['admin']);
    function* body() {}
    for (const principal of [forged, fromB, { ...a.principals!.issue('x', []) }]) {
      expect(() => rtA.spawnWith({ principal }, body)).toThrow(expect.objectContaining({ code: 'BAD_PRINCIPAL' }));
    }
    expect(rtA.stats().processes.spawned).toBe(0);
    await rtA.stop();
    await rtB.stop();
  });

  it('a process\'s own spawns inherit its principal; host code spawns without one', async () => {
    const box: { principals?: Principals } = {};
    const rt = createRuntime({ plugins: [issuer(box)] });
    await rt.start();
    const carol = box.principals!.issue('carol', ['x']);
    const out = await new Promise<unknown>((resolve) => {
      rt.spawnWith({ principal: carol }, function* (ctx: ProcessContext) {
        const child = ctx.runtime.spawnWith({ principal: ctx.principal }, function* (c: ProcessContext) {
          resolve(c.principal);
        });
        const plain = ctx.runtime.spawn(function* () {});
        expect(box.principals!.of(child)).toBe(carol);
        expect(box.principals!.of(plain)).toBe(carol);
      });
    });
    expect(out).toBe(carol);
    expect(box.principals!.of(rt.spawn(function* () {
      yield { id: 9999 };
    }))).toBeUndefined();
    expect(() => box.principals!.issue('', [])).toThrow(/actor/);
    await rt.stop();
  });
});
