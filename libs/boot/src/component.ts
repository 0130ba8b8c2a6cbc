import type { BootContext } from './context.js';
import { BootError } from './errors.js';

type MaybePromise<T> = T | Promise<T>;

export interface Component {
  readonly name: string;
  readonly dependsOn: readonly string[];
  /** Returns the context for the components that follow (or nothing to pass it on unchanged). */
  readonly load?: (ctx: BootContext) => MaybePromise<BootContext | void>;
  readonly start?: (ctx: BootContext) => MaybePromise<void>;
  readonly stop?: (ctx: BootContext) => MaybePromise<void>;
}

export interface ComponentSpec {
  name: string;
  dependsOn?: readonly string[];
  load?: (ctx: BootContext) => MaybePromise<BootContext | void>;
  start?: (ctx: BootContext) => MaybePromise<void>;
  stop?: (ctx: BootContext) => MaybePromise<void>;
}

export function defineComponent(spec: ComponentSpec): Component {
  if (typeof spec?.name !== 'string' || spec.name.length === 0) {
    throw new BootError('BAD_COMPONENT', `a component needs a non-empty string name, got ${JSON.stringify(spec?.name)}`);
  }
  const dependsOn = spec.dependsOn ?? [];
  if (!Array.isArray(dependsOn) || dependsOn.some((d) => typeof d !== 'string')) {
    throw new BootError('BAD_COMPONENT', `"${spec.name}": dependsOn must be an array of component names`);
  }
  for (const hook of ['load', 'start', 'stop'] as const) {
    if (spec[hook] !== undefined && typeof spec[hook] !== 'function') {
      throw new BootError('BAD_COMPONENT', `"${spec.name}": ${hook} must be a function`);
    }
  }
  return Object.freeze({ ...spec, dependsOn: Object.freeze([...dependsOn]) });
}

/**
 * Dependency levels by Kahn's algorithm, alphabetical within a level, so every run boots
 * in the same order. Throws on duplicate names, missing dependencies and cycles.
 */
export function bootLevels(components: readonly Component[]): Component[][] {
  const byName = new Map<string, Component>();
  for (const c of components) {
    if (byName.has(c.name)) throw new BootError('DUPLICATE_COMPONENT', `component "${c.name}" is registered twice`, { component: c.name });
    byName.set(c.name, c);
  }
  for (const c of components) {
    for (const d of c.dependsOn) {
      if (!byName.has(d)) {
        throw new BootError('MISSING_DEPENDENCY', `"${c.name}" depends on "${d}", which is not registered`, { component: c.name, dependency: d });
      }
    }
  }
  const indegree = new Map<string, number>();
  const dependents = new Map<string, string[]>();
  for (const c of components) {
    indegree.set(c.name, new Set(c.dependsOn).size);
    for (const d of new Set(c.dependsOn)) {
      let list = dependents.get(d);
      if (list === undefined) dependents.set(d, (list = []));
      list.push(c.name);
    }
  }
  const levels: Component[][] = [];
  let current = components.filter((c) => indegree.get(c.name) === 0).map((c) => c.name);
  let placed = 0;
  while (current.length > 0) {
    current.sort();
    levels.push(current.map((n) => byName.get(n)!));
    placed += current.length;
    const next: string[] = [];
    for (const n of current) {
      for (const dep of dependents.get(n) ?? []) {
        const left = indegree.get(dep)! - 1;
        indegree.set(dep, left);
        if (left === 0) next.push(dep);
      }
    }
    current = next;
  }
  if (placed < components.length) {
    const path = findCycle(components.filter((c) => indegree.get(c.name)! > 0), byName);
    throw new BootError('DEPENDENCY_CYCLE', `dependency cycle: ${path.map((n) => `"${n}"`).join(' -> ')}`, { cycle: path, component: path[0] });
  }
  return levels;
}

function findCycle(remaining: readonly Component[], byName: Map<string, Component>): string[] {
  const names = remaining.map((c) => c.name).sort();
  const state = new Map<string, 1 | 2>();
  const stack: string[] = [];
  const visit = (n: string): string[] | undefined => {
    state.set(n, 1);
    stack.push(n);
    for (const d of [...byName.get(n)!.dependsOn].sort()) {
      if (state.get(d) === 1) return [...stack.slice(stack.indexOf(d)), d];
      if (state.get(d) === undefined) {
        const found = visit(d);
        if (found) return found;
      }
    }
    stack.pop();
    state.set(n, 2);
    return undefined;
  };
  for (const n of names) {
    if (state.get(n) === undefined) {
      const found = visit(n);
      if (found) return found;
    }
  }
  return names;
}
