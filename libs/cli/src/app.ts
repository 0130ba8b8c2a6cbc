import type { Command, CommandID } from '@switchyard/dispatcher';
import type { Plugin, ProcessContext, Runtime } from '@switchyard/runtime';
import { AppDefinitionError } from './errors.js';

/** What an app's processes get as their second argument. */
export interface AppContext {
  /** The arguments after `--` on the command line (`switchyard run app.ts -- a b`). */
  readonly argv: readonly string[];
  /** The running runtime, for what no command does (stats, observe). Processes normally yield commands instead. */
  readonly runtime: Runtime;
}

/** A top-level process of an app: a generator function of the process context and the app context. */
export type AppProcessFn = (ctx: ProcessContext, app: AppContext) => Generator<Command, unknown, unknown>;

/** A named top-level process; the name appears in failure messages. */
export interface AppProcess {
  readonly name: string;
  readonly fn: AppProcessFn;
}

/** A plugin's command-ID map, as plugins export it: `ClockCommand = { Sleep: 10, … }`. */
export type CommandNames = Readonly<Record<string, CommandID>>;

/** What an app module exports (default export, or a named export `app`). */
export interface AppSpec {
  /** Shown in messages. Default: the module's file name. */
  name?: string;
  /** The plugins the runtime boots, with their options already applied. */
  plugins: readonly Plugin[];
  /** The main process. The app runs until it ends; its failure is the app's failure. */
  main?: AppProcessFn;
  /**
   * Processes started after boot and before `main`, in order. A failure of any of them fails
   * the app; a normal exit does not. Without `main` the app runs until they all ended.
   */
  processes?: readonly (AppProcessFn | AppProcess)[];
  /** ID maps that name command IDs for `--inspect-commands`, e.g. `[ClockCommand, ProcessCommand]`. */
  commandNames?: readonly CommandNames[];
  /** How long a graceful stop may take, in ms (processes, then each plugin). Default 5000. */
  stopTimeoutMs?: number;
}

/** A validated app definition. */
export interface App {
  readonly name: string | undefined;
  readonly plugins: readonly Plugin[];
  readonly main: AppProcessFn | undefined;
  readonly processes: readonly AppProcess[];
  readonly commandNames: readonly CommandNames[];
  readonly stopTimeoutMs: number | undefined;
}

/** What an app factory gets: the command line after `--`, and the directory `switchyard run` ran in. */
export interface AppInit {
  readonly argv: readonly string[];
  readonly cwd: string;
}

/** An app built at startup, e.g. from a config file named on the command line. */
export type AppFactory = (init: AppInit) => Promise<App>;

/**
 * Define an app for `switchyard run`: `export default defineApp({ plugins: [...], main })`.
 * Checks the shape at once, so a mistake is reported where it was made.
 *
 * An app that needs its configuration before it can name its plugins passes a function
 * instead, sync or async: `defineApp(async ({ argv }) => ({ plugins: [...], main }))`.
 * `switchyard run` calls it before boot; an error it throws is a boot error (exit 2).
 */
export function defineApp(spec: AppSpec): App;
export function defineApp(factory: (init: AppInit) => AppSpec | Promise<AppSpec>): AppFactory;
export function defineApp(spec: AppSpec | ((init: AppInit) => AppSpec | Promise<AppSpec>)): App | AppFactory {
  if (typeof spec === 'function') {
    const factory = spec;
    return async (init: AppInit) => toApp(await factory(init), 'the app factory\'s result');
  }
  return toApp(spec, 'defineApp()');
}

/** Validate an app definition; `where` prefixes each error (the module path, or "defineApp()"). */
export function toApp(value: unknown, where: string): App {
  if (typeof value !== 'object' || value === null) {
    throw new AppDefinitionError(where, `expected an app definition object, got ${kind(value)}`);
  }
  const spec = value as Record<string, unknown>;
  // Other fields are the app's own business (a factory may return richer objects), but one
  // that looks like a misspelt field would silently do nothing: refuse it.
  for (const key of Object.keys(spec)) {
    if (APP_FIELDS.includes(key)) continue;
    const meant = APP_FIELDS.find((f) => distance(f.toLowerCase(), key.toLowerCase()) <= 2);
    if (meant !== undefined) throw new AppDefinitionError(`${where}.${key}`, `unknown field; did you mean "${meant}"?`);
  }
  const name = spec.name;
  if (name !== undefined && (typeof name !== 'string' || name === '')) {
    throw new AppDefinitionError(`${where}.name`, `must be a non-empty string, got ${kind(name)}`);
  }
  const plugins = spec.plugins;
  if (!Array.isArray(plugins)) throw new AppDefinitionError(`${where}.plugins`, `must be an array of plugins, got ${kind(plugins)}`);
  plugins.forEach((p: unknown, i) => {
    if (typeof p !== 'object' || p === null || typeof (p as { name?: unknown }).name !== 'string' || (p as { commands?: unknown }).commands === undefined) {
      const hint = typeof p === 'function' ? ' (a plugin factory: call it, e.g. clockPlugin())' : ' (create plugins with definePlugin)';
      throw new AppDefinitionError(`${where}.plugins[${i}]`, `is not a plugin, got ${kind(p)}${hint}`);
    }
  });
  const main = spec.main;
  if (main !== undefined && typeof main !== 'function') {
    throw new AppDefinitionError(`${where}.main`, `must be a generator function (function*), got ${kind(main)}`);
  }
  const processes = spec.processes ?? [];
  if (!Array.isArray(processes)) throw new AppDefinitionError(`${where}.processes`, `must be an array, got ${kind(processes)}`);
  const procs: AppProcess[] = processes.map((p: unknown, i) => {
    if (typeof p === 'function') return { name: p.name || `processes[${i}]`, fn: p as AppProcessFn };
    if (typeof p === 'object' && p !== null && typeof (p as AppProcess).fn === 'function') {
      const n = (p as AppProcess).name;
      if (typeof n !== 'string' || n === '') throw new AppDefinitionError(`${where}.processes[${i}].name`, 'must be a non-empty string');
      return { name: n, fn: (p as AppProcess).fn };
    }
    throw new AppDefinitionError(`${where}.processes[${i}]`, `must be a generator function or { name, fn }, got ${kind(p)}`);
  });
  const names = spec.commandNames ?? [];
  if (!Array.isArray(names)) throw new AppDefinitionError(`${where}.commandNames`, 'must be an array of ID maps such as ClockCommand');
  names.forEach((m: unknown, i) => checkNames(m, `${where}.commandNames[${i}]`));
  const stopTimeoutMs = spec.stopTimeoutMs;
  if (stopTimeoutMs !== undefined && !(typeof stopTimeoutMs === 'number' && Number.isFinite(stopTimeoutMs) && stopTimeoutMs > 0)) {
    throw new AppDefinitionError(`${where}.stopTimeoutMs`, `must be a number of ms > 0, got ${kind(stopTimeoutMs)}`);
  }
  return Object.freeze({
    name: name as string | undefined,
    plugins: Object.freeze([...(plugins as Plugin[])]),
    main: main as AppProcessFn | undefined,
    processes: Object.freeze(procs),
    commandNames: Object.freeze([...(names as CommandNames[])]),
    stopTimeoutMs: stopTimeoutMs as number | undefined,
  });
}

/** Throws unless `m` maps names to integer command IDs. */
export function checkNames(m: unknown, where: string): asserts m is CommandNames {
  if (typeof m !== 'object' || m === null || Array.isArray(m)) {
    throw new AppDefinitionError(where, `must be an object mapping command names to IDs, got ${kind(m)}`);
  }
  for (const [k, id] of Object.entries(m)) {
    if (typeof id !== 'number' || !Number.isInteger(id) || id < 1 || id > 65535) {
      throw new AppDefinitionError(`${where}.${k}`, `must be a command ID (an integer 1..65535), got ${kind(id)}`);
    }
  }
}

const APP_FIELDS: readonly string[] = ['name', 'plugins', 'main', 'processes', 'commandNames', 'stopTimeoutMs'];

/** Levenshtein distance, for "did you mean". */
function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length]!;
}

export function kind(v: unknown): string {
  if (v === null) return 'null';
  if (v === undefined) return 'undefined';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}
