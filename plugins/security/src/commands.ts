import { CommandBase } from '@switchyard/dispatcher';
import type { Pid, ProcessFn } from '@switchyard/runtime';

/** Security command IDs (130–139). */
export const SecurityCommand = {
  ValidateToken: 130,
  CreateToken: 131,
  RevokeToken: 132,
  SpawnAs: 133,
} as const;

/** Extra data kept with a token: JSON data, returned by validation. */
export type TokenMeta = Readonly<Record<string, unknown>>;

/** What a valid token stands for. */
export interface TokenInfo {
  readonly actor: string;
  readonly scope: readonly string[];
  readonly meta: TokenMeta;
  /** Epoch ms (runtime clock). */
  readonly expiresAt: number;
}

export interface CreateTokenInput {
  /** Who the token speaks for: a user ID, a service name. */
  actor: string;
  /** What it may do. A caller acting for a principal can only grant scopes it has itself. */
  scope?: readonly string[];
  meta?: TokenMeta;
  /** Lifetime; default the store's `ttlMs`, at most its `maxTtlMs`. */
  ttlMs?: number;
}

export interface CreatedToken {
  /** The secret: hand it to the client once; the store keeps only its hash. */
  readonly token: string;
  readonly expiresAt: number;
}

export class ValidateTokenCmd extends CommandBase<TokenInfo> {
  readonly id = SecurityCommand.ValidateToken;
  constructor(
    readonly store: string,
    readonly token: unknown,
  ) {
    super();
  }
}

export class CreateTokenCmd extends CommandBase<CreatedToken> {
  readonly id = SecurityCommand.CreateToken;
  constructor(
    readonly store: string,
    readonly input: CreateTokenInput,
  ) {
    super();
  }
}

export class RevokeTokenCmd extends CommandBase<boolean> {
  readonly id = SecurityCommand.RevokeToken;
  constructor(
    readonly store: string,
    readonly token: unknown,
  ) {
    super();
  }
}

export class SpawnAsCmd extends CommandBase<Pid> {
  readonly id = SecurityCommand.SpawnAs;
  constructor(
    readonly store: string,
    readonly token: unknown,
    readonly fn: ProcessFn<never[], unknown> | string,
    readonly args: readonly unknown[],
  ) {
    super();
  }
}

/** What the token stands for, or SecurityError TOKEN_INVALID / TOKEN_EXPIRED / TOKEN_REVOKED. */
export const validateToken = (store: string, token: string): ValidateTokenCmd => new ValidateTokenCmd(store, token);

/** A new token for `input.actor` with `input.scope`. */
export const createToken = (store: string, input: CreateTokenInput): CreateTokenCmd => new CreateTokenCmd(store, input);

/** Revoke a token: true when it was valid until now, false when it had already expired or been revoked. */
export const revokeToken = (store: string, token: string): RevokeTokenCmd => new RevokeTokenCmd(store, token);

/**
 * Validate `token` and spawn a process acting for its principal (`ctx.principal` is
 * `{ actor, scopes }`); its children inherit it. Resolves to the new PID.
 */
export function spawnAs<A extends unknown[], R>(store: string, token: string, fn: ProcessFn<A, R> | string, ...args: A): SpawnAsCmd {
  return new SpawnAsCmd(store, token, fn as ProcessFn<never[], unknown> | string, args);
}
