import { describeValue } from '@switchyard/errors';
import type { AsyncFunction, GeneratorFunction } from './commands.js';
import { FunctionError } from './errors.js';

const DEF = Symbol('switchyard.function');

/** Any function the registry accepts: async (or plain) `(ctx, input) => output`, or a generator function. */
export type AnyFunction = AsyncFunction<never, unknown> | GeneratorFunction<never, unknown>;

export interface FunctionSettings {
  /** Every one of these scopes is required of the caller's principal (FORBIDDEN otherwise). */
  scopes?: readonly string[];
}

/** A function with settings, made by `defineFunction`. */
export interface FunctionDef<F extends AnyFunction = AnyFunction> {
  readonly [DEF]: true;
  readonly fn: F;
  readonly scopes: readonly string[];
}

/** Names map to functions, definitions, or nested groups (`{ billing: { charge } }` is "billing.charge"). */
export interface FunctionTree {
  readonly [name: string]: AnyFunction | FunctionDef | FunctionTree;
}

/** A function with settings: `defineFunction(charge, { scopes: ['billing:write'] })`. */
export function defineFunction<F extends AnyFunction>(fn: F, settings: FunctionSettings = {}): FunctionDef<F> {
  if (typeof fn !== 'function') throw new FunctionError('FUNCTION_BAD_ARGUMENT', `defineFunction(): expected a function, got ${describeValue(fn)}`);
  const scopes = settings.scopes ?? [];
  if (!Array.isArray(scopes) || scopes.some((s) => typeof s !== 'string' || s === '')) {
    throw new FunctionError('FUNCTION_BAD_ARGUMENT', `defineFunction(${fn.name || 'fn'}): scopes must be an array of non-empty strings`);
  }
  return Object.freeze({ [DEF]: true as const, fn, scopes: Object.freeze([...scopes]) });
}

export interface RegisteredFunction {
  readonly name: string;
  readonly generator: boolean;
  readonly fn: AnyFunction;
  readonly scopes: readonly string[];
  /** Where it was given, e.g. `functions.billing.charge`. */
  readonly source: string;
}

const SEGMENT = /^[A-Za-z_][A-Za-z0-9_-]*$/;

function isGeneratorFunction(fn: AnyFunction): boolean {
  return Object.prototype.toString.call(fn) === '[object GeneratorFunction]';
}

function isDef(v: unknown): v is FunctionDef {
  return typeof v === 'object' && v !== null && (v as { [DEF]?: unknown })[DEF] === true;
}

function sourceOf(parent: string, key: string): string {
  return SEGMENT.test(key) ? `${parent}.${key}` : `${parent}[${JSON.stringify(key)}]`;
}

/**
 * Flatten the `functions` option (a tree, or a list of trees) into name → function.
 * A name defined twice fails, naming both places; so does a name that is not dotted segments.
 */
export function buildRegistry(functions: unknown): Map<string, RegisteredFunction> {
  const out = new Map<string, RegisteredFunction>();
  const add = (name: string, value: AnyFunction | FunctionDef, source: string) => {
    const segments = name.split('.');
    if (!segments.every((s) => SEGMENT.test(s))) {
      throw new FunctionError('FUNCTION_BAD_NAME', `function name ${JSON.stringify(name)} (${source}) must be dot-separated segments of letters, digits, "_" or "-", each starting with a letter or "_"`, { function: name });
    }
    const previous = out.get(name);
    if (previous !== undefined) {
      throw new FunctionError('FUNCTION_DUPLICATE', `function "${name}" is defined twice: at ${previous.source} and at ${source}`, {
        function: name,
        sources: [previous.source, source],
      });
    }
    const fn = isDef(value) ? value.fn : value;
    out.set(name, Object.freeze({ name, generator: isGeneratorFunction(fn), fn, scopes: isDef(value) ? value.scopes : [], source }));
  };
  const visit = (tree: unknown, prefix: string, source: string) => {
    if (typeof tree !== 'object' || tree === null || Array.isArray(tree) || isDef(tree)) {
      throw new FunctionError('FUNCTION_BAD_ARGUMENT', `${source} must be an object of functions, got ${describeValue(tree)}`);
    }
    for (const [key, value] of Object.entries(tree)) {
      const name = prefix === '' ? key : `${prefix}.${key}`;
      const at = sourceOf(source, key);
      if (typeof value === 'function' || isDef(value)) add(name, value as AnyFunction | FunctionDef, at);
      else if (typeof value === 'object' && value !== null && !Array.isArray(value)) visit(value, name, at);
      else throw new FunctionError('FUNCTION_BAD_ARGUMENT', `${at} must be a function, a defineFunction() or a group of them, got ${describeValue(value)}`, { function: name });
    }
  };
  if (Array.isArray(functions)) functions.forEach((tree, i) => visit(tree, '', `functions[${i}]`));
  else if (functions !== undefined) visit(functions, '', 'functions');
  return out;
}
