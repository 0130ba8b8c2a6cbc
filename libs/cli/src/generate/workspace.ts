import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

export interface Workspace {
  /** The directory of the package.json that declares `workspaces`. */
  readonly root: string;
  readonly patterns: readonly string[];
  /** True for a Switchyard-style monorepo: its workspaces include "plugins/*". */
  readonly isMonorepo: boolean;
}

/** The nearest enclosing npm workspace root, walking up from `start`. */
export function findWorkspace(start: string): Workspace | undefined {
  let dir = resolve(start);
  for (;;) {
    const pkg = readJson(join(dir, 'package.json'));
    if (pkg !== undefined) {
      const ws = (pkg as { workspaces?: unknown }).workspaces;
      const patterns = Array.isArray(ws) ? ws : Array.isArray((ws as { packages?: unknown } | undefined)?.packages) ? (ws as { packages: unknown[] }).packages : undefined;
      if (patterns !== undefined) {
        const list = patterns.filter((p): p is string => typeof p === 'string').map((p) => p.replace(/\/+$/, ''));
        return { root: dir, patterns: list, isMonorepo: list.includes('plugins/*') };
      }
    }
    const up = dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

/** A range of command IDs some plugin package claims. */
export interface KnownClaim {
  readonly owner: string;
  readonly first: number;
  readonly last: number;
  /** The file that says so, relative to the scan's base. */
  readonly where: string;
}

/** Package directories matched by workspace patterns ("plugins/*", "tools/bench"). */
export function workspacePackages(ws: Workspace): string[] {
  const out: string[] = [];
  for (const pattern of ws.patterns) {
    if (pattern.endsWith('/*')) out.push(...subdirs(join(ws.root, pattern.slice(0, -2))));
    else if (!pattern.includes('*')) out.push(join(ws.root, pattern));
  }
  return out.filter((d) => existsSync(join(d, 'package.json')));
}

/** Child directories of `dir` (none when it does not exist). */
export function subdirs(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names.filter((n) => !n.startsWith('.') && n !== 'node_modules' && isDir(join(dir, n))).map((n) => join(dir, n));
}

/**
 * The claims of the plugin packages in `dirs`: a `switchyard.commands` declaration in a
 * package.json, and the `commands` of each `definePlugin({ name, commands })` call in src/
 * whose IDs are written as numbers.
 */
export function scanClaims(dirs: readonly string[], base: string): KnownClaim[] {
  const out: KnownClaim[] = [];
  for (const dir of dirs) {
    const pkgPath = join(dir, 'package.json');
    const pkg = readJson(pkgPath) as { name?: unknown; switchyard?: { plugin?: unknown; commands?: unknown } } | undefined;
    const declared = pkg?.switchyard;
    if (declared !== undefined && declared.commands !== undefined) {
      const owner = typeof declared.plugin === 'string' ? declared.plugin : typeof pkg?.name === 'string' ? pkg.name : relative(base, dir);
      for (const r of rangesOf(declared.commands)) out.push({ owner, ...r, where: relative(base, pkgPath) });
    }
    const sources = sourceFiles(join(dir, 'src'), 4).map((file) => ({ file, text: readFileSync(file, 'utf8') }));
    const constants = (name: string) => {
      for (const { text } of sources) {
        const ranges = constantRanges(text, name);
        if (ranges !== undefined) return ranges;
      }
      return [];
    };
    for (const { file, text } of sources) {
      for (const call of definePluginCalls(text, constants)) {
        for (const r of call.ranges) out.push({ owner: call.name ?? relative(base, dir), ...r, where: relative(base, file) });
      }
    }
  }
  return out;
}

/** A plugin name some package in `dirs` uses, and the file that says so (relative to `base`). */
export interface KnownName {
  readonly name: string;
  readonly where: string;
}

/**
 * The plugin names used by the packages in `dirs`: `"switchyard": { "plugin" }` in a
 * package.json and the `name` of each `definePlugin({ name: '…' })` call in src/.
 */
export function scanPluginNames(dirs: readonly string[], base: string): KnownName[] {
  const out: KnownName[] = [];
  for (const dir of dirs) {
    const pkgPath = join(dir, 'package.json');
    const plugin = (readJson(pkgPath) as { switchyard?: { plugin?: unknown } } | undefined)?.switchyard?.plugin;
    if (typeof plugin === 'string') out.push({ name: plugin, where: relative(base, pkgPath) });
    for (const file of sourceFiles(join(dir, 'src'), 4)) {
      const text = readFileSync(file, 'utf8');
      const re = /definePlugin\s*\(\s*\{/g;
      for (let m = re.exec(text); m !== null; m = re.exec(text)) {
        const name = /\bname\s*:\s*(['"`])([^'"`]+)\1/.exec(text.slice(m.index, m.index + 2000))?.[2];
        if (name !== undefined) out.push({ name, where: relative(base, file) });
      }
    }
  }
  return out;
}

/** `{ first, last }`, `[ids]`, or "300-309" as ranges of consecutive IDs. */
function rangesOf(spec: unknown): { first: number; last: number }[] {
  if (typeof spec === 'string') {
    const m = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(spec);
    return m ? [{ first: Number(m[1]), last: Number(m[2] ?? m[1]) }] : [];
  }
  if (Array.isArray(spec)) return toRanges(spec.filter((n): n is number => Number.isInteger(n)));
  if (typeof spec === 'object' && spec !== null) {
    const { first, last } = spec as { first?: unknown; last?: unknown };
    if (Number.isInteger(first) && Number.isInteger(last)) return [{ first: first as number, last: last as number }];
  }
  return [];
}

function toRanges(ids: number[]): { first: number; last: number }[] {
  const sorted = [...new Set(ids)].sort((a, b) => a - b);
  const out: { first: number; last: number }[] = [];
  for (const id of sorted) {
    const lastRange = out[out.length - 1];
    if (lastRange !== undefined && lastRange.last + 1 === id) lastRange.last = id;
    else out.push({ first: id, last: id });
  }
  return out;
}

type Ranges = { first: number; last: number }[];

/**
 * A light reading of `definePlugin({ name: '…', commands: … })` calls: `commands` written as
 * `{ first: N, last: M }`, `[ids]`, or the name of a constant that `constants` can resolve.
 */
function definePluginCalls(text: string, constants: (name: string) => Ranges): { name: string | undefined; ranges: Ranges }[] {
  const out: { name: string | undefined; ranges: Ranges }[] = [];
  const re = /definePlugin\s*\(\s*\{/g;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    const body = text.slice(m.index, m.index + 2000);
    const name = /\bname\s*:\s*(['"`])([^'"`]+)\1/.exec(body)?.[2];
    const spec = /\bcommands\s*:\s*(\{[^}]*\}|\[[^\]]*\]|[A-Za-z_$][\w$]*)/.exec(body)?.[1];
    if (spec === undefined) continue;
    const ranges = /^[A-Za-z_$]/.test(spec) ? constants(spec) : literalRanges(spec);
    if (ranges !== undefined && ranges.length > 0) out.push({ name, ranges });
  }
  return out;
}

/** `{ first: N, last: M }` or `[a, b, …]` as written in source. */
function literalRanges(spec: string): Ranges | undefined {
  const range = /^\{\s*first\s*:\s*(\d+)\s*,\s*last\s*:\s*(\d+)\s*,?\s*\}$/.exec(spec);
  if (range) return [{ first: Number(range[1]), last: Number(range[2]) }];
  const list = /^\[([\d\s,]*)\]$/.exec(spec);
  if (list) return toRanges(list[1]!.split(',').map((s) => Number(s.trim())).filter((n) => Number.isInteger(n) && n > 0));
  return undefined;
}

/** The ranges of `const NAME = { first, last }` (or a list) in `text`, if it declares one. */
function constantRanges(text: string, name: string): Ranges | undefined {
  const escaped = name.replace(/\$/g, '\\$');
  const m = new RegExp(`\\b(?:const|let|var)\\s+${escaped}\\b[^=]*=\\s*(\\{[^}]*\\}|\\[[^\\]]*\\])`).exec(text);
  return m ? literalRanges(m[1]!) : undefined;
}

function sourceFiles(dir: string, depth: number): string[] {
  if (depth < 0) return [];
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const n of names) {
    const p = join(dir, n);
    if (isDir(p)) {
      if (n !== 'node_modules' && !n.startsWith('.')) out.push(...sourceFiles(p, depth - 1));
    } else if (/\.(?:[cm]?ts|[cm]?js)$/.test(n) && !n.endsWith('.d.ts')) {
      out.push(p);
    }
  }
  return out;
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

export function readJson(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
