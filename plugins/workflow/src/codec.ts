import { SwitchyardError } from '@switchyard/errors';
import { NotEncodableError } from './errors.js';

// The journal's wire form: JSON plus tagged Date, undefined, bigint, bytes and errors. Kept behind
// encode/decode so @switchyard/codec can replace it without touching the journal.

const TAG = '$t';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** A revived error: a SwitchyardError with the recorded code, name and data. */
export class JournaledError extends SwitchyardError {
  constructor(
    name: string,
    code: string,
    message: string,
    readonly data: unknown,
  ) {
    super(code, message);
    this.name = name;
  }
}

export function encode(value: unknown, where: string): string {
  return JSON.stringify(toJson(value, '$', where, new Set()));
}

export function decode(text: string): unknown {
  return fromJson(JSON.parse(text) as Json);
}

function toJson(v: unknown, path: string, where: string, seen: Set<object>): Json {
  switch (typeof v) {
    case 'string':
    case 'boolean':
      return v;
    case 'number':
      return Number.isFinite(v) ? v : { [TAG]: 'num', v: String(v) };
    case 'undefined':
      return { [TAG]: 'undef' };
    case 'bigint':
      return { [TAG]: 'big', v: v.toString() };
    case 'function':
      throw new NotEncodableError(path, 'a function', where);
    case 'symbol':
      throw new NotEncodableError(path, 'a symbol', where);
    default:
      break;
  }
  if (v === null) return null;
  const o = v as object;
  if (seen.has(o)) throw new NotEncodableError(path, 'a cycle', where);
  if (o instanceof Date) return { [TAG]: 'date', v: o.getTime() };
  if (o instanceof Uint8Array) return { [TAG]: 'bytes', v: Buffer.from(o.buffer, o.byteOffset, o.byteLength).toString('base64') };
  seen.add(o);
  try {
    if (o instanceof Error) {
      const e = o as Error & { code?: unknown; data?: unknown };
      const data = e.data === undefined ? null : toJson(e.data, `${path}.data`, where, seen);
      return { [TAG]: 'err', name: e.name, code: typeof e.code === 'string' ? e.code : 'ERROR', message: e.message, data };
    }
    if (Array.isArray(o)) return o.map((x, i) => toJson(x, `${path}[${i}]`, where, seen));
    const proto = Object.getPrototypeOf(o) as object | null;
    if (proto !== Object.prototype && proto !== null) {
      throw new NotEncodableError(path, `an instance of ${(o.constructor as { name?: string } | undefined)?.name || 'a class'}`, where);
    }
    const out: { [k: string]: Json } = {};
    for (const k of Object.keys(o)) out[k] = toJson((o as Record<string, unknown>)[k], /^[A-Za-z_$][\w$]*$/.test(k) ? `${path}.${k}` : `${path}[${JSON.stringify(k)}]`, where, seen);
    return TAG in out ? { [TAG]: 'obj', v: out } : out;
  } finally {
    seen.delete(o);
  }
}

function fromJson(j: Json): unknown {
  if (j === null || typeof j !== 'object') return j;
  if (Array.isArray(j)) return j.map(fromJson);
  const tag = j[TAG];
  if (tag === undefined) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(j)) out[k] = fromJson(j[k]!);
    return out;
  }
  switch (tag) {
    case 'undef':
      return undefined;
    case 'num':
      return Number(j.v);
    case 'big':
      return BigInt(j.v as string);
    case 'date':
      return new Date(j.v as number);
    case 'bytes':
      return new Uint8Array(Buffer.from(j.v as string, 'base64'));
    case 'err':
      return new JournaledError(String(j.name), String(j.code), String(j.message), fromJson(j.data ?? null) ?? undefined);
    case 'obj': {
      const inner = j.v as { [k: string]: Json };
      const out: Record<string, unknown> = {};
      for (const k of Object.keys(inner)) out[k] = fromJson(inner[k]!);
      return out;
    }
    default:
      throw new Error(`journal: unknown tag ${JSON.stringify(tag)}`);
  }
}
