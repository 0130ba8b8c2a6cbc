import { createPrivateKey, createPublicKey, randomBytes, type KeyObject } from 'node:crypto';
import { decodeProtectedHeader, errors, jwtVerify, SignJWT, type JWTPayload } from 'jose';
import type { CreatedToken, TokenInfo, TokenMeta } from './commands.js';
import { SecurityError } from './errors.js';
import type { TokenStore } from './opaque.js';
import type { JwtKey, ResolvedJwt } from './options.js';
import type { Records } from './records.js';

const MAX_TOKEN = 8192;

interface Keys {
  verify: Uint8Array | KeyObject;
  sign: Uint8Array | KeyObject | undefined;
}

function keysOf(algorithm: 'HS256' | 'EdDSA', k: JwtKey): Keys {
  if (algorithm === 'HS256') {
    const secret = typeof k === 'string' ? new TextEncoder().encode(k) : (k as Uint8Array);
    return { verify: secret, sign: secret };
  }
  const pair = k as { publicKey: KeyObject | string; privateKey?: KeyObject | string };
  const pub = typeof pair.publicKey === 'string' ? createPublicKey(pair.publicKey) : pair.publicKey;
  const priv = pair.privateKey === undefined ? undefined : typeof pair.privateKey === 'string' ? createPrivateKey(pair.privateKey) : pair.privateKey;
  return { verify: pub, sign: priv };
}

/**
 * JWTs on jose: signed with the key `signWith` names (its `kid` in the header), validated with
 * the key the token names, so a rotation keeps old tokens valid until they expire. Revocation
 * puts the token's `jti` on a denylist until its expiry.
 */
export class JwtTokens implements TokenStore {
  private readonly keys = new Map<string, Keys>();

  constructor(
    private readonly o: ResolvedJwt,
    private readonly denylist: Records,
    private readonly now: () => number,
  ) {
    for (const [kid, k] of Object.entries(o.keys)) this.keys.set(kid, keysOf(o.algorithm, k));
  }

  private invalid(why: string, cause?: unknown): SecurityError {
    return new SecurityError('TOKEN_INVALID', `token store "${this.o.name}": the token is invalid (${why})`, this.o.name, cause === undefined ? undefined : { cause });
  }

  async create(actor: string, scope: readonly string[], meta: TokenMeta, ttlMs: number): Promise<CreatedToken> {
    const key = this.keys.get(this.o.signWith)!.sign;
    if (key === undefined) throw new SecurityError('SECURITY_BAD_OPTIONS', `token store "${this.o.name}": key "${this.o.signWith}" has no privateKey to sign with`, this.o.name);
    const now = this.now();
    // NumericDate is whole seconds: round the expiry down so a token never outlives its ttl.
    const exp = Math.floor((now + ttlMs) / 1000);
    let jwt = new SignJWT({ scope: scope.join(' '), ...(Object.keys(meta).length === 0 ? {} : { meta }) })
      .setProtectedHeader({ alg: this.o.algorithm, kid: this.o.signWith, typ: 'JWT' })
      .setSubject(actor)
      .setIssuedAt(Math.floor(now / 1000))
      .setExpirationTime(exp)
      .setJti(randomBytes(16).toString('base64url'));
    if (this.o.issuer !== undefined) jwt = jwt.setIssuer(this.o.issuer);
    if (this.o.audience !== undefined) jwt = jwt.setAudience(this.o.audience);
    return { token: await jwt.sign(key), expiresAt: exp * 1000 };
  }

  private async verify(token: unknown, checkExpiry: boolean): Promise<JWTPayload & { sub: string; exp: number; jti: string }> {
    if (typeof token !== 'string') throw this.invalid('not a string');
    if (token.length > MAX_TOKEN) throw this.invalid('too long');
    let kid: string | undefined;
    try {
      const header = decodeProtectedHeader(token);
      kid = header.kid;
      if (header.alg !== this.o.algorithm) throw this.invalid(`algorithm ${JSON.stringify(header.alg)} is not ${this.o.algorithm}`);
    } catch (e) {
      if (e instanceof SecurityError) throw e;
      throw this.invalid('malformed');
    }
    const keys = kid === undefined ? undefined : this.keys.get(kid);
    if (keys === undefined) throw this.invalid(kid === undefined ? 'no key ID' : `unknown key ID ${JSON.stringify(kid.slice(0, 32))}`);
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, keys.verify, {
        algorithms: [this.o.algorithm],
        currentDate: new Date(checkExpiry ? this.now() : 0),
        ...(this.o.issuer === undefined ? {} : { issuer: this.o.issuer }),
        ...(this.o.audience === undefined ? {} : { audience: this.o.audience }),
        requiredClaims: ['sub', 'exp', 'jti'],
      }));
    } catch (e) {
      if (e instanceof errors.JWTExpired) {
        throw new SecurityError('TOKEN_EXPIRED', `token store "${this.o.name}": the token expired at ${new Date(Number(e.payload.exp) * 1000).toISOString()}`, this.o.name);
      }
      if (e instanceof errors.JWSSignatureVerificationFailed) throw this.invalid('bad signature');
      if (e instanceof errors.JWTClaimValidationFailed) throw this.invalid(`claim "${e.claim}" ${e.reason}`);
      throw this.invalid('malformed', e);
    }
    if (typeof payload.sub !== 'string' || typeof payload.jti !== 'string' || typeof payload.exp !== 'number') throw this.invalid('sub, exp or jti missing');
    return payload as JWTPayload & { sub: string; exp: number; jti: string };
  }

  async validate(token: unknown): Promise<TokenInfo> {
    const p = await this.verify(token, true);
    if (this.denylist.get(`jti:${this.o.name}:${p.jti}`) !== undefined) throw new SecurityError('TOKEN_REVOKED', `token store "${this.o.name}": the token was revoked`, this.o.name);
    const scope = typeof p.scope === 'string' && p.scope !== '' ? p.scope.split(' ') : [];
    const meta = typeof p.meta === 'object' && p.meta !== null && !Array.isArray(p.meta) ? (p.meta as TokenMeta) : {};
    return Object.freeze({ actor: p.sub, scope: Object.freeze(scope), meta: Object.freeze(meta), expiresAt: p.exp * 1000 });
  }

  async revoke(token: unknown): Promise<boolean> {
    const p = await this.verify(token, false);
    const left = p.exp * 1000 - this.now();
    const key = `jti:${this.o.name}:${p.jti}`;
    if (left <= 0 || this.denylist.get(key) !== undefined) return false;
    this.denylist.set(key, 1, left);
    return true;
  }
}
