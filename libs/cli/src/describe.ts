import type { Plugin } from '@switchyard/runtime';
import type { App } from './app.js';
import { commandNamesOf, formatIds, idsOf } from './claims.js';

interface Coded {
  readonly code?: unknown;
  readonly message?: unknown;
  /** BootError fields: the component at fault, the missing dependency, the cycle path. */
  readonly component?: unknown;
  readonly dependency?: unknown;
  readonly cycle?: unknown;
}

/**
 * One paragraph that says why an app could not boot, naming the plugins and command IDs
 * involved and what to do about it. `app` is undefined when the module itself failed to load.
 */
export function describeBootError(error: unknown, app: App | undefined, label: string): string {
  // One paragraph: a compiler's multi-line message is folded onto one line.
  const reason = explain(error, app).replace(/\s*\n\s*/g, ' ');
  return `switchyard: cannot start ${label}: ${reason}`;
}

function explain(error: unknown, app: App | undefined): string {
  const e = (typeof error === 'object' && error !== null ? error : {}) as Coded;
  const code = typeof e.code === 'string' ? e.code : undefined;
  const message = typeof e.message === 'string' ? e.message : String(error);
  const plugins = app?.plugins ?? [];
  switch (code) {
    case 'COMMAND_COLLISION':
      return collision(error as Coded & { commandId: number; owner: string; claimant: string }, plugins, app);
    case 'MISSING_DEPENDENCY':
      return missingDependency(plugins) ?? message;
    case 'DEPENDENCY_CYCLE': {
      const cycle = Array.isArray(e.cycle) ? (e.cycle as unknown[]).map(String) : [];
      const path = cycle.map((n) => `"${n}"`).join(' -> ');
      return `the plugins depend on each other in a cycle, ${path} (through dependsOn), so no boot order exists. Remove one of these dependencies. [${code}]`;
    }
    case 'DUPLICATE_COMPONENT': {
      const name = typeof e.component === 'string' ? e.component : '?';
      const at = plugins.flatMap((p, i) => (p.name === name ? [`plugins[${i}]`] : []));
      return `plugin "${name}" is installed twice${at.length > 1 ? ` (${at.join(' and ')})` : ''}; install each plugin once. [${code}]`;
    }
    case 'BAD_PLUGIN': {
      const plugin = (error as { plugin?: unknown }).plugin;
      const rest = typeof plugin === 'string' ? message.replace(`plugin "${plugin}": `, '') : message;
      return typeof plugin === 'string'
        ? `plugin "${plugin}" rejected its options: ${rest}. Fix the options passed to it in the app module. [${code}]`
        : `${message} [${code}]`;
    }
    case 'COMPONENT_FAILED':
      return `${message.replace(/^component "/, 'plugin "')}. [${code}]`;
    case 'APP_LOAD':
    case 'BAD_APP':
      return `${message}. [${code}]`;
    default:
      return code === undefined ? message : `${message} [${code}]`;
  }
}

function collision(e: { commandId: number; owner: string; claimant: string }, plugins: readonly Plugin[], app: App | undefined): string {
  const owner = plugins.find((p) => p.name === e.owner);
  const claimant = plugins.find((p) => p.name === e.claimant);
  if (owner === undefined || claimant === undefined || app === undefined) {
    return `command ID ${e.commandId} is claimed by both "${e.owner}" and "${e.claimant}": each command ID belongs to exactly one plugin. [COMMAND_COLLISION]`;
  }
  const ownerIds = idsOf(owner);
  const claimantIds = new Set(idsOf(claimant));
  const shared = ownerIds.filter((id) => claimantIds.has(id));
  const names = commandNamesOf(app);
  const named = shared.filter((id) => names.has(id)).slice(0, 4);
  const which = named.length > 0 ? ` (among them ${named.map((id) => `${id} ${names.get(id)}`).join(', ')})` : '';
  return (
    `plugins "${e.owner}" (claims ${formatIds(ownerIds)}) and "${e.claimant}" (claims ${formatIds([...claimantIds])}) ` +
    `both claim command ID${shared.length === 1 ? '' : 's'} ${formatIds(shared)}${which}. Each command ID belongs to exactly one plugin: ` +
    `move one of them to a free range (custom plugins use 256 and up) or install only one. [COMMAND_COLLISION]`
  );
}

function missingDependency(plugins: readonly Plugin[]): string | undefined {
  const installed = new Set(plugins.map((p) => p.name));
  const missing: string[] = [];
  const wanted = new Set<string>();
  for (const p of plugins) {
    for (const d of p.dependsOn ?? []) {
      if (!installed.has(d)) {
        missing.push(`plugin "${p.name}" depends on "${d}"`);
        wanted.add(d);
      }
    }
  }
  if (missing.length === 0) return undefined;
  const list = [...wanted].map((d) => `"${d}"`).join(', ');
  return (
    `${missing.join(' and ')}, which this app does not install (installed: ${[...installed].map((n) => `"${n}"`).join(', ') || 'none'}). ` +
    `Add the ${list} plugin${wanted.size === 1 ? '' : 's'} to plugins in the app module, or remove the dependency. [MISSING_DEPENDENCY]`
  );
}
