import { describeValue, SwitchyardError } from '@switchyard/errors';
import { ArgumentError, SpawnError } from './errors.js';
import type { Principals } from './plugin.js';
import type { Proc } from './proc.js';
import type { Pid, Principal } from './types.js';

/**
 * The principals one runtime issued. Issued objects are frozen and remembered, so a process
 * cannot forge one (a look-alike object is refused at spawn) nor change one it was given; another
 * runtime's principals are not accepted here.
 */
export class PrincipalRegistry implements Principals {
  private readonly issued = new WeakSet<Principal>();

  constructor(private readonly lookup: (pid: Pid) => Proc | undefined) {}

  issue(actor: string, scopes: readonly string[]): Principal {
    if (typeof actor !== 'string' || actor === '') throw new ArgumentError('actor', `principals.issue(): actor must be a non-empty string, got ${describeValue(actor)}`);
    if (!Array.isArray(scopes) || scopes.some((s) => typeof s !== 'string')) {
      throw new ArgumentError('scopes', `principals.issue(): scopes must be an array of strings, got ${describeValue(scopes)}`);
    }
    const p: Principal = Object.freeze({ actor, scopes: Object.freeze([...new Set(scopes)]) });
    this.issued.add(p);
    return p;
  }

  of(pid: Pid): Principal | undefined {
    return this.lookup(pid)?.x?.principal ?? undefined;
  }

  /** The principal a spawn may use; BAD_PRINCIPAL for one this runtime did not issue. */
  check(principal: unknown): Principal {
    if (typeof principal !== 'object' || principal === null || !this.issued.has(principal as Principal)) {
      throw new SpawnError('BAD_PRINCIPAL', `spawnWith(): principal must be one this runtime issued (a process's own ctx.principal, or one from a plugin such as security), got ${describeValue(principal)}`);
    }
    return principal as Principal;
  }
}

/** A caller lacks a scope that something it called requires. */
export class ForbiddenError extends SwitchyardError {
  declare readonly code: 'FORBIDDEN';
  /** What was refused, e.g. `function "billing.charge"`. */
  readonly target: string;
  /** The first required scope the caller does not have. */
  readonly scope: string;
  /** The caller's actor; undefined for a process that acts for no principal. */
  readonly actor: string | undefined;
  constructor(target: string, scope: string, actor: string | undefined) {
    super(
      'FORBIDDEN',
      `${target} requires scope "${scope}", which ${actor === undefined ? 'a caller without a principal does not have' : `actor ${JSON.stringify(actor)} does not have`}`,
    );
    this.target = target;
    this.scope = scope;
    this.actor = actor;
  }
}

/** Throw FORBIDDEN naming the first of `scopes` that `principal` lacks (all of them when there is none). */
export function requireScopes(target: string, scopes: readonly string[], principal: Principal | undefined): void {
  for (const scope of scopes) {
    if (principal === undefined || !principal.scopes.includes(scope)) throw new ForbiddenError(target, scope, principal?.actor);
  }
}
