import { describe, expect, it } from 'vitest';
import { Boot, BootError, bootLevels, defineComponent, type Component } from '@switchyard/boot';

const c = (name: string, ...dependsOn: string[]): Component => defineComponent({ name, dependsOn });

function names(levels: readonly (readonly Component[])[]): string[][] {
  return levels.map((l) => l.map((x) => x.name));
}

function permutations<T>(xs: readonly T[]): T[][] {
  if (xs.length <= 1) return [[...xs]];
  const out: T[][] = [];
  xs.forEach((x, i) => {
    for (const rest of permutations([...xs.slice(0, i), ...xs.slice(i + 1)])) out.push([x, ...rest]);
  });
  return out;
}

function bootError(fn: () => unknown): BootError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(BootError);
    return e as BootError;
  }
  throw new Error('expected a throw');
}

describe('boot order', () => {
  const app = [c('web', 'api'), c('worker', 'db'), c('api', 'db', 'cache'), c('db'), c('cache'), c('metrics')];

  it('groups components in dependency levels, alphabetical within a level', () => {
    expect(names(bootLevels(app))).toEqual([['cache', 'db', 'metrics'], ['api', 'worker'], ['web']]);
  });

  it('a component sits in the level after its deepest dependency, not earlier', () => {
    // "b" is free of dependencies but "z" waits for "y", which waits for "x".
    expect(names(bootLevels([c('z', 'y', 'b'), c('y', 'x'), c('x'), c('b')]))).toEqual([['b', 'x'], ['y'], ['z']]);
  });

  it('gives the same order for every input order', () => {
    const small = [c('web', 'api'), c('api', 'db', 'cache'), c('db'), c('cache'), c('metrics')];
    const expected = ['cache', 'db', 'metrics', 'api', 'web'];
    const perms = permutations(small);
    expect(perms).toHaveLength(120);
    for (const p of perms) expect(new Boot(p).order.map((x) => x.name)).toEqual(expected);
  });

  it('Boot exposes the levels and the flattened order', () => {
    const boot = new Boot(app);
    expect(names(boot.levels)).toEqual([['cache', 'db', 'metrics'], ['api', 'worker'], ['web']]);
    expect(boot.order.map((x) => x.name)).toEqual(['cache', 'db', 'metrics', 'api', 'worker', 'web']);
  });

  it('a dependency listed twice counts once', () => {
    expect(names(bootLevels([c('api', 'db', 'db'), c('db')]))).toEqual([['db'], ['api']]);
  });

  it('no components boot in no levels', () => {
    expect(bootLevels([])).toEqual([]);
  });

  it('refuses a duplicate name, naming it', () => {
    const e = bootError(() => bootLevels([c('db'), c('api', 'db'), c('db')]));
    expect(e.code).toBe('DUPLICATE_COMPONENT');
    expect(e.message).toBe('component "db" is registered twice');
  });

  it('refuses a missing dependency, naming both components', () => {
    const e = bootError(() => new Boot([c('sql.pool.other'), c('dispatcher.sql', 'sql.pool')]));
    expect(e.code).toBe('MISSING_DEPENDENCY');
    expect(e.message).toBe('"dispatcher.sql" depends on "sql.pool", which is not registered');
  });

  it('refuses a two-component cycle with its path', () => {
    const e = bootError(() => bootLevels([c('b', 'a'), c('a', 'b')]));
    expect(e.code).toBe('DEPENDENCY_CYCLE');
    expect(e.message).toBe('dependency cycle: "a" -> "b" -> "a"');
  });

  it('names the cycle, not the components that merely wait on it', () => {
    const e = bootError(() => bootLevels([c('app', 'x'), c('x', 'y'), c('y', 'z'), c('z', 'x'), c('db')]));
    expect(e.message).toBe('dependency cycle: "x" -> "y" -> "z" -> "x"');
  });

  it('refuses a component that depends on itself', () => {
    const e = bootError(() => bootLevels([c('a', 'a')]));
    expect(e.code).toBe('DEPENDENCY_CYCLE');
    expect(e.message).toBe('dependency cycle: "a" -> "a"');
  });

  it('reports the same cycle for every input order', () => {
    const comps = [c('c', 'a'), c('b', 'c'), c('a', 'b'), c('d')];
    const messages = new Set(permutations(comps).map((p) => bootError(() => bootLevels(p)).message));
    expect([...messages]).toEqual(['dependency cycle: "a" -> "b" -> "c" -> "a"']);
  });
});
