import { existsSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { VERSION } from '../version.js';
import { display, writeFiles } from './files.js';
import { checkPackageName, pluginNames } from './names.js';
import { pluginFiles } from './plugin-templates.js';
import { checkOverlap, parseRange, suggestRange, type IdRange } from './range.js';
import { findWorkspace, readJson, scanClaims, scanPluginNames, subdirs, workspacePackages, type KnownClaim } from './workspace.js';
import { InvalidRangeError, PluginNameTakenError, WorkspaceRootError } from '../errors.js';

export interface NewPluginOptions {
  /** The plugin's module name: lowercase, digits, hyphens ("my-timer"). */
  readonly name: string;
  /** "300-309", or one ID. Custom plugins use 256 and up. */
  readonly range: string | undefined;
  /** Where the command runs. Default: process.cwd(). */
  readonly cwd?: string;
  /** The package directory. Default: <monorepo>/plugins/<name> in a Switchyard monorepo, else ./<name>. */
  readonly dir?: string;
  /** The npm name. Default: @switchyard/plugin-<name> in the monorepo, else switchyard-plugin-<name>. */
  readonly packageName?: string;
}

export interface Generated {
  /** The directory written to, relative to cwd. */
  readonly dir: string;
  /** The files written, relative to cwd. */
  readonly files: readonly string[];
  /** What to do next, one line each. */
  readonly next: readonly string[];
}

/**
 * Create a plugin package with the standard shape: commands.ts, handlers.ts, plugin.ts,
 * index.ts, a README and a passing test. Refuses a range below 256, one overlapping a plugin
 * already in the workspace (naming it), a bad name, and any file that already exists.
 */
export function generatePlugin(options: NewPluginOptions): Generated {
  const cwd = resolve(options.cwd ?? process.cwd());
  const names = pluginNames(options.name);
  const ws = findWorkspace(cwd);
  const monorepo = ws?.isMonorepo === true ? ws : undefined;
  const dir = options.dir !== undefined ? resolve(cwd, options.dir) : monorepo !== undefined ? join(monorepo.root, 'plugins', names.kebab) : join(cwd, names.kebab);
  if (ws !== undefined && dir === ws.root) {
    throw new WorkspaceRootError(display(dir, cwd), `pass --dir <a new package directory>${ws.isMonorepo ? ', or leave --dir out to write plugins/<name>' : ''}`);
  }
  const base = ws?.root ?? cwd;
  const scanDirs = new Set([...(ws !== undefined ? workspacePackages(ws) : []), ...subdirs(resolve(dir, '..'))]);
  scanDirs.delete(dir);
  const taken = scanPluginNames([...scanDirs], base).find((n) => n.name === names.kebab);
  if (taken !== undefined) throw new PluginNameTakenError(names.kebab, taken.where);
  const known: KnownClaim[] = scanClaims([...scanDirs], base);
  let range: IdRange;
  try {
    range = parseRange(options.range);
  } catch (error) {
    if (error instanceof InvalidRangeError && error.value === '') {
      const free = suggestRange(known);
      throw new InvalidRangeError('', `${error.message}; ${free.first}-${free.last} is free in this workspace`);
    }
    throw error;
  }
  const packageName = checkPackageName(options.packageName ?? (monorepo !== undefined ? `@switchyard/plugin-${names.kebab}` : `switchyard-plugin-${names.kebab}`));
  const files = pluginFiles({
    names,
    range,
    packageName,
    versions: monorepo !== undefined ? workspaceVersions(monorepo.root) : { runtime: `^${VERSION}`, dispatcher: `^${VERSION}`, testing: `^${VERSION}` },
    rootFromPackage: monorepo !== undefined ? relative(dir, monorepo.root).split(sep).join('/') || '.' : undefined,
    packManifest: monorepo !== undefined && existsSync(join(monorepo.root, 'scripts', 'pack-manifest.mjs')),
  });
  // An existing file is the more precise complaint than an overlap with the package it belongs to.
  const written = writeFiles(dir, files, cwd, () => checkOverlap(range, known));
  const shown = display(dir, cwd);
  const next =
    monorepo !== undefined
      ? [`npm install            (from ${display(monorepo.root, cwd)}, to link ${packageName})`, `cd ${shown} && npx vitest run`]
      : [`cd ${shown} && npm install && npm test`];
  return { dir: shown, files: written, next };
}

/** The versions of the kernel packages in this monorepo, so npm links them instead of fetching. */
function workspaceVersions(root: string): { runtime: string; dispatcher: string; testing: string } {
  const v = (dir: string) => {
    const pkg = readJson(join(root, dir, 'package.json')) as { version?: unknown } | undefined;
    return typeof pkg?.version === 'string' ? pkg.version : VERSION;
  };
  return { runtime: v('libs/runtime'), dispatcher: v('libs/dispatcher'), testing: v('libs/testing') };
}
