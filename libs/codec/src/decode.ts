import { describeValue } from '@switchyard/errors';
import { CodecError, RemoteError, type ErrorRecord } from './errors.js';
import { Fail, TAG, Tags, MAX_BIGINT_DIGITS, formatPath, isPlainObject, maxDepthOf, setOwn, shortPath, type CodecOptions, type JsonValue } from './wire.js';

/** The value whose wire text is `text`. */
export function decode(text: string, options?: CodecOptions): unknown {
  const maxDepth = maxDepthOf(options, 'decode()');
  if (typeof text !== 'string') throw malformedAt('$', `the input is ${describeValue(text)}, not a string`);
  let tree: unknown;
  try {
    tree = JSON.parse(text);
  } catch (e) {
    throw malformedAt('$', `not JSON (${(e as Error).message})`, e);
  }
  return run(tree, maxDepth);
}

/**
 * The value whose wire form is the JSON tree `json`. The tree is not changed; parts of it
 * that hold no tags are returned as they are, not copied.
 */
export function decodeValue(json: JsonValue, options?: CodecOptions): unknown {
  return run(json, maxDepthOf(options, 'decodeValue()'));
}

function run(tree: unknown, maxDepth: number): unknown {
  try {
    return dec(tree, maxDepth, 0);
  } catch (e) {
    if (!(e instanceof Fail)) throw e;
    const path = formatPath(e.segments.reverse());
    const where = shortPath(path);
    const message =
      e.kind === 'depth'
        ? `codec: the input at ${where} is nested deeper than maxDepth (${maxDepth})`
        : `codec: malformed input at ${where}: ${e.reason}`;
    throw new CodecError(e.code, e.kind, path, e.reason, message, e.cause === undefined ? undefined : { cause: e.cause });
  }
}

function malformedAt(path: string, reason: string, cause?: unknown): CodecError {
  return new CodecError('CODEC_MALFORMED', 'malformed', path, reason, `codec: malformed input at ${path}: ${reason}`, cause === undefined ? undefined : { cause });
}

function bad(reason: string): Fail {
  return new Fail('CODEC_MALFORMED', 'malformed', reason);
}

function deeper(depth: number, maxDepth: number): number {
  if (depth >= maxDepth) throw new Fail('CODEC_TOO_DEEP', 'depth', `nesting deeper than ${maxDepth}`);
  return depth + 1;
}

/** Decodes one node; a node with no tag anywhere inside comes back as the same reference. */
function dec(v: unknown, max: number, depth: number): unknown {
  switch (typeof v) {
    case 'string':
    case 'boolean':
      return v;
    case 'number':
      if (Number.isFinite(v)) return v;
      throw bad(`${v} is not a JSON number`);
    case 'object': {
      if (v === null) return null;
      if (Array.isArray(v)) return decArray(v, max, deeper(depth, max));
      if (!isPlainObject(v)) throw bad(`${describeValue(v)} is not JSON`);
      if (Object.hasOwn(v, TAG)) return decTag(v as Record<string, unknown>, max, depth);
      return decObject(v as Record<string, unknown>, max, deeper(depth, max));
    }
    default:
      throw bad(`${describeValue(v)} is not JSON`);
  }
}

function decArray(a: readonly unknown[], max: number, depth: number): unknown[] {
  let out: unknown[] | undefined;
  let i = 0;
  try {
    for (; i < a.length; i++) {
      if (!(i in a)) throw bad('a hole in an array is not JSON');
      const x = a[i];
      const y = dec(x, max, depth);
      if (out === undefined && y !== x) out = a.slice(0, i);
      if (out !== undefined) out.push(y);
    }
  } catch (e) {
    if (e instanceof Fail) e.segments.push(i);
    throw e;
  }
  return out ?? (a as unknown[]);
}

function decObject(o: Record<string, unknown>, max: number, depth: number): Record<string, unknown> {
  let out: Record<string, unknown> | undefined;
  const keys = Object.keys(o);
  let i = 0;
  try {
    for (; i < keys.length; i++) {
      const k = keys[i]!;
      const x = o[k];
      const y = dec(x, max, depth);
      if (out === undefined && y !== x) {
        out = {};
        for (let j = 0; j < i; j++) setOwn(out, keys[j]!, o[keys[j]!]);
      }
      if (out !== undefined) setOwn(out, k, y);
    }
  } catch (e) {
    if (e instanceof Fail) e.segments.push(keys[i]!);
    throw e;
  }
  return out ?? o;
}

const NUMBERS: Readonly<Record<string, number>> = Object.freeze({ NaN: Number.NaN, Infinity: Number.POSITIVE_INFINITY, '-Infinity': Number.NEGATIVE_INFINITY, '-0': -0 });
const BIGINT = new RegExp(`^-?(?:0|[1-9]\\d{0,${MAX_BIGINT_DIGITS - 1}})$`);
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const ISO_DATE = /^(?:\d{4}|[+-]\d{6})-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

function decTag(t: Record<string, unknown>, max: number, depth: number): unknown {
  const name = t[TAG];
  for (const k in t) {
    if (k !== TAG && k !== 'v' && Object.hasOwn(t, k)) throw bad(`a tag object has only "${TAG}" and "v", not ${JSON.stringify(k)}`);
  }
  const hasV = Object.hasOwn(t, 'v');
  const v = t.v;
  switch (name) {
    case Tags.undefined:
      if (hasV) throw bad(`the "${Tags.undefined}" tag has no "v"`);
      return undefined;
    case Tags.number:
      if (typeof v === 'string' && Object.hasOwn(NUMBERS, v)) return NUMBERS[v];
      throw atV(bad(`a "${Tags.number}" tag holds "NaN", "Infinity", "-Infinity" or "-0", not ${describeValue(v)}`));
    case Tags.bigint:
      if (typeof v === 'string' && BIGINT.test(v)) return BigInt(v);
      throw atV(bad(`a "${Tags.bigint}" tag holds a decimal integer string of at most ${MAX_BIGINT_DIGITS} digits, not ${describeValue(v)}`));
    case Tags.bytes:
      if (typeof v === 'string' && BASE64.test(v)) return new Uint8Array(Buffer.from(v, 'base64'));
      throw atV(bad(`a "${Tags.bytes}" tag holds a padded base64 string, not ${describeValue(v)}`));
    case Tags.date: {
      if (v === null) return new Date(Number.NaN);
      if (typeof v === 'string' && ISO_DATE.test(v)) {
        const d = new Date(v);
        // Only the canonical form: Date.parse would take 2024-02-30 as March 1st.
        if (!Number.isNaN(d.getTime()) && d.toISOString() === v) return d;
      }
      throw atV(bad(`a "${Tags.date}" tag holds an ISO 8601 UTC string (as Date#toISOString writes it) or null, not ${describeValue(v)}`));
    }
    case Tags.map:
      return decMap(v, max, deeper(depth, max));
    case Tags.set: {
      if (!Array.isArray(v)) throw atV(bad(`a "${Tags.set}" tag holds an array, not ${describeValue(v)}`));
      const d = deeper(depth, max);
      const s = new Set<unknown>();
      let i = 0;
      try {
        for (; i < v.length; i++) s.add(dec(v[i], max, d));
      } catch (e) {
        if (e instanceof Fail) {
          e.segments.push(i);
          atV(e);
        }
        throw e;
      }
      return s;
    }
    case Tags.object: {
      if (!isObject(v)) throw atV(bad(`an "${Tags.object}" tag holds an object, not ${describeValue(v)}`));
      const d = deeper(depth, max);
      return decFields(v as Record<string, unknown>, max, d);
    }
    case Tags.error:
      return decError(v, max, deeper(depth, max));
    default: {
      const f = bad(typeof name === 'string' ? `unknown tag ${JSON.stringify(name)}` : `the "${TAG}" key holds ${describeValue(name)}, not a tag name`);
      f.segments.push(TAG);
      throw f;
    }
  }
}

/** A JSON object (not an array, not null, not a class instance). */
function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && isPlainObject(v);
}

/** A failure inside a tag's payload is reported at `.v`. */
function atV(f: Fail): Fail {
  f.segments.push('v');
  return f;
}

/** A failure at a field of an error record. */
function field(key: string, f: Fail): Fail {
  f.segments.push(key);
  return atV(f);
}

/** A fresh object with every value decoded and keys taken literally (an `obj` tag, error data). */
function decFields(o: Record<string, unknown>, max: number, depth: number, under?: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  let key = '';
  try {
    for (key of Object.keys(o)) setOwn(out, key, dec(o[key], max, depth));
  } catch (e) {
    if (e instanceof Fail) {
      e.segments.push(key);
      if (under !== undefined) e.segments.push(under);
      atV(e);
    }
    throw e;
  }
  return out;
}

function decMap(v: unknown, max: number, depth: number): Map<unknown, unknown> {
  if (!Array.isArray(v)) throw atV(bad(`a "${Tags.map}" tag holds an array of [key, value] pairs, not ${describeValue(v)}`));
  const m = new Map<unknown, unknown>();
  let i = 0;
  let part = -1;
  try {
    for (; i < v.length; i++) {
      const pair: unknown = v[i];
      part = -1;
      if (!Array.isArray(pair) || pair.length !== 2) throw bad(`a Map entry is a [key, value] pair, not ${describeValue(pair)}`);
      part = 0;
      const k = dec(pair[0], max, depth);
      part = 1;
      m.set(k, dec(pair[1], max, depth));
    }
  } catch (e) {
    if (e instanceof Fail) {
      if (part >= 0) e.segments.push(part);
      e.segments.push(i);
      atV(e);
    }
    throw e;
  }
  return m;
}

const RECORD_KEYS = new Set(['name', 'message', 'code', 'data', 'cause', 'omitted']);

function decError(v: unknown, max: number, depth: number): RemoteError {
  if (!isObject(v)) throw atV(bad(`an "${Tags.error}" tag holds an error record, not ${describeValue(v)}`));
  const r = v as Record<string, unknown>;
  for (const k of Object.keys(r)) {
    if (!RECORD_KEYS.has(k)) throw atV(bad(`an error record has no field ${JSON.stringify(k)} (it has name, message, code, data, cause, omitted)`));
  }
  if (typeof r.name !== 'string') throw field('name', bad(`an error's name is a string, not ${describeValue(r.name)}`));
  if (typeof r.message !== 'string') throw field('message', bad(`an error's message is a string, not ${describeValue(r.message)}`));
  const code = r.code ?? null;
  if (code !== null && typeof code !== 'string') throw field('code', bad(`an error's code is a string or null, not ${describeValue(code)}`));
  let data: Record<string, unknown> = {};
  if (r.data !== undefined) {
    if (!isObject(r.data)) throw field('data', bad(`an error's data is an object, not ${describeValue(r.data)}`));
    data = decFields(r.data as Record<string, unknown>, max, depth, 'data');
  }
  let omitted: string[] | undefined;
  if (r.omitted !== undefined) {
    if (!Array.isArray(r.omitted) || !r.omitted.every((x) => typeof x === 'string')) {
      throw field('omitted', bad(`an error's omitted is an array of field names, not ${describeValue(r.omitted)}`));
    }
    omitted = r.omitted as string[];
  }
  const record: { -readonly [K in keyof ErrorRecord]: ErrorRecord[K] } = { name: r.name, message: r.message, code, data };
  if (omitted !== undefined) record.omitted = omitted;
  if (Object.hasOwn(r, 'cause')) {
    try {
      record.cause = dec(r.cause, max, depth);
    } catch (e) {
      if (e instanceof Fail) field('cause', e);
      throw e;
    }
  }
  return new RemoteError(record);
}
