import { describeValue } from '@switchyard/errors';
import type { ByteRange, ObjectInfo } from './commands.js';
import { CloudStorageError } from './errors.js';

/** The metadata file of a directory object. */
export interface StoredMeta {
  readonly v: 1;
  readonly size: number;
  readonly md5: string;
  readonly etag: string;
  readonly lastModified: number;
  readonly contentType: string;
  readonly cacheControl?: string;
  readonly contentDisposition?: string;
  readonly contentEncoding?: string;
  readonly metadata: Record<string, string>;
}

export function infoOf(key: string, m: StoredMeta): ObjectInfo {
  return {
    key,
    size: m.size,
    etag: m.etag,
    lastModified: m.lastModified,
    contentType: m.contentType,
    ...(m.cacheControl === undefined ? {} : { cacheControl: m.cacheControl }),
    ...(m.contentDisposition === undefined ? {} : { contentDisposition: m.contentDisposition }),
    ...(m.contentEncoding === undefined ? {} : { contentEncoding: m.contentEncoding }),
    metadata: { ...m.metadata },
  };
}

/** Validate a range against an object size; the part past the end is cut off, as HTTP does. */
export function checkRange(storage: string, key: string, size: number, range: ByteRange | undefined): { offset: number; length: number } {
  if (range === undefined) return { offset: 0, length: size };
  const { offset, length } = range;
  if (!Number.isSafeInteger(offset) || offset < 0 || (length !== undefined && (!Number.isSafeInteger(length) || length < 1))) {
    throw new CloudStorageError('STORAGE_BAD_ARGUMENT', storage, key, `storage "${storage}": range of "${key}" must be { offset >= 0, length >= 1 }, got ${describeValue(range)}`);
  }
  if (offset >= size) throw new CloudStorageError('STORAGE_BAD_ARGUMENT', storage, key, `storage "${storage}": range offset ${offset} is past the end of "${key}" (${size} bytes)`);
  return { offset, length: Math.min(length ?? size - offset, size - offset) };
}
