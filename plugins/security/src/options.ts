import { checkKeys, describeValue, intOption, OptionError } from '@switchyard/errors';
import type { KeyObject } from 'node:crypto';

export interface OpaqueStoreOptions {
  type: 'opaque';
  /** The prefix of every token of this store (letters and digits). Default: the store's name if it qualifies, else "tk". */
  keyId?: string;
  /** A store of the store plugin to keep token hashes in (needs storePlugin). Default: memory of this plugin. */
  store?: string;
  /** A secret of at least 32 bytes: each token carries an HMAC tag, so garbage is refused without a lookup. */
  hmacSecret?: string | Uint8Array;
  /** Default lifetime of a token, ms. Default 1 hour. */
  ttlMs?: number;
  /** Longest lifetime a caller may ask for, ms. Default 30 days. */
  maxTtlMs?: number;
  /** How long a record stays after expiry, so validation reports EXPIRED / REVOKED rather than INVALID. Default 1 day. */
  keepExpiredMs?: number;
}

/** HS256: a secret of at least 32 bytes. EdDSA: Ed25519 keys (a KeyObject, or PEM text); `privateKey` only where tokens are signed. */
export type JwtKey = string | Uint8Array | { publicKey: KeyObject | string; privateKey?: KeyObject | string };

export interface JwtStoreOptions {
  type: 'jwt';
  algorithm: 'HS256' | 'EdDSA';
  /** Keys by key ID (`kid`): validation picks the key a token names, so old keys keep validating while you rotate. */
  keys: Readonly<Record<string, JwtKey>>;
  /** The `kid` new tokens are signed with. */
  signWith: string;
  issuer?: string;
  audience?: string;
  ttlMs?: number;
  maxTtlMs?: number;
  /** A store of the store plugin for revoked token IDs (until they expire). Default: memory of this plugin. */
  denylist?: string;
}

export type TokenStoreOptions = OpaqueStoreOptions | JwtStoreOptions;

export interface SecurityPluginOptions {
  /** Token stores by the name processes use: `validateToken('api', token)`. */
  stores: Readonly<Record<string, TokenStoreOptions>>;
}

/**
 * What `securityPlugin()` means: one opaque token store named "default" (token prefix "default"),
 * its records in the plugin's memory: tokens last 1 hour and are gone when the runtime stops.
 */
export const DEFAULT_SECURITY_OPTIONS: SecurityPluginOptions = Object.freeze({ stores: Object.freeze({ default: Object.freeze({ type: 'opaque' as const }) }) });

export interface ResolvedOpaque {
  readonly type: 'opaque';
  readonly name: string;
  readonly keyId: string;
  readonly store: string | undefined;
  readonly hmacSecret: Uint8Array | undefined;
  readonly ttlMs: number;
  readonly maxTtlMs: number;
  readonly keepExpiredMs: number;
}

export interface ResolvedJwt {
  readonly type: 'jwt';
  readonly name: string;
  readonly algorithm: 'HS256' | 'EdDSA';
  readonly keys: Readonly<Record<string, JwtKey>>;
  readonly signWith: string;
  readonly issuer: string | undefined;
  readonly audience: string | undefined;
  readonly ttlMs: number;
  readonly maxTtlMs: number;
  readonly denylist: string | undefined;
}

export type ResolvedStore = ResolvedOpaque | ResolvedJwt;

const CODE = 'SECURITY_BAD_OPTIONS';
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const KEY_ID = /^[A-Za-z0-9]{1,16}$/;

function bytes(where: string, key: string, v: unknown): Uint8Array {
  const b = typeof v === 'string' ? new TextEncoder().encode(v) : v instanceof Uint8Array ? v : undefined;
  if (b === undefined || b.length < 32) {
    // The secret itself never goes into the message.
    throw new OptionError(where, key, `must be a string or Uint8Array of at least 32 bytes, got ${b === undefined ? describeValue(v) : `${b.length} bytes`}`, CODE);
  }
  return b;
}

function optString(where: string, o: Record<string, unknown>, key: string): string | undefined {
  const v = o[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || v === '') throw new OptionError(where, key, `must be a non-empty string, got ${describeValue(v)}`, CODE);
  return v;
}

/** Check securityPlugin() options; the error names the store and the option at fault. */
export function resolveOptions(options: unknown): ResolvedStore[] {
  const top = checkKeys('securityPlugin()', options, ['stores'], CODE);
  const stores = top.stores;
  if (typeof stores !== 'object' || stores === null || Array.isArray(stores)) {
    throw new OptionError('securityPlugin()', 'stores', `must be an object of token stores by name, got ${describeValue(stores)}`, CODE);
  }
  return Object.entries(stores as Record<string, unknown>).map(([name, raw]): ResolvedStore => {
    const where = `securityPlugin(): store "${name}"`;
    const type = (raw as { type?: unknown } | null)?.type;
    if (type === 'opaque') {
      const o = checkKeys(where, raw, ['type', 'keyId', 'store', 'hmacSecret', 'ttlMs', 'maxTtlMs', 'keepExpiredMs'], CODE);
      const keyId = optString(where, o, 'keyId') ?? (KEY_ID.test(name) ? name : 'tk');
      if (!KEY_ID.test(keyId)) throw new OptionError(where, 'keyId', `must be 1–16 letters or digits, got ${describeValue(keyId)}`, CODE);
      const maxTtlMs = intOption(where, o, 'maxTtlMs', 30 * DAY, { min: 1 }, CODE);
      return Object.freeze({
        type,
        name,
        keyId,
        store: optString(where, o, 'store'),
        hmacSecret: o.hmacSecret === undefined ? undefined : bytes(where, 'hmacSecret', o.hmacSecret),
        ttlMs: intOption(where, o, 'ttlMs', Math.min(HOUR, maxTtlMs), { min: 1, max: maxTtlMs }, CODE),
        maxTtlMs,
        keepExpiredMs: intOption(where, o, 'keepExpiredMs', DAY, { min: 0 }, CODE),
      });
    }
    if (type === 'jwt') {
      const o = checkKeys(where, raw, ['type', 'algorithm', 'keys', 'signWith', 'issuer', 'audience', 'ttlMs', 'maxTtlMs', 'denylist'], CODE);
      const algorithm = o.algorithm;
      if (algorithm !== 'HS256' && algorithm !== 'EdDSA') throw new OptionError(where, 'algorithm', `must be "HS256" or "EdDSA", got ${describeValue(algorithm)}`, CODE);
      const keys = o.keys;
      if (typeof keys !== 'object' || keys === null || Array.isArray(keys) || Object.keys(keys).length === 0) {
        throw new OptionError(where, 'keys', 'must be an object of keys by key ID (kid), with at least one', CODE);
      }
      for (const [kid, k] of Object.entries(keys)) {
        if (algorithm === 'HS256') bytes(where, `keys.${kid}`, k);
        else if (typeof k !== 'object' || k === null || (k as { publicKey?: unknown }).publicKey === undefined) {
          throw new OptionError(where, `keys.${kid}`, 'must be { publicKey, privateKey? } (Ed25519 KeyObjects or PEM) for EdDSA', CODE);
        }
      }
      const signWith = optString(where, o, 'signWith');
      if (signWith === undefined || !(signWith in keys)) {
        throw new OptionError(where, 'signWith', `must name one of the keys (${Object.keys(keys).join(', ')}), got ${describeValue(signWith)}`, CODE);
      }
      const maxTtlMs = intOption(where, o, 'maxTtlMs', 30 * DAY, { min: 1000 }, CODE);
      return Object.freeze({
        type,
        name,
        algorithm,
        keys: keys as Record<string, JwtKey>,
        signWith,
        issuer: optString(where, o, 'issuer'),
        audience: optString(where, o, 'audience'),
        ttlMs: intOption(where, o, 'ttlMs', Math.min(HOUR, maxTtlMs), { min: 1000, max: maxTtlMs }, CODE),
        maxTtlMs,
        denylist: optString(where, o, 'denylist'),
      });
    }
    throw new OptionError(where, 'type', `must be "opaque" or "jwt", got ${describeValue(type)}`, CODE);
  });
}
