import { intOption, checkKeys } from '@switchyard/errors';

/** A JSON tree: what `encodeValue` returns and `decodeValue` takes. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** The key that marks a tag object. A user object with this key travels inside an `obj` tag. */
export const TAG = '$sy';

/** The tag names (the string under `"$sy"`). */
export const Tags = Object.freeze({
  undefined: 'u',
  number: 'num',
  bigint: 'big',
  bytes: 'bin',
  date: 'date',
  map: 'map',
  set: 'set',
  object: 'obj',
  error: 'err',
} as const);

export interface CodecOptions {
  /**
   * Deepest nesting of containers (arrays, objects, Maps, Sets, errors) in the value; the root
   * container is depth 1. Default 256, at most 2048. Tags do not count, so whatever encodes
   * under a limit decodes under the same limit.
   */
  maxDepth?: number;
}

export const DEFAULT_MAX_DEPTH = 256;

/**
 * The most decimal digits a bigint may have on the wire. Parsing decimal digits into a bigint
 * takes time quadratic in their number (about a second for a million), so a reader must bound it.
 */
export const MAX_BIGINT_DIGITS = 10_000;

export function maxDepthOf(options: CodecOptions | undefined, where: string): number {
  if (options === undefined) return DEFAULT_MAX_DEPTH;
  const o = checkKeys(where, options, ['maxDepth']);
  return intOption(where, o, 'maxDepth', DEFAULT_MAX_DEPTH, { min: 1, max: 2048 });
}

/** A step of a path: an object key, an array index, or a Map/Set position. */
export type Segment = string | number | { readonly entry: 'keys' | 'values'; readonly index: number };

const IDENT = /^[A-Za-z_$][\w$]*$/;

/** `$`, then `.key`, `["odd key"]`, `[3]`, `.keys()[0]`, `.values()[2]`. */
export function formatPath(segments: readonly Segment[]): string {
  let out = '$';
  for (const s of segments) {
    if (typeof s === 'number') out += `[${s}]`;
    else if (typeof s === 'string') out += IDENT.test(s) ? `.${s}` : `[${JSON.stringify(s)}]`;
    else out += `.${s.entry}()[${s.index}]`;
  }
  return out;
}

/** A path for a message: a very deep one is cut in the middle (the `path` field keeps it whole). */
export function shortPath(path: string): string {
  return path.length <= 120 ? path : `${path.slice(0, 60)}…${path.slice(-50)}`;
}

/**
 * Thrown inside a walk and caught by each container on the way out, which adds its step;
 * the outermost call turns it into a CodecError with the whole path. Keeping the path out of
 * the hot loop costs nothing until something fails.
 */
export class Fail {
  /** Innermost first. */
  readonly segments: Segment[] = [];
  constructor(
    readonly code: 'CODEC_UNSUPPORTED' | 'CODEC_MALFORMED' | 'CODEC_TOO_DEEP',
    readonly kind: 'function' | 'symbol' | 'instance' | 'cycle' | 'depth' | 'size' | 'malformed',
    readonly reason: string,
    /** For a cycle: the depth (number of steps from the root) of the container it goes back to. */
    readonly backTo?: number,
    readonly cause?: unknown,
  ) {}
}

/** An own property set without ever touching a prototype (the key may be `__proto__`). */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

/** A plain object: made by `{}`, `Object.create(null)`, or another realm's `{}`. */
export function isPlainObject(v: object): boolean {
  const proto: unknown = Object.getPrototypeOf(v);
  if (proto === Object.prototype || proto === null) return true;
  return Object.getPrototypeOf(proto) === null && (proto as { constructor?: { name?: unknown } }).constructor?.name === 'Object';
}
