import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface Vector {
  readonly pattern: string;
  readonly input: string;
  readonly match: boolean;
  readonly wildcard_pkg_match?: boolean;
}

/** The repository root is the directory holding nx.json; the shared folder sits beside it. */
function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'nx.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('nx.json not found above the test directory');
    dir = up;
  }
  return dir;
}

/**
 * The vectors come from ../shared/conformance beside the checkout (the source of truth) and
 * fall back to the copy kept in test/conformance, so a clone without shared/ still checks them.
 */
export function loadVectors<T>(file: string): T {
  const shared = join(repoRoot(), '..', 'shared', 'conformance', file);
  const copy = join(dirname(fileURLToPath(import.meta.url)), 'conformance', file);
  return JSON.parse(readFileSync(existsSync(shared) ? shared : copy, 'utf8')) as T;
}

export interface ExtraVectors {
  readonly tested_with_provenance: Vector[];
  readonly derived_not_upstream_tested: Vector[];
  readonly lua_bridge_matchPattern_tested: Vector[];
  readonly lua_bridge_matchPattern_derived: Vector[];
}
