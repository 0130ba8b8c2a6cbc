import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { CreatedToken, TokenInfo, TokenMeta } from './commands.js';
import { SecurityError } from './errors.js';
import type { ResolvedOpaque } from './options.js';
import type { Records } from './records.js';

/** What a token store does; the JWT store has the same face. */
export interface TokenStore {
  create(actor: string, scope: readonly string[], meta: TokenMeta, ttlMs: number): CreatedToken | Promise<CreatedToken>;
  validate(token: unknown): TokenInfo | Promise<TokenInfo>;
  revoke(token: unknown): boolean | Promise<boolean>;
}

interface TokenRecord {
  /** SHA-256 of the verifier, base64url. */
  v: string;
  actor: string;
  scope: string[];
  meta: Record<string, unknown>;
  exp: number;
  /** When it was revoked (epoch ms), if it was. */
  rev?: number;
}

const SELECTOR = 16;
const VERIFIER = 32;
const TAG = 16;
/** base64url of SELECTOR + VERIFIER bytes. */
const BODY = /^[A-Za-z0-9_-]{64}$/;
const MAX_TOKEN = 256;

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest();

/**
 * Opaque tokens: `<keyId>_<selector‖verifier>[.<tag>]`, 384 random bits. The store keeps the
 * SHA-256 of the selector as the key and the SHA-256 of the verifier in the record: a dump of it
 * yields no token. The verifier is compared in constant time; the optional HMAC tag refuses
 * garbage and foreign tokens without a lookup.
 */
export class OpaqueTokens implements TokenStore {
  private readonly prefix: string;

  constructor(
    private readonly o: ResolvedOpaque,
    private readonly records: Records,
    private readonly now: () => number,
  ) {
    this.prefix = `${o.keyId}_`;
  }

  private invalid(why: string): SecurityError {
    return new SecurityError('TOKEN_INVALID', `token store "${this.o.name}": the token is invalid (${why})`, this.o.name);
  }

  private tag(body: string): Buffer {
    return createHmac('sha256', this.o.hmacSecret!).update(this.prefix).update(body).digest().subarray(0, TAG);
  }

  create(actor: string, scope: readonly string[], meta: TokenMeta, ttlMs: number): CreatedToken {
    const raw = randomBytes(SELECTOR + VERIFIER);
    const body = raw.toString('base64url');
    const token = this.o.hmacSecret === undefined ? this.prefix + body : `${this.prefix}${body}.${this.tag(body).toString('base64url')}`;
    const expiresAt = this.now() + ttlMs;
    const record: TokenRecord = { v: sha256(raw.subarray(SELECTOR)).toString('base64url'), actor, scope: [...scope], meta: { ...meta }, exp: expiresAt };
    this.records.set(this.key(raw.subarray(0, SELECTOR)), record, ttlMs + this.o.keepExpiredMs);
    return { token, expiresAt };
  }

  private key(selector: Uint8Array): string {
    return `token:${this.o.keyId}:${sha256(selector).toString('base64url')}`;
  }

  /** The record of a genuine token (revoked and expired ones included), or TOKEN_INVALID. */
  private find(token: unknown): { key: string; record: TokenRecord } {
    if (typeof token !== 'string') throw this.invalid('not a string');
    if (token.length > MAX_TOKEN || !token.startsWith(this.prefix)) throw this.invalid(`not a token of this store: it does not start with "${this.prefix}"`);
    let body = token.slice(this.prefix.length);
    if (this.o.hmacSecret !== undefined) {
      const dot = body.indexOf('.');
      if (dot < 0) throw this.invalid('no tag');
      const tag = Buffer.from(body.slice(dot + 1), 'base64url');
      body = body.slice(0, dot);
      if (tag.length !== TAG || !timingSafeEqual(tag, this.tag(body))) throw this.invalid('wrong tag');
    }
    if (!BODY.test(body)) throw this.invalid('malformed');
    const raw = Buffer.from(body, 'base64url');
    const key = this.key(raw.subarray(0, SELECTOR));
    const record = this.records.get(key) as TokenRecord | undefined;
    const expected = record === undefined ? undefined : Buffer.from(record.v, 'base64url');
    const actual = sha256(raw.subarray(SELECTOR));
    // No record: still compare, so an unknown selector costs what a wrong verifier costs.
    const ok = timingSafeEqual(actual, expected?.length === actual.length ? expected : actual) && expected !== undefined;
    if (!ok || record === undefined) throw this.invalid('unknown');
    return { key, record };
  }

  validate(token: unknown): TokenInfo {
    const { record } = this.find(token);
    if (record.rev !== undefined) throw new SecurityError('TOKEN_REVOKED', `token store "${this.o.name}": the token was revoked`, this.o.name);
    if (record.exp <= this.now()) throw new SecurityError('TOKEN_EXPIRED', `token store "${this.o.name}": the token expired at ${new Date(record.exp).toISOString()}`, this.o.name);
    return Object.freeze({ actor: record.actor, scope: Object.freeze(record.scope), meta: Object.freeze(record.meta), expiresAt: record.exp });
  }

  revoke(token: unknown): boolean {
    const { key, record } = this.find(token);
    const now = this.now();
    if (record.rev !== undefined || record.exp <= now) return false;
    record.rev = now;
    this.records.set(key, record, record.exp - now + this.o.keepExpiredMs);
    return true;
  }
}
