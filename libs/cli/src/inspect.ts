import { bootLevels, defineComponent } from '@switchyard/boot';
import { ClaimTable, type ClaimSpec, type CommandID } from '@switchyard/dispatcher';
import { CoreCommand } from '@switchyard/runtime';
import type { App } from './app.js';
import { commandNamesOf, formatIds } from './claims.js';

export interface InspectedPlugin {
  /** The module name; "core" is the runtime's own (receive, all, race, self). */
  readonly plugin: string;
  readonly dependsOn: readonly string[];
  readonly ids: readonly CommandID[];
  /** Claimed IDs with their names, where a name is known. */
  readonly commands: readonly { readonly id: CommandID; readonly name: string | undefined }[];
}

/**
 * What `--inspect-commands` shows, computed from the app definition without starting any
 * plugin (no ports opened, no files touched). It checks claims and dependencies with the
 * same rules and in the same boot order as the runtime, so it fails exactly where boot would.
 */
export function inspectCommands(app: App): InspectedPlugin[] {
  const order = bootLevels(app.plugins.map((p) => defineComponent({ name: p.name, dependsOn: p.dependsOn ?? [] }))).flat();
  const claims = new ClaimTable();
  const core = Object.values(CoreCommand);
  claims.claim('core', core);
  const out: InspectedPlugin[] = [];
  const names = commandNamesOf(app, [CoreCommand]);
  const entry = (plugin: string, dependsOn: readonly string[], ids: CommandID[]): InspectedPlugin => ({
    plugin,
    dependsOn,
    ids,
    commands: ids.map((id) => ({ id, name: names.get(id) })),
  });
  out.push(entry('core', [], core));
  for (const c of order) {
    const plugin = app.plugins.find((p) => p.name === c.name)!;
    out.push(entry(plugin.name, plugin.dependsOn ?? [], claims.claim(plugin.name, plugin.commands as ClaimSpec)));
  }
  return out;
}

/** Unnamed IDs of one plugin are listed one per row up to this many, then summarised. */
const MAX_UNNAMED_ROWS = 16;

/** The table `--inspect-commands` prints: one row per command ID, grouped by plugin in boot order. */
export function formatCommandTable(plugins: readonly InspectedPlugin[]): string {
  const rows: [string, string, string, string][] = [['PLUGIN', 'CLAIMS', 'ID', 'COMMAND']];
  for (const p of plugins) {
    const label = p.plugin === 'core' ? 'core (runtime)' : p.plugin;
    const claims = formatIds(p.ids);
    const named = p.commands.filter((c) => c.name !== undefined);
    const unnamed = p.commands.length - named.length;
    const lines: [string, string][] = [];
    if (named.length === 0 && unnamed > MAX_UNNAMED_ROWS) {
      lines.push(['', `(${unnamed} IDs, no names: pass the plugin's ID map in commandNames)`]);
    } else if (named.length === 0) {
      for (const c of p.commands) lines.push([String(c.id), '-']);
    } else {
      for (const c of named) lines.push([String(c.id), c.name!]);
      if (unnamed > 0) lines.push(['', `(+${unnamed} more claimed ID${unnamed === 1 ? '' : 's'}, unnamed)`]);
    }
    if (lines.length === 0) lines.push(['', '(no IDs)']);
    lines.forEach(([id, name], i) => rows.push([i === 0 ? label : '', i === 0 ? claims : '', id, name]));
  }
  const widths = [0, 1, 2].map((col) => Math.max(...rows.map((r) => r[col]!.length)));
  return rows.map((r) => r.map((cell, col) => (col < 3 ? cell.padEnd(widths[col]!) : cell)).join('  ').trimEnd()).join('\n') + '\n';
}
