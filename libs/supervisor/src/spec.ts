import { checkKeys, describeValue, intOption, oneOf, boolOption, OptionError } from '@switchyard/errors';
import type { AnyProcessFn, ChildSpec, ChildType, DynamicSupervisorSpec, RestartType, Shutdown, Strategy, SupervisorSpec } from './types.js';

/** A child spec after validation, with every default filled in. */
export interface NormalChild {
  readonly id: string | undefined;
  readonly fn: AnyProcessFn | undefined;
  /** Set when the child is a process registered by name. */
  readonly process: string | undefined;
  readonly args: readonly unknown[];
  readonly restart: RestartType;
  readonly shutdown: Shutdown;
  readonly type: ChildType;
  readonly name: string | undefined;
  readonly awaitReady: boolean;
}

export interface NormalSpec {
  readonly strategy: Strategy | 'dynamic';
  readonly children: readonly NormalChild[];
  /** The template of a dynamic supervisor (args come with each startChild). */
  readonly template: NormalChild | undefined;
  readonly maxChildren: number;
  readonly maxRestarts: number;
  readonly periodMs: number;
  readonly name: string | undefined;
}

const BAD_CHILD = 'BAD_CHILD_SPEC';
const BAD_SUP = 'BAD_SUPERVISOR_SPEC';
const RESTARTS: readonly RestartType[] = ['permanent', 'transient', 'temporary'];
const TYPES: readonly ChildType[] = ['worker', 'supervisor'];
const STRATEGIES: readonly (Strategy | 'dynamic')[] = ['one_for_one', 'one_for_all', 'rest_for_one', 'dynamic'];
const CHILD_KEYS = ['id', 'start', 'restart', 'shutdown', 'type', 'name', 'awaitReady'];
const TEMPLATE_KEYS = ['start', 'restart', 'shutdown', 'type', 'awaitReady'];

function nameOption(where: string, o: Record<string, unknown>, key: string, code: string): string | undefined {
  const v = o[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || v === '') throw new OptionError(where, key, `must be a non-empty string, got ${describeValue(v)}`, code);
  return v;
}

function shutdownOption(where: string, o: Record<string, unknown>, type: ChildType): Shutdown {
  const v = o.shutdown;
  if (v === undefined) return type === 'supervisor' ? 'infinity' : 5000;
  if (v === 'brutal' || v === 'infinity') return v;
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0) return v;
  throw new OptionError(where, 'shutdown', `must be ms (an integer >= 0), "brutal" or "infinity", got ${describeValue(v)}`, BAD_CHILD);
}

function isFn(v: unknown): v is AnyProcessFn {
  return typeof v === 'function';
}

function startOption(where: string, v: unknown, dynamic: boolean): { fn: AnyProcessFn | undefined; process: string | undefined; args: readonly unknown[] } {
  if (isFn(v)) return { fn: v, process: undefined, args: [] };
  if (typeof v === 'object' && v !== null) {
    const s = v as { fn?: unknown; process?: unknown; args?: unknown };
    const known = dynamic ? ['process'] : ['fn', 'process', 'args'];
    checkKeys(`${where} start`, v, known, BAD_CHILD);
    const args = s.args ?? [];
    if (!Array.isArray(args)) throw new OptionError(where, 'start.args', `must be an array, got ${describeValue(args)}`, BAD_CHILD);
    if (s.fn !== undefined && s.process !== undefined) throw new OptionError(where, 'start', 'takes fn or process, not both', BAD_CHILD);
    if (isFn(s.fn)) return { fn: s.fn, process: undefined, args };
    if (typeof s.process === 'string' && s.process !== '') return { fn: undefined, process: s.process, args };
  }
  throw new OptionError(
    where,
    'start',
    `must be a process function, { fn, args? } or { process: "registered.name", args? }, got ${describeValue(v)}`,
    BAD_CHILD,
  );
}

function normalChild(where: string, spec: unknown, dynamic: boolean): NormalChild {
  const o = checkKeys(where, spec, dynamic ? TEMPLATE_KEYS : CHILD_KEYS, BAD_CHILD);
  if (spec === undefined) throw new OptionError(where, 'spec', 'is missing', BAD_CHILD);
  const id = dynamic ? undefined : nameOption(where, o, 'id', BAD_CHILD);
  if (!dynamic && id === undefined) throw new OptionError(where, 'id', 'is required (a non-empty string)', BAD_CHILD);
  const w = id === undefined ? where : `child "${id}"`;
  const start = startOption(w, o.start, dynamic);
  const type = oneOf(w, o, 'type', TYPES, 'worker', BAD_CHILD);
  return {
    id,
    fn: start.fn,
    process: start.process,
    args: start.args,
    restart: oneOf(w, o, 'restart', RESTARTS, 'permanent', BAD_CHILD),
    shutdown: shutdownOption(w, o, type),
    type,
    name: dynamic ? undefined : nameOption(w, o, 'name', BAD_CHILD),
    awaitReady: boolOption(w, o, 'awaitReady', false, BAD_CHILD),
  };
}

/** Validate a child spec given to startChild (the same rules as in a supervisor spec). */
export function normalizeChild(spec: ChildSpec): NormalChild {
  return normalChild('child spec', spec, false);
}

export function normalizeSpec(spec: SupervisorSpec | DynamicSupervisorSpec<never>, where = 'supervisor spec'): NormalSpec {
  const o = checkKeys(where, spec, ['strategy', 'children', 'child', 'maxChildren', 'maxRestarts', 'periodMs', 'name'], BAD_SUP);
  if (spec === undefined) throw new OptionError(where, 'spec', 'is missing', BAD_SUP);
  const strategy = oneOf(where, o, 'strategy', STRATEGIES, 'one_for_one', BAD_SUP);
  const maxRestarts = intOption(where, o, 'maxRestarts', 1, { min: 0, infinite: true }, BAD_SUP);
  const periodMs = intOption(where, o, 'periodMs', 5000, { min: 1 }, BAD_SUP);
  const name = nameOption(where, o, 'name', BAD_SUP);
  if (strategy === 'dynamic') {
    if (o.children !== undefined) throw new OptionError(where, 'children', 'is for static strategies; a dynamic supervisor takes one "child" spec', BAD_SUP);
    if (o.child === undefined) throw new OptionError(where, 'child', 'is required for strategy "dynamic" (the spec every child is started from)', BAD_SUP);
    return {
      strategy,
      children: [],
      template: normalChild(`${where} child`, o.child, true),
      maxChildren: intOption(where, o, 'maxChildren', Infinity, { min: 0, infinite: true }, BAD_SUP),
      maxRestarts,
      periodMs,
      name,
    };
  }
  if (o.child !== undefined) throw new OptionError(where, 'child', `is for strategy "dynamic"; strategy "${strategy}" takes "children"`, BAD_SUP);
  if (o.maxChildren !== undefined) throw new OptionError(where, 'maxChildren', `is for strategy "dynamic", not "${strategy}"`, BAD_SUP);
  if (!Array.isArray(o.children)) throw new OptionError(where, 'children', `must be an array of child specs, got ${describeValue(o.children)}`, BAD_SUP);
  const children = (o.children as unknown[]).map((c, i) => normalChild(`${where} children[${i}]`, c, false));
  const seen = new Set<string>();
  for (const c of children) {
    if (seen.has(c.id!)) throw new OptionError(where, 'children', `has two children with id "${c.id}"`, BAD_SUP);
    seen.add(c.id!);
  }
  return { strategy, children, template: undefined, maxChildren: Infinity, maxRestarts, periodMs, name };
}
