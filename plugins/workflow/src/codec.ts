import { CodecError, decode as wireDecode, encode as wireEncode } from '@switchyard/codec';
import { NotEncodableError } from './errors.js';

// Everything the journal stores goes through @switchyard/codec; a value it cannot carry fails
// here with the codec's path and the run and position it was meant for.

export function encode(value: unknown, where: string): string {
  try {
    return wireEncode(value);
  } catch (error) {
    if (error instanceof CodecError) throw new NotEncodableError(error.path, error.reason, where, error);
    throw error;
  }
}

export function decode(text: string): unknown {
  return wireDecode(text);
}
