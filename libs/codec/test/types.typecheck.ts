// Type-level tests: checked by `tsc -p libs/codec/tsconfig.json`, never run.
// Each @ts-expect-error must be an error, or tsc fails with "Unused '@ts-expect-error' directive".
import { CodecError, RemoteError, canEncode, decode, decodeValue, encode, encodeValue, type JsonValue } from '../src/index.js';

const text: string = encode({ a: 1n });
const tree: JsonValue = encodeValue(new Map());
const value: unknown = decode(text);
decodeValue(tree);
decodeValue({ a: [1, 'x', null, { b: true }] });
// @ts-expect-error a Date is not a JSON tree
decodeValue(new Date());
// @ts-expect-error undefined is not a JSON tree
decodeValue({ a: undefined });
// @ts-expect-error decode takes text
decode(tree);
// @ts-expect-error an unknown option
encode(value, { maxDepht: 3 });
encode(value, { maxDepth: 3 });

const check = canEncode(value);
// @ts-expect-error path exists only on a failure
check.path;
if (!check.ok) {
  const path: string = check.path;
  const kind: 'function' | 'symbol' | 'instance' | 'cycle' | 'depth' | 'size' | 'malformed' = check.kind;
  const code: 'CODEC_UNSUPPORTED' | 'CODEC_MALFORMED' | 'CODEC_TOO_DEEP' = check.code;
  void [path, kind, code];
}

declare const err: RemoteError;
const code: string = err.code;
const omitted: readonly string[] = err.omitted;
const field: unknown = err.anyField;
// @ts-expect-error data fields are unknown until checked
const wrong: string = err.anyField;
// @ts-expect-error omitted is read-only
err.omitted.push('x');

declare const ce: CodecError;
const cc: 'CODEC_UNSUPPORTED' | 'CODEC_MALFORMED' | 'CODEC_TOO_DEEP' = ce.code;

export { code, omitted, field, wrong, cc };
