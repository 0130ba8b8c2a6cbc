import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createToken, revokeToken, validateToken } from '../src/index.js';
import { attempt, BACKINGS, opaqueRuntime, SECRET, value } from './harness.js';

describe.each(BACKINGS)('opaque tokens (%s)', (backing) => {
  it('create → validate gives actor, scope, meta and expiry; tokens are long random base64url with the key id', async () => {
    await using t = await opaqueRuntime(backing);
    const created = await value(t, () => createToken('api', { actor: 'user:42', scope: ['orders:read', 'orders:read', 'orders:write'], meta: { plan: 'pro' }, ttlMs: 60_000 }));
    expect(created.token).toMatch(/^api_[A-Za-z0-9_-]{64}$/);
    const other = await value(t, () => createToken('api', { actor: 'user:42' }));
    expect(other.token).not.toBe(created.token);
    const info = await value(t, () => validateToken('api', created.token));
    expect(info).toEqual({ actor: 'user:42', scope: ['orders:read', 'orders:write'], meta: { plan: 'pro' }, expiresAt: created.expiresAt });
    expect(info.expiresAt - Date.now()).toBeGreaterThan(50_000);
    expect(info.expiresAt - Date.now()).toBeLessThanOrEqual(60_000);
  });

  it('expires on the runtime clock: TOKEN_EXPIRED after ttlMs, not before', async () => {
    await using t = await opaqueRuntime(backing);
    const { token } = await value(t, () => createToken('api', { actor: 'a', ttlMs: 1_000 }));
    await t.advance(999);
    expect((await value(t, () => validateToken('api', token))).actor).toBe('a');
    await t.advance(1);
    const o = await attempt(t, () => validateToken('api', token));
    expect(o.ok === false && o.error).toMatchObject({ code: 'TOKEN_EXPIRED', store: 'api' });
    expect(await value(t, () => revokeToken('api', token))).toBe(false);
  });

  it('revokes: TOKEN_REVOKED afterwards; a second revoke is false', async () => {
    await using t = await opaqueRuntime(backing);
    const { token } = await value(t, () => createToken('api', { actor: 'a' }));
    expect(await value(t, () => revokeToken('api', token))).toBe(true);
    expect(await value(t, () => revokeToken('api', token))).toBe(false);
    const o = await attempt(t, () => validateToken('api', token));
    expect(o.ok === false && o.error).toMatchObject({ code: 'TOKEN_REVOKED' });
  });

  it('refuses tampered, truncated, extended and foreign tokens with TOKEN_INVALID, never echoing the token', async () => {
    await using t = await opaqueRuntime(backing);
    const { token } = await value(t, () => createToken('api', { actor: 'a' }));
    const flip = (s: string, i: number) => s.slice(0, i) + (s[i] === 'A' ? 'B' : 'A') + s.slice(i + 1);
    const bad = [
      flip(token, 10), // selector
      flip(token, token.length - 3), // verifier
      token.slice(0, -1),
      token + 'A',
      `xyz_${token.slice(4)}`,
      token.replace('api_', 'api-'),
      '',
      'api_',
    ];
    for (const b of bad) {
      const o = await attempt(t, () => validateToken('api', b));
      expect(o.ok).toBe(false);
      if (o.ok) continue;
      expect(o.error.code).toBe('TOKEN_INVALID');
      if (b.length > 8) expect(o.error.message).not.toContain(b.slice(4, 20));
      expect(o.error.message).not.toContain(token.slice(4, 20));
    }
    const notString = await attempt(t, () => validateToken('api', 42 as never));
    expect(notString.ok === false && notString.error.code).toBe('TOKEN_INVALID');
    // Still valid after all that.
    expect((await value(t, () => validateToken('api', token))).actor).toBe('a');
  });

  it('a token of another runtime (same options) is unknown here', async () => {
    await using a = await opaqueRuntime(backing);
    await using b = await opaqueRuntime(backing);
    const { token } = await value(a, () => createToken('api', { actor: 'a' }));
    const o = await attempt(b, () => validateToken('api', token));
    expect(o.ok === false && o.error.code).toBe('TOKEN_INVALID');
  });

  it('with an HMAC secret: tokens carry a tag; a wrong tag is refused before any lookup', async () => {
    await using t = await opaqueRuntime(backing, { hmacSecret: SECRET });
    const { token } = await value(t, () => createToken('api', { actor: 'a' }));
    expect(token).toMatch(/^api_[A-Za-z0-9_-]{64}\.[A-Za-z0-9_-]{22}$/);
    expect((await value(t, () => validateToken('api', token))).actor).toBe('a');
    const [body] = token.split('.');
    for (const b of [body!, `${body}.${'A'.repeat(22)}`, `${body}.`]) {
      const o = await attempt(t, () => validateToken('api', b));
      expect(o.ok === false && o.error.message).toMatch(/invalid \((no tag|wrong tag)\)/);
    }
  });

  it('fails NO_SUCH_TOKEN_STORE with a did-you-mean, and refuses bad create input naming it', async () => {
    await using t = await opaqueRuntime(backing);
    const o = await attempt(t, () => validateToken('apj', 'x'));
    expect(o.ok === false && o.error).toMatchObject({ code: 'NO_SUCH_TOKEN_STORE', message: expect.stringContaining('(did you mean "api"?)') });
    for (const input of [{ actor: '' }, { actor: 'a', scope: ['has space'] }, { actor: 'a', ttlMs: 0 }, { actor: 'a', ttlMs: 31 * 86_400_000 }, { actor: 'a', meta: [] }]) {
      const r = await attempt(t, () => createToken('api', input as never));
      expect(r.ok === false && r.error.code).toBe('SECURITY_BAD_ARGUMENT');
    }
  });
});

describe('what the store holds', () => {
  it('a dump of the SQLite store yields no token: only hashes', async () => {
    const t = await opaqueRuntime('store sqlite');
    const tokens: string[] = [];
    for (let i = 0; i < 5; i++) tokens.push((await value(t, () => createToken('api', { actor: `user:${i}` }))).token);
    const file = t.file;
    const dump = readFileSync(file).toString('latin1') + (() => {
      try {
        return readFileSync(`${file}-wal`).toString('latin1');
      } catch {
        return '';
      }
    })();
    expect(dump).toContain('user:3');
    for (const token of tokens) {
      const body = token.slice(4);
      const raw = Buffer.from(body, 'base64url');
      expect(dump).not.toContain(body.slice(0, 16));
      expect(dump).not.toContain(body.slice(-16));
      expect(dump).not.toContain(raw.subarray(0, 12).toString('latin1'));
      expect(dump).not.toContain(raw.toString('base64url').slice(22, 40));
    }
    await t.stop();
  });

  it('a record outlives its token by keepExpiredMs (EXPIRED), then it is gone (INVALID) and freed', async () => {
    await using t = await opaqueRuntime('plugin memory', { keepExpiredMs: 50 });
    const tokens: string[] = [];
    for (let i = 0; i < 3; i++) tokens.push((await value(t, () => createToken('api', { actor: 'a', ttlMs: 100 }))).token);
    expect(t.rt.stats().plugins.security!.memoryRecords).toBe(3);
    await t.advance(100);
    const expired = await attempt(t, () => validateToken('api', tokens[0]!));
    expect(expired.ok === false && expired.error.code).toBe('TOKEN_EXPIRED');
    await t.advance(50);
    const gone = await attempt(t, () => validateToken('api', tokens[0]!));
    expect(gone.ok === false && gone.error.code).toBe('TOKEN_INVALID');
    expect(t.rt.stats().plugins.security!.memoryRecords).toBe(2);
  });
});
