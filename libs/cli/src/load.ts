import { existsSync, statSync } from 'node:fs';
import { basename, extname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { tsImport } from 'tsx/esm/api';
import { toApp, type App, type AppInit } from './app.js';
import { AppLoadError } from './errors.js';

export interface LoadedApp {
  readonly app: App;
  /** The absolute path of the module. */
  readonly path: string;
  /** The app's name, or the module's file name. */
  readonly label: string;
}

/**
 * Import an app module (TypeScript or JavaScript) and validate its export: the default export,
 * or a named export `app`; a function export is an app factory, called with `argv` and `cwd`.
 * TypeScript is compiled on the fly by tsx, scoped to this import.
 */
export async function loadApp(file: string, options: { cwd?: string; argv?: readonly string[] } = {}): Promise<LoadedApp> {
  const cwd = options.cwd ?? process.cwd();
  const path = resolve(cwd, file);
  if (!existsSync(path)) throw new AppLoadError(path, `no such file (looked for ${path})`);
  if (!statSync(path).isFile()) throw new AppLoadError(path, `${path} is not a file`);
  const url = pathToFileURL(path).href;
  let mod: Record<string, unknown>;
  try {
    mod = (await tsImport(url, url)) as Record<string, unknown>;
  } catch (error) {
    // Switchyard errors (a plugin factory refusing its options, a bad claim) already say what is
    // wrong; report them as they are. Anything else is a problem with the module itself.
    if (isSwitchyardCoded(error)) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new AppLoadError(path, `importing it failed: ${reason}`, { cause: error });
  }
  let exported = mod.default ?? mod.app;
  // A CommonJS module imported from ESM puts module.exports under default.
  if (exported !== undefined && mod.default !== undefined && typeof exported === 'object' && exported !== null && !('plugins' in exported)) {
    const inner = (exported as Record<string, unknown>).default ?? (exported as Record<string, unknown>).app;
    if (inner !== undefined) exported = inner;
  }
  if (exported === undefined) {
    throw new AppLoadError(
      path,
      `the module exports no app: add \`export default defineApp({ plugins: [...], main })\` (defineApp comes from "switchyard")`,
    );
  }
  if (typeof exported === 'function') {
    // A factory (defineApp(async ({ argv }) => …)): it may read config files named on the command line.
    const init: AppInit = Object.freeze({ argv: Object.freeze([...(options.argv ?? [])]), cwd });
    try {
      exported = await (exported as (init: AppInit) => unknown)(init);
    } catch (error) {
      if (isSwitchyardCoded(error)) throw error;
      const reason = error instanceof Error ? error.message : String(error);
      throw new AppLoadError(path, `the app factory failed: ${reason}`, { cause: error });
    }
  }
  const app = toApp(exported, 'app');
  return { app, path, label: app.name ?? basename(path, extname(path)) };
}

function isSwitchyardCoded(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && !code.startsWith('ERR_');
}
