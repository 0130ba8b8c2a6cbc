import type { Readable } from 'node:stream';
import { describeValue } from '@switchyard/errors';
import type { ByteRange, DeleteResult, ListResult, ObjectInfo, PresignPutOptions, UploadOptions, UploadResult } from './commands.js';
import { CloudStorageError } from './errors.js';

/** An upload body as a backend sees it: bytes in memory, or chunks pulled from a stream handle. */
export type UploadSource = Uint8Array | AsyncIterable<Uint8Array>;

export interface OpenOptions {
  readonly range?: ByteRange;
  readonly ifMatch?: string;
  readonly ifNoneMatch?: string;
}

export interface OpenedObject {
  readonly info: ObjectInfo;
  /** Bytes of the body (of the range) that `body` yields. */
  readonly length: number;
  readonly body: Readable;
}

/** A whole body (of the range) read into memory. */
export interface ReadObject {
  readonly info: ObjectInfo;
  readonly data: Uint8Array;
}

/** What both backends implement, with the same results and the same error codes. */
export interface StorageBackend {
  readonly name: string;
  list(prefix: string, continuation: string | undefined, maxKeys: number, signal: AbortSignal): Promise<ListResult>;
  head(key: string, signal: AbortSignal): Promise<ObjectInfo | null>;
  open(key: string, options: OpenOptions, signal: AbortSignal): Promise<OpenedObject>;
  /**
   * The body as bytes, at most `maxBytes` of them (else STORAGE_TOO_LARGE). Optional: without it the
   * handler reads the stream of `open()`. The directory backend reads the file straight into the result.
   */
  read?(key: string, options: OpenOptions, maxBytes: number, signal: AbortSignal): Promise<ReadObject>;
  put(key: string, body: UploadSource, options: UploadOptions, signal: AbortSignal): Promise<UploadResult>;
  delete(keys: readonly string[], signal: AbortSignal): Promise<DeleteResult>;
  presignGet(key: string, expiresIn: number): Promise<string>;
  presignPut(key: string, options: PresignPutOptions & { expiresIn: number }): Promise<string>;
  close(): Promise<void>;
}

const MAX_KEY_BYTES = 1024;

/**
 * Refuse keys that could leave a directory root or that S3 would treat differently: empty, over
 * 1024 UTF-8 bytes, NUL or other control characters, a backslash, a leading `/`, a `.` or `..` segment.
 */
export function checkKey(storage: string, key: unknown): string {
  const bad = (why: string) =>
    new CloudStorageError('STORAGE_BAD_KEY', storage, typeof key === 'string' ? key : undefined, `storage "${storage}": key ${describeValue(key, 80)} ${why}`);
  if (typeof key !== 'string') throw bad('must be a string');
  if (key === '') throw bad('must not be empty');
  if (Buffer.byteLength(key) > MAX_KEY_BYTES) throw bad(`is longer than ${MAX_KEY_BYTES} UTF-8 bytes`);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(key)) throw bad('contains a NUL or control character');
  if (key.includes('\\')) throw bad('contains a backslash');
  if (key.startsWith('/')) throw bad('is absolute (starts with "/")');
  if (/^[A-Za-z]:/.test(key)) throw bad('starts with a drive letter');
  for (const seg of key.split('/')) if (seg === '.' || seg === '..') throw bad(`has a "${seg}" segment`);
  return key;
}

/** ETags compare without their quotes and a weak prefix. */
export function sameETag(a: string, b: string): boolean {
  const norm = (s: string) => s.replace(/^W\//, '').replace(/^"|"$/g, '');
  return norm(a) === norm(b);
}

export const encodeToken = (key: string): string => Buffer.from(key, 'utf8').toString('base64url');
export function decodeToken(storage: string, token: unknown): string {
  if (typeof token !== 'string' || !/^[A-Za-z0-9_-]+$/.test(token)) {
    throw new CloudStorageError('STORAGE_BAD_ARGUMENT', storage, undefined, `storage "${storage}": continuation token ${describeValue(token)} is not one this storage returned`);
  }
  return Buffer.from(token, 'base64url').toString('utf8');
}
