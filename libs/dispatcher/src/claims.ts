import { CommandCollisionError, EmptyClaimError, SystemRangeError, UnclaimedCommandError } from './errors.js';
import { assertCommandId, systemRangeOf, type CommandID } from './ids.js';

/** The IDs a module claims: an inclusive range or an explicit list. */
export type ClaimSpec = { readonly first: CommandID; readonly last: CommandID } | readonly CommandID[];

/** Expand a claim to its IDs, validating each one. */
export function claimIds(spec: ClaimSpec, module: string): CommandID[] {
  if (Array.isArray(spec)) {
    const list = spec as readonly unknown[];
    list.forEach((id) => assertCommandId(id, `command ID claimed by "${module}"`));
    return [...(list as CommandID[])];
  }
  const { first, last } = spec as { first: unknown; last: unknown };
  assertCommandId(first, `first command ID claimed by "${module}"`);
  assertCommandId(last, `last command ID claimed by "${module}"`);
  if (last < first) throw new EmptyClaimError(module, first, last);
  const out: CommandID[] = [];
  for (let id = first; id <= last; id++) out.push(id);
  return out;
}

/** Which module owns which command ID. The first claim wins; a second one is an error. */
export class ClaimTable {
  private readonly owners = new Map<CommandID, string>();

  /** Claim every ID of `spec` for `module`, atomically: on error nothing is claimed. */
  claim(module: string, spec: ClaimSpec): CommandID[] {
    const ids = claimIds(spec, module);
    for (const id of ids) {
      const range = systemRangeOf(id);
      if (range !== undefined && range.module !== module) {
        throw new SystemRangeError(id, module, range.module, range.first, range.last);
      }
      const owner = this.owners.get(id);
      if (owner !== undefined) throw new CommandCollisionError(id, owner, module);
    }
    for (const id of ids) this.owners.set(id, module);
    return ids;
  }

  ownerOf(id: CommandID): string | undefined {
    return this.owners.get(id);
  }

  /** Throws unless `module` claimed `id`. */
  assertOwned(module: string, id: CommandID): void {
    assertCommandId(id, `command ID registered by "${module}"`);
    const owner = this.owners.get(id);
    if (owner !== module) throw new UnclaimedCommandError(id, module, owner);
  }

  /** All claims, by module, IDs ascending. */
  byModule(): Map<string, CommandID[]> {
    const out = new Map<string, CommandID[]>();
    for (const [id, module] of this.owners) {
      let list = out.get(module);
      if (list === undefined) out.set(module, (list = []));
      list.push(id);
    }
    for (const list of out.values()) list.sort((a, b) => a - b);
    return out;
  }
}
