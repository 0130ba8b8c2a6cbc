import { generateKeyPairSync } from 'node:crypto';
import { storePlugin } from '@switchyard/plugin-store';
import { createTestRuntime } from '@switchyard/testing';
import { decodeProtectedHeader, jwtVerify, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { createToken, revokeToken, securityPlugin, validateToken, type JwtStoreOptions } from '../src/index.js';
import { attempt, value } from './harness.js';

const K1 = 'first hs256 secret, 32 bytes or more';
const K2 = 'second hs256 secret, 32 bytes or more!';

async function jwtRuntime(web: Omit<JwtStoreOptions, 'type'>, withDenylistStore = false) {
  const plugins = [securityPlugin({ stores: { web: { type: 'jwt', ...web, ...(withDenylistStore ? { denylist: 'deny' } : {}) } } })];
  if (withDenylistStore) plugins.push(storePlugin({ stores: { deny: { backend: 'memory' } } }));
  return createTestRuntime({ plugins });
}

describe('JWT stores', () => {
  it.each([false, true])('HS256: create, validate, expire on the runtime clock, revoke by denylist (store plugin: %s)', async (denyStore) => {
    await using t = await jwtRuntime({ algorithm: 'HS256', keys: { k1: K1 }, signWith: 'k1', issuer: 'switchyard', audience: 'app' }, denyStore);
    const { token, expiresAt } = await value(t, () => createToken('web', { actor: 'user:7', scope: ['a', 'b'], meta: { org: 3 }, ttlMs: 10_000 }));
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'HS256', kid: 'k1', typ: 'JWT' });
    // jose alone accepts what we issue.
    const { payload } = await jwtVerify(token, new TextEncoder().encode(K1), { issuer: 'switchyard', audience: 'app' });
    expect(payload).toMatchObject({ sub: 'user:7', scope: 'a b', meta: { org: 3 } });
    expect(await value(t, () => validateToken('web', token))).toEqual({ actor: 'user:7', scope: ['a', 'b'], meta: { org: 3 }, expiresAt });

    const other = await value(t, () => createToken('web', { actor: 'user:8' }));
    expect(await value(t, () => revokeToken('web', other.token))).toBe(true);
    expect(await value(t, () => revokeToken('web', other.token))).toBe(false);
    const revoked = await attempt(t, () => validateToken('web', other.token));
    expect(revoked.ok === false && revoked.error.code).toBe('TOKEN_REVOKED');

    await t.advance(10_000);
    const expired = await attempt(t, () => validateToken('web', token));
    expect(expired.ok === false && expired.error).toMatchObject({ code: 'TOKEN_EXPIRED', store: 'web' });
    expect(expired.ok === false && expired.error.message).not.toContain(token.split('.')[2]!.slice(0, 10));
  });

  it('rotates keys by kid: old tokens stay valid, new ones use the new key; a dropped key invalidates its tokens', async () => {
    let old: string;
    {
      await using t = await jwtRuntime({ algorithm: 'HS256', keys: { k1: K1 }, signWith: 'k1' });
      old = (await value(t, () => createToken('web', { actor: 'a', ttlMs: 3_600_000 }))).token;
    }
    {
      await using t = await jwtRuntime({ algorithm: 'HS256', keys: { k1: K1, k2: K2 }, signWith: 'k2' });
      expect((await value(t, () => validateToken('web', old))).actor).toBe('a');
      const fresh = (await value(t, () => createToken('web', { actor: 'b' }))).token;
      expect(decodeProtectedHeader(fresh).kid).toBe('k2');
    }
    {
      await using t = await jwtRuntime({ algorithm: 'HS256', keys: { k2: K2 }, signWith: 'k2' });
      const o = await attempt(t, () => validateToken('web', old));
      expect(o.ok === false && o.error.message).toMatch(/unknown key ID "k1"/);
    }
  });

  it('EdDSA: signs with the private key, validates with the public one; refuses HS256 tokens and foreign keys', async () => {
    const mine = generateKeyPairSync('ed25519');
    const theirs = generateKeyPairSync('ed25519');
    await using t = await jwtRuntime({ algorithm: 'EdDSA', keys: { e1: { publicKey: mine.publicKey, privateKey: mine.privateKey } }, signWith: 'e1' });
    const { token } = await value(t, () => createToken('web', { actor: 'svc', scope: ['x'] }));
    expect(decodeProtectedHeader(token).alg).toBe('EdDSA');
    expect((await value(t, () => validateToken('web', token))).scope).toEqual(['x']);
    const forged = await new SignJWT({ scope: 'x' }).setProtectedHeader({ alg: 'EdDSA', kid: 'e1' }).setSubject('svc').setExpirationTime('1h').setJti('j').sign(theirs.privateKey);
    const hs = await new SignJWT({}).setProtectedHeader({ alg: 'HS256', kid: 'e1' }).setSubject('svc').setExpirationTime('1h').setJti('j').sign(new TextEncoder().encode(K1));
    for (const [bad, why] of [[forged, /bad signature/], [hs, /algorithm "HS256" is not EdDSA/]] as const) {
      const o = await attempt(t, () => validateToken('web', bad));
      expect(o.ok === false && o.error.code).toBe('TOKEN_INVALID');
      expect(o.ok === false && o.error.message).toMatch(why);
    }
  });

  it('refuses tampered payloads, tokens without jti, and garbage', async () => {
    await using t = await jwtRuntime({ algorithm: 'HS256', keys: { k1: K1 }, signWith: 'k1' });
    const { token } = await value(t, () => createToken('web', { actor: 'a', scope: ['read'] }));
    const [h, p, s] = token.split('.') as [string, string, string];
    const payload = JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>;
    const raised = Buffer.from(JSON.stringify({ ...payload, scope: 'read admin' })).toString('base64url');
    const noJti = await new SignJWT({}).setProtectedHeader({ alg: 'HS256', kid: 'k1' }).setSubject('a').setExpirationTime('1h').sign(new TextEncoder().encode(K1));
    for (const bad of [`${h}.${raised}.${s}`, noJti, token.slice(0, -2), 'a.b.c', 'nonsense', `${token}x`]) {
      const o = await attempt(t, () => validateToken('web', bad));
      expect(o.ok === false && o.error.code).toBe('TOKEN_INVALID');
    }
  });
});
