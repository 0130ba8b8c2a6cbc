import { StoreError } from './errors.js';

const MAX_DEPTH = 512;

function kind(v: unknown): string {
  if (v === undefined) return 'undefined';
  if (typeof v === 'number') return String(v);
  if (typeof v === 'bigint') return `a bigint (${v}n)`;
  if (typeof v === 'function') return 'a function';
  if (typeof v === 'symbol') return 'a symbol';
  const proto = Object.getPrototypeOf(v) as { constructor?: { name?: string } } | null;
  const name = proto?.constructor?.name;
  return name ? `a ${name}` : 'an object with an exotic prototype';
}

function pathOf(base: string, key: string | number): string {
  if (typeof key === 'number') return `${base}[${key}]`;
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key) ? `${base}.${key}` : `${base}[${JSON.stringify(key)}]`;
}

/** The path of the first part of `value` that is not JSON data, and what it is; undefined when all of it is. */
function findInvalid(value: unknown, path: string, depth: number, seen: Set<object>): string | undefined {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return undefined;
    case 'number':
      return Number.isFinite(value) ? undefined : `${path} is ${kind(value)} (only finite numbers)`;
    case 'object': {
      if (value === null) return undefined;
      if (depth > MAX_DEPTH) return `${path} is nested deeper than ${MAX_DEPTH} levels`;
      if (seen.has(value)) return `${path} is a reference back to an enclosing object (a cycle)`;
      if (Array.isArray(value)) {
        seen.add(value);
        for (let i = 0; i < value.length; i++) {
          if (!(i in value)) return `${pathOf(path, i)} is a hole in a sparse array`;
          const bad = findInvalid(value[i], pathOf(path, i), depth + 1, seen);
          if (bad !== undefined) return bad;
        }
        seen.delete(value);
        return undefined;
      }
      const proto = Object.getPrototypeOf(value) as unknown;
      if (proto !== Object.prototype && proto !== null) return `${path} is ${kind(value)} (only plain objects and arrays)`;
      if (Object.getOwnPropertySymbols(value).length > 0) return `${path} has symbol keys`;
      seen.add(value);
      for (const k of Object.keys(value)) {
        const bad = findInvalid((value as Record<string, unknown>)[k], pathOf(path, k), depth + 1, seen);
        if (bad !== undefined) return bad;
      }
      seen.delete(value);
      return undefined;
    }
    default:
      return `${path} is ${kind(value)}`;
  }
}

/**
 * Validate and serialise a value. JSON.stringify alone would silently drop undefined and
 * functions, turn NaN into null and Dates into strings: a value read back would differ from the
 * value written. Those are refused instead, with the key and the path of the offending part.
 */
export function encode(store: string, key: string, value: unknown): string {
  if (typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value)) || value === null) {
    return JSON.stringify(value);
  }
  const bad = findInvalid(value, '$', 0, new Set());
  if (bad !== undefined) {
    throw new StoreError('STORE_BAD_VALUE', `store "${store}": the value for key ${JSON.stringify(key)} is not JSON data: ${bad}`, { store, key });
  }
  return JSON.stringify(value);
}
