import { createRuntime } from '@switchyard/runtime';
import { createTestRuntime } from '@switchyard/testing';
import { describe, expect, it } from 'vitest';
import { createToken, DEFAULT_SECURITY_OPTIONS, revokeToken, securityPlugin, spawnAs, validateToken } from '../src/index.js';
import { attempt, value } from './harness.js';

describe('zero-config default: an opaque token store "default" in memory', () => {
  it('is a documented value', () => {
    expect(DEFAULT_SECURITY_OPTIONS).toEqual({ stores: { default: { type: 'opaque' } } });
  });

  it('securityPlugin() boots without the store plugin, issues, validates and revokes tokens of "default"', async () => {
    const before = Date.now();
    await using t = await createTestRuntime({ plugins: [securityPlugin()] });
    const { token, expiresAt } = await value(t, () => createToken('default', { actor: 'user:1', scope: ['orders:read'] }));
    // The store's name is the token prefix; no HMAC tag (no secret is configured).
    expect(token).toMatch(/^default_[A-Za-z0-9_-]{64}$/);
    // The default lifetime is one hour.
    expect(expiresAt).toBeGreaterThanOrEqual(before + 3_600_000);
    expect(expiresAt).toBeLessThanOrEqual(Date.now() + 3_600_000);
    const info = await value(t, () => validateToken('default', token));
    expect(info).toMatchObject({ actor: 'user:1', scope: ['orders:read'], expiresAt });
    let seen: unknown;
    await t.rt.run(function* () {
      return yield* spawnAs('default', token, function* (ctx) {
        seen = ctx.principal;
      });
    });
    await t.settle();
    expect(seen).toEqual({ actor: 'user:1', scopes: ['orders:read'] });
    expect(await value(t, () => revokeToken('default', token))).toBe(true);
    const after = await attempt(t, () => validateToken('default', token));
    expect(after.ok === false && after.error.code).toBe('TOKEN_REVOKED');
    // Expiry follows the runtime clock.
    const { token: short } = await value(t, () => createToken('default', { actor: 'user:2' }));
    await t.advance(3_600_000);
    const expired = await attempt(t, () => validateToken('default', short));
    expect(expired.ok === false && expired.error.code).toBe('TOKEN_EXPIRED');
    expect(t.rt.stats().plugins.security).toMatchObject({ memoryRecords: 2 });
  });

  it('an unknown store name still fails NO_SUCH_TOKEN_STORE with a did-you-mean and the configured names', async () => {
    await using t = await createTestRuntime({ plugins: [securityPlugin()] });
    const o = await attempt(t, () => validateToken('defualt', 'x'));
    expect(o.ok === false && o.error).toMatchObject({
      code: 'NO_SUCH_TOKEN_STORE',
      message: expect.stringContaining('(did you mean "default"?)'),
    });
    expect(o.ok === false && o.error.message).toContain('(configured: "default")');
    const c = await attempt(t, () => createToken('api', { actor: 'a' }));
    expect(c.ok === false && c.error.code).toBe('NO_SUCH_TOKEN_STORE');
  });

  it('is not durable and not shared: another runtime, or the next one, does not know the tokens', async () => {
    const plugin = securityPlugin();
    const a = createRuntime({ plugins: [plugin] });
    const b = createRuntime({ plugins: [plugin] });
    await a.start();
    await b.start();
    try {
      const { token } = await a.run(function* () {
        return yield* createToken('default', { actor: 'user:3' });
      });
      const there = await b.run(function* () {
        try {
          return yield* validateToken('default', token);
        } catch (e) {
          return (e as { code?: string }).code;
        }
      });
      expect(there).toBe('TOKEN_INVALID');
      // The same token in the runtime that issued it is valid, so the refusal above is about the store.
      const here = await a.run(function* () {
        return yield* validateToken('default', token);
      });
      expect(here.actor).toBe('user:3');
      const next = createRuntime({ plugins: [plugin] });
      await next.start();
      await a.stop();
      try {
        const afterRestart = await next.run(function* () {
          try {
            return yield* validateToken('default', token);
          } catch (e) {
            return (e as { code?: string }).code;
          }
        });
        expect(afterRestart).toBe('TOKEN_INVALID');
      } finally {
        await next.stop();
      }
    } finally {
      await a.stop().catch(() => undefined);
      await b.stop();
    }
  });

  it('options given replace the default: "default" is then not configured', async () => {
    await using t = await createTestRuntime({ plugins: [securityPlugin({ stores: { api: { type: 'opaque' } } })] });
    const o = await attempt(t, () => validateToken('default', 'x'));
    expect(o.ok === false && o.error.message).toContain('(configured: "api")');
  });
});
