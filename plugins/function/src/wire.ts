// The wire boundary of a call: what the function (or the caller) gets is what would arrive
// from another node, so local and remote calls fail and behave alike.
import { CodecError, decodeValue, encodeValue } from '@switchyard/codec';

export { CodecError };

/** `value` as the other side of the wire sees it: a fresh copy, errors revived with their code. */
export function cross(value: unknown): unknown {
  return decodeValue(encodeValue(value));
}
