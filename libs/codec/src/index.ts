export * from './encode.js';
export * from './decode.js';
export * from './errors.js';
export { TAG, Tags, DEFAULT_MAX_DEPTH, MAX_BIGINT_DIGITS, type CodecOptions, type JsonValue } from './wire.js';
