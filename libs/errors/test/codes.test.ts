import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..', '..');

function* sources(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist') continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* sources(path);
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) yield path;
  }
}

/** Every error code a package's source defines: the first argument of an error constructor or super call. */
function codesByPackage(): Map<string, Map<string, string>> {
  const out = new Map<string, Map<string, string>>();
  for (const top of ['libs', 'plugins', 'examples', 'tools']) {
    for (const pkg of readdirSync(join(root, top))) {
      const src = join(root, top, pkg, 'src');
      try {
        statSync(src);
      } catch {
        continue;
      }
      const codes = new Map<string, string>();
      for (const file of sources(src)) {
        const text = readFileSync(file, 'utf8');
        for (const m of text.matchAll(/(?:super|new [A-Z]\w*Error)\(\s*'([A-Z][A-Z0-9_]{2,})'/g)) {
          if (!codes.has(m[1]!)) codes.set(m[1]!, relative(root, file));
        }
      }
      out.set(`${top}/${pkg}`, codes);
    }
  }
  return out;
}

describe('error codes', () => {
  it('no two packages define the same code', () => {
    const seen = new Map<string, string>();
    const clashes: string[] = [];
    for (const [pkg, codes] of codesByPackage()) {
      for (const [code, file] of codes) {
        const other = seen.get(code);
        if (other !== undefined && !other.startsWith(`${pkg}/`)) clashes.push(`${code}: ${other} and ${file}`);
        else seen.set(code, file);
      }
    }
    expect(clashes).toEqual([]);
    // The scan really finds codes: the kernel's own are among them.
    expect(seen.get('NOT_OWNER')).toMatch(/libs\/runtime\/src/);
    expect(seen.get('COMMAND_COLLISION')).toMatch(/libs\/dispatcher\/src/);
  });
});
