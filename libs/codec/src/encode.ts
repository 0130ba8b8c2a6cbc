import { describeValue } from '@switchyard/errors';
import { CodecError, RemoteError, type CodecFailureKind } from './errors.js';
import { Fail, TAG, Tags, MAX_BIGINT_DIGITS, formatPath, isPlainObject, maxDepthOf, setOwn, shortPath, type CodecOptions, type JsonValue, type Segment } from './wire.js';

interface EncodeState {
  readonly maxDepth: number;
  /** The containers being encoded, outermost first: a value found here again is a cycle. */
  readonly ancestors: object[];
}

const BIGGEST = 10n ** BigInt(MAX_BIGINT_DIGITS) - 1n;

/** Error keys carried in their own wire fields, never in `data`. */
const ERROR_OWN = new Set(['name', 'message', 'code', 'stack', 'cause']);

/** The wire text of `value`: JSON, with tags for what JSON cannot say. */
export function encode(value: unknown, options?: CodecOptions): string {
  const maxDepth = maxDepthOf(options, 'encode()');
  // Most values are plain JSON already: check without copying and let the native
  // serializer write them. Anything else (or a cycle, found here as "too deep") takes the full walk.
  if (isPureJson(value, maxDepth, 0)) return JSON.stringify(value);
  return JSON.stringify(walk(value, { maxDepth, ancestors: [] }));
}

/** The wire form of `value` as a JSON tree (a fresh one: it never shares objects with `value`). */
export function encodeValue(value: unknown, options?: CodecOptions): JsonValue {
  return walk(value, { maxDepth: maxDepthOf(options, 'encodeValue()'), ancestors: [] });
}

export type CanEncode =
  | { readonly ok: true }
  | { readonly ok: false; readonly code: CodecError['code']; readonly kind: CodecFailureKind; readonly path: string; readonly reason: string };

/** Whether `value` can be encoded, and if not where and why, as a result instead of a CodecError. */
export function canEncode(value: unknown, options?: CodecOptions): CanEncode {
  try {
    walk(value, { maxDepth: maxDepthOf(options, 'canEncode()'), ancestors: [] });
    return { ok: true };
  } catch (e) {
    if (!(e instanceof CodecError)) throw e;
    return { ok: false, code: e.code, kind: e.kind, path: e.path, reason: e.reason };
  }
}

function walk(value: unknown, st: EncodeState): JsonValue {
  try {
    return enc(value, st, 0);
  } catch (e) {
    if (e instanceof Fail) throw toCodecError(e, st.maxDepth);
    throw e;
  }
}

function isPureJson(v: unknown, maxDepth: number, depth: number): boolean {
  switch (typeof v) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(v) && !Object.is(v, -0);
    case 'object': {
      if (v === null) return true;
      if (depth >= maxDepth) return false;
      const proto: unknown = Object.getPrototypeOf(v);
      if (proto === Array.prototype) {
        const a = v as unknown[];
        for (let i = 0; i < a.length; i++) if (!isPureJson(a[i], maxDepth, depth + 1)) return false;
        return true;
      }
      if (proto !== Object.prototype) return false;
      const o = v as Record<string, unknown>;
      for (const k in o) {
        // for-in also walks inherited enumerable keys; Object.prototype has none unless patched,
        // and then the full walk (own keys only) decides.
        if (k === TAG || k === '__proto__' || !Object.hasOwn(o, k) || !isPureJson(o[k], maxDepth, depth + 1)) return false;
      }
      return true;
    }
    default:
      return false;
  }
}

// Literal keys (not `[TAG]`) so that every tag object shares one hidden class.
function tag(name: string, v?: JsonValue): JsonValue {
  return v === undefined ? { $sy: name } : { $sy: name, v };
}

function enc(v: unknown, st: EncodeState, depth: number): JsonValue {
  switch (typeof v) {
    case 'string':
    case 'boolean':
      return v;
    case 'number':
      if (Number.isFinite(v)) return Object.is(v, -0) ? tag(Tags.number, '-0') : v;
      return tag(Tags.number, Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity');
    case 'undefined':
      return tag(Tags.undefined);
    case 'bigint':
      if (v > BIGGEST || v < -BIGGEST) throw new Fail('CODEC_UNSUPPORTED', 'size', `a bigint of more than ${MAX_BIGINT_DIGITS} digits`);
      return tag(Tags.bigint, v.toString());
    case 'function':
      throw new Fail('CODEC_UNSUPPORTED', 'function', describeValue(v));
    case 'symbol':
      throw new Fail('CODEC_UNSUPPORTED', 'symbol', `a symbol (${v.toString()})`);
    default:
      return v === null ? null : encObject(v as object, st, depth);
  }
}

function encObject(v: object, st: EncodeState, depth: number): JsonValue {
  // Leaves first: they hold no references, so they need no cycle or depth check.
  if (v instanceof Date) {
    const t = v.getTime();
    return tag(Tags.date, Number.isNaN(t) ? null : v.toISOString());
  }
  if (v instanceof Uint8Array) return tag(Tags.bytes, Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64'));

  const kind = containerKind(v);
  if (kind === undefined) {
    const reason = Array.isArray(v) ? `a ${(v as { constructor?: { name?: string } }).constructor?.name ?? 'Array'} (a subclass of Array)` : describeValue(v);
    throw new Fail('CODEC_UNSUPPORTED', 'instance', reason);
  }
  if (depth >= st.maxDepth) throw new Fail('CODEC_TOO_DEEP', 'depth', `nesting deeper than ${st.maxDepth}`);
  const back = st.ancestors.indexOf(v);
  if (back >= 0) throw new Fail('CODEC_UNSUPPORTED', 'cycle', 'a cycle', back);
  st.ancestors.push(v);
  try {
    switch (kind) {
      case 'array':
        return encArray(v as unknown[], st, depth + 1);
      case 'object':
        return encPlain(v as Record<string, unknown>, st, depth + 1);
      case 'map':
        return encMap(v as Map<unknown, unknown>, st, depth + 1);
      case 'set':
        return encSet(v as Set<unknown>, st, depth + 1);
      case 'error':
        return encError(v as Error, st, depth + 1);
    }
  } finally {
    st.ancestors.pop();
  }
}

function containerKind(v: object): 'array' | 'object' | 'map' | 'set' | 'error' | undefined {
  if (Array.isArray(v)) {
    const proto: unknown = Object.getPrototypeOf(v);
    // Arrays of another realm are arrays too; subclasses of Array are class instances.
    return proto === Array.prototype || (proto as { constructor?: { name?: unknown } } | null)?.constructor?.name === 'Array' ? 'array' : undefined;
  }
  if (isPlainObject(v)) return 'object';
  if (v instanceof Map) return 'map';
  if (v instanceof Set) return 'set';
  if (v instanceof Error) return 'error';
  return undefined;
}

function encArray(a: readonly unknown[], st: EncodeState, depth: number): JsonValue {
  const out = new Array<JsonValue>(a.length);
  let i = 0;
  try {
    // A hole reads as undefined and travels as the undefined tag.
    for (; i < a.length; i++) out[i] = enc(a[i], st, depth);
  } catch (e) {
    if (e instanceof Fail) e.segments.push(i);
    throw e;
  }
  return out;
}

function encPlain(o: Record<string, unknown>, st: EncodeState, depth: number): JsonValue {
  const out: Record<string, JsonValue> = {};
  let escape = false;
  let key = '';
  try {
    for (key of Object.keys(o)) {
      if (key === TAG) escape = true;
      setOwn(out, key, enc(o[key], st, depth));
    }
  } catch (e) {
    if (e instanceof Fail) e.segments.push(key);
    throw e;
  }
  // A user object holding the tag key goes inside an `obj` tag, whose keys are taken literally.
  return escape ? tag(Tags.object, out) : out;
}

function encMap(m: Map<unknown, unknown>, st: EncodeState, depth: number): JsonValue {
  const out: JsonValue[] = [];
  let i = 0;
  let part: 'keys' | 'values' = 'keys';
  try {
    for (const [k, v] of m) {
      part = 'keys';
      const ek = enc(k, st, depth);
      part = 'values';
      out.push([ek, enc(v, st, depth)]);
      i++;
    }
  } catch (e) {
    if (e instanceof Fail) e.segments.push({ entry: part, index: i });
    throw e;
  }
  return tag(Tags.map, out);
}

function encSet(s: Set<unknown>, st: EncodeState, depth: number): JsonValue {
  const out: JsonValue[] = [];
  try {
    for (const v of s) out.push(enc(v, st, depth));
  } catch (e) {
    if (e instanceof Fail) e.segments.push({ entry: 'values', index: out.length });
    throw e;
  }
  return tag(Tags.set, out);
}

/**
 * Best effort: the error itself always travels; a field (or cause) the codec cannot carry is
 * left out and named in `omitted`, since failing here would lose the error being reported.
 */
function encError(e: Error, st: EncodeState, depth: number): JsonValue {
  const rawCode = (e as { code?: unknown }).code;
  const code = typeof rawCode === 'string' ? rawCode : typeof rawCode === 'number' || typeof rawCode === 'bigint' ? String(rawCode) : null;
  const data: Record<string, JsonValue> = {};
  const omitted = e instanceof RemoteError ? omittedBefore(e) : [];
  const fields = Object.keys(e);
  // AggregateError keeps its members in an own, non-enumerable `errors`.
  if (e instanceof AggregateError && !fields.includes('errors')) fields.push('errors');
  for (const key of fields) {
    if (ERROR_OWN.has(key)) continue;
    const r = tryEnc((e as unknown as Record<string, unknown>)[key], st, depth);
    if (r === omit) omitted.push(key);
    else setOwn(data, key, r);
  }
  const record: Record<string, JsonValue> = {
    name: typeof e.name === 'string' ? e.name : 'Error',
    message: typeof e.message === 'string' ? e.message : String(e.message),
    code,
    data,
  };
  if (Object.hasOwn(e, 'cause')) {
    const r = tryEnc(e.cause, st, depth);
    if (r === omit) omitted.push('cause');
    else record.cause = r;
  }
  if (omitted.length > 0) record.omitted = [...new Set(omitted)];
  return tag(Tags.error, record);
}

/** What a revived error's sender left out (a data field named `omitted` shadows the list). */
function omittedBefore(e: RemoteError): string[] {
  const d = Object.getOwnPropertyDescriptor(e, 'omitted');
  return d !== undefined && !d.enumerable && Array.isArray(d.value) ? d.value.filter((x): x is string => typeof x === 'string') : [];
}

const omit: unique symbol = Symbol('omit');

function tryEnc(v: unknown, st: EncodeState, depth: number): JsonValue | typeof omit {
  const mark = st.ancestors.length;
  try {
    return enc(v, st, depth);
  } catch (f) {
    if (!(f instanceof Fail)) throw f;
    st.ancestors.length = mark;
    return omit;
  }
}

const HINTS: Record<CodecFailureKind, string> = {
  function: 'functions stay on their node; send data, or register the process by name',
  symbol: 'symbols have no wire form',
  instance: 'the codec carries plain objects, arrays, Date, Map, Set, Uint8Array/Buffer and errors; convert it to one of these',
  cycle: 'the wire carries trees; break the cycle or send an identifier',
  depth: 'raise maxDepth or flatten the value',
  size: `a reader would spend time quadratic in its length; send it as a string or as bytes`,
  malformed: '',
};

function toCodecError(f: Fail, maxDepth: number): CodecError {
  const segments: Segment[] = f.segments.reverse();
  const path = formatPath(segments);
  const where = shortPath(path);
  let reason = f.reason;
  if (f.kind === 'cycle') reason = `a cycle back to ${formatPath(segments.slice(0, f.backTo))}`;
  const message =
    f.kind === 'depth'
      ? `codec: the value at ${where} is nested deeper than maxDepth (${maxDepth}); ${HINTS.depth}`
      : `codec: cannot encode ${reason} at ${where}: ${HINTS[f.kind]}`;
  return new CodecError(f.code, f.kind, path, reason, message);
}
