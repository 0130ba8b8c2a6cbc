import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/** Value imports between the files of one package's src (type-only imports are erased and do not count). */
function graph(src: string): Map<string, string[]> {
  const g = new Map<string, string[]>();
  for (const f of readdirSync(src).filter((n) => n.endsWith('.ts'))) {
    const text = readFileSync(join(src, f), 'utf8');
    const deps: string[] = [];
    for (const m of text.matchAll(/^import\s+(type\s+)?[^;]*?from\s+'\.\/([\w-]+)\.js';/gms)) {
      if (m[1] === undefined) deps.push(`${m[2]}.ts`);
    }
    for (const m of text.matchAll(/^export\s+(type\s+)?[^;]*?from\s+'\.\/([\w-]+)\.js';/gms)) {
      if (m[1] === undefined) deps.push(`${m[2]}.ts`);
    }
    g.set(f, deps);
  }
  return g;
}

function cycles(g: Map<string, string[]>): string[] {
  const found: string[] = [];
  const state = new Map<string, number>();
  const path: string[] = [];
  const visit = (n: string) => {
    state.set(n, 1);
    path.push(n);
    for (const d of g.get(n) ?? []) {
      if (state.get(d) === 1) found.push([...path.slice(path.indexOf(d)), d].join(' -> '));
      else if (state.get(d) === undefined) visit(d);
    }
    path.pop();
    state.set(n, 2);
  };
  for (const n of g.keys()) if (state.get(n) === undefined) visit(n);
  return found;
}

describe('module shape', () => {
  it.each(['runtime', 'statemachine'])('libs/%s/src has no import cycles', (lib) => {
    const g = graph(join(import.meta.dirname, '..', '..', lib, 'src'));
    expect(g.size).toBeGreaterThan(3);
    expect(cycles(g)).toEqual([]);
  });

  it('the cycle finder finds a cycle', () => {
    expect(cycles(new Map([['a.ts', ['b.ts']], ['b.ts', ['a.ts']]]))).toEqual(['a.ts -> b.ts -> a.ts']);
  });
});
