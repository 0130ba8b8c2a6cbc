// The wire boundary of a call. Stand-in for @switchyard/codec until it lands: same shape
// (encode → string, decode → value, errors revived with their code, a path for what
// cannot be carried), replaced by a re-export of the codec.
import { SwitchyardError } from '@switchyard/errors';

export class CodecError extends SwitchyardError {
  readonly path: string;
  constructor(path: string, what: string) {
    super('CODEC_UNSUPPORTED', `${path} is ${what}, which the codec cannot carry`);
    this.path = path;
  }
}

const ERR = '$error';

function walk(value: unknown, path: string, seen: Set<object>): unknown {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      if (!Number.isFinite(value)) throw new CodecError(path, String(value));
      return value;
    case 'undefined':
      return null;
    case 'function':
      throw new CodecError(path, 'a function');
    case 'symbol':
      throw new CodecError(path, 'a symbol');
    case 'bigint':
      throw new CodecError(path, 'a bigint');
    default:
      break;
  }
  if (value === null) return null;
  const obj = value as object;
  if (seen.has(obj)) throw new CodecError(path, 'a cycle');
  seen.add(obj);
  try {
    if (Array.isArray(obj)) return obj.map((v, i) => walk(v, `${path}[${i}]`, seen));
    if (obj instanceof Error) {
      const code = (obj as { code?: unknown }).code;
      return { [ERR]: { name: obj.name, message: obj.message, code: typeof code === 'string' ? code : undefined } };
    }
    const proto = Object.getPrototypeOf(obj);
    if (proto !== Object.prototype && proto !== null) throw new CodecError(path, `a ${(obj.constructor as { name?: string } | undefined)?.name ?? 'class instance'}`);
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(obj)) out[k] = walk(v, /^[A-Za-z_$][\w$]*$/.test(k) ? `${path}.${k}` : `${path}[${JSON.stringify(k)}]`, seen);
    return out;
  } finally {
    seen.delete(obj);
  }
}

export function encode(value: unknown): string {
  return JSON.stringify(walk(value, '$', new Set()));
}

class RevivedError extends SwitchyardError {}

export function decode(text: string): unknown {
  return JSON.parse(text, (_k, v: unknown) => {
    if (typeof v === 'object' && v !== null && ERR in v) {
      const e = (v as Record<string, { name: string; message: string; code?: string }>)[ERR]!;
      const err = new RevivedError(e.code ?? 'ERROR', e.message);
      err.name = e.name;
      return err;
    }
    return v;
  });
}
