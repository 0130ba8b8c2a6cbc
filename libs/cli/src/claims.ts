import { claimIds, type ClaimSpec, type CommandID } from '@switchyard/dispatcher';
import type { Plugin } from '@switchyard/runtime';
import type { App, CommandNames } from './app.js';
import { checkNames } from './app.js';

/** IDs as compact text: "10-29", "1-3, 7". */
export function formatIds(ids: readonly CommandID[]): string {
  const sorted = [...ids].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    parts.push(i === j ? String(sorted[i]) : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(', ');
}

/** The IDs a plugin claims, or [] when its claim is malformed (definePlugin refuses those). */
export function idsOf(plugin: Plugin): CommandID[] {
  try {
    return claimIds(plugin.commands as ClaimSpec, plugin.name);
  } catch {
    return [];
  }
}

/**
 * Command names by ID, from the app's `commandNames` and from a `commandNames` ID map a
 * plugin object may carry (generated plugins do). The first name given for an ID wins.
 */
export function commandNamesOf(app: App, extra: readonly CommandNames[] = []): Map<CommandID, string> {
  const out = new Map<CommandID, string>();
  const add = (m: CommandNames) => {
    for (const [name, id] of Object.entries(m)) if (!out.has(id)) out.set(id, name);
  };
  for (const m of extra) add(m);
  for (const p of app.plugins) {
    const own = (p as { commandNames?: unknown }).commandNames;
    if (own !== undefined) {
      checkNames(own, `plugin "${p.name}".commandNames`);
      add(own);
    }
  }
  for (const m of app.commandNames) add(m);
  return out;
}
