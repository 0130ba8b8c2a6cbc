import { CommandBase } from '@switchyard/dispatcher';
import type { StreamHandle } from '@switchyard/plugin-stream';

/** Cloud storage command IDs (160–169). */
export const CloudStorageCommand = {
  ListObjects: 160,
  DownloadObject: 161,
  UploadObject: 162,
  DeleteObjects: 163,
  PresignedGetURL: 164,
  PresignedPutURL: 165,
  HeadObject: 166,
} as const;

/** Largest page of a listing (S3's own cap). */
export const MAX_KEYS = 1000;
/** Default largest download read into memory: 64 MiB. */
export const DEFAULT_MAX_BYTES = 64 * 1024 * 1024;
/** Default lifetime of a presigned URL: 15 minutes. */
export const DEFAULT_EXPIRES_IN = 900;

/** One object of a listing. `lastModified` in ms since the epoch. */
export interface ObjectSummary {
  readonly key: string;
  readonly size: number;
  readonly etag: string;
  readonly lastModified: number;
}

/** What Head returns: the listing fields plus the object's headers. */
export interface ObjectInfo extends ObjectSummary {
  readonly contentType: string;
  readonly cacheControl?: string;
  readonly contentDisposition?: string;
  readonly contentEncoding?: string;
  /** User metadata, names lower-cased. */
  readonly metadata: Readonly<Record<string, string>>;
}

export interface ListOptions {
  /** Only keys starting with this. */
  readonly prefix?: string;
  /** `next` of the previous page. */
  readonly continuation?: string;
  /** Page size, 1..1000 (default 1000). */
  readonly maxKeys?: number;
}

export interface ListResult {
  readonly objects: readonly ObjectSummary[];
  /** Token for the next page, or null on the last page. */
  readonly next: string | null;
}

/** Bytes `offset` .. `offset + length - 1` (to the end without `length`). */
export interface ByteRange {
  readonly offset: number;
  readonly length?: number;
}

export interface DownloadOptions {
  readonly range?: ByteRange;
  /** Fail with PRECONDITION_FAILED unless the object's ETag is this one. */
  readonly ifMatch?: string;
  /** Fail with NOT_MODIFIED when the object's ETag is this one (`*`: any). */
  readonly ifNoneMatch?: string;
  /** Bytes only: largest body read into memory (default 64 MiB); over it STORAGE_TOO_LARGE. */
  readonly maxBytes?: number;
}

export interface DownloadedBytes {
  readonly data: Uint8Array;
  readonly info: ObjectInfo;
}

export interface DownloadedStream {
  /** Owned by the calling process; destroyed when it ends. */
  readonly stream: StreamHandle;
  readonly info: ObjectInfo;
}

export interface UploadOptions {
  /** Default application/octet-stream. */
  readonly contentType?: string;
  readonly cacheControl?: string;
  readonly contentDisposition?: string;
  readonly contentEncoding?: string;
  /** User metadata; names are lower-cased. */
  readonly metadata?: Readonly<Record<string, string>>;
  /** Write only if the current ETag is this one (else PRECONDITION_FAILED). */
  readonly ifMatch?: string;
  /** `*`: write only if the key does not exist (else PRECONDITION_FAILED). */
  readonly ifNoneMatch?: '*';
}

export interface UploadResult {
  readonly key: string;
  readonly etag: string;
  readonly size: number;
}

export interface DeleteError {
  readonly key: string;
  readonly code: string;
  readonly message: string;
}

export interface DeleteResult {
  readonly deleted: readonly string[];
  readonly errors: readonly DeleteError[];
}

export interface PresignGetOptions {
  /** Seconds, 1..604800 (7 days); default 900. */
  readonly expiresIn?: number;
}

export interface PresignPutOptions extends PresignGetOptions {
  /** Signed into the URL: the PUT must send this Content-Type. */
  readonly contentType?: string;
  /** Signed into the URL: the PUT must send exactly this many bytes. */
  readonly contentLength?: number;
}

export type UploadBody = Uint8Array | string | StreamHandle;

export class ListObjectsCmd extends CommandBase<ListResult> {
  readonly id = CloudStorageCommand.ListObjects;
  constructor(readonly storage: string, readonly options: ListOptions) {
    super();
  }
}

export class DownloadObjectCmd<T extends DownloadedBytes | DownloadedStream> extends CommandBase<T> {
  readonly id = CloudStorageCommand.DownloadObject;
  constructor(readonly storage: string, readonly key: string, readonly as: 'bytes' | 'stream', readonly options: DownloadOptions) {
    super();
  }
}

export class UploadObjectCmd extends CommandBase<UploadResult> {
  readonly id = CloudStorageCommand.UploadObject;
  constructor(readonly storage: string, readonly key: string, readonly body: UploadBody, readonly options: UploadOptions) {
    super();
  }
}

export class DeleteObjectsCmd extends CommandBase<DeleteResult> {
  readonly id = CloudStorageCommand.DeleteObjects;
  constructor(readonly storage: string, readonly keys: readonly string[]) {
    super();
  }
}

export class PresignedGetURLCmd extends CommandBase<string> {
  readonly id = CloudStorageCommand.PresignedGetURL;
  constructor(readonly storage: string, readonly key: string, readonly options: PresignGetOptions) {
    super();
  }
}

export class PresignedPutURLCmd extends CommandBase<string> {
  readonly id = CloudStorageCommand.PresignedPutURL;
  constructor(readonly storage: string, readonly key: string, readonly options: PresignPutOptions) {
    super();
  }
}

export class HeadObjectCmd extends CommandBase<ObjectInfo | null> {
  readonly id = CloudStorageCommand.HeadObject;
  constructor(readonly storage: string, readonly key: string) {
    super();
  }
}

/** One page of the keys of `storage` (sorted by UTF-8 bytes), `{ objects, next }`. */
export const listObjects = (storage: string, options: ListOptions = {}): ListObjectsCmd => new ListObjectsCmd(storage, options);

/** An object's bytes (at most `maxBytes`). A missing key fails with NOT_FOUND. */
export const downloadObject = (storage: string, key: string, options: DownloadOptions = {}): DownloadObjectCmd<DownloadedBytes> =>
  new DownloadObjectCmd<DownloadedBytes>(storage, key, 'bytes', options);

/** An object's body as a stream handle owned by the caller (read it with the stream commands). */
export const downloadStream = (storage: string, key: string, options: Omit<DownloadOptions, 'maxBytes'> = {}): DownloadObjectCmd<DownloadedStream> =>
  new DownloadObjectCmd<DownloadedStream>(storage, key, 'stream', options);

/** Store bytes, a string (UTF-8) or everything left in a stream handle the caller owns (not closed). */
export const uploadObject = (storage: string, key: string, body: UploadBody, options: UploadOptions = {}): UploadObjectCmd =>
  new UploadObjectCmd(storage, key, body, options);

/** Delete any number of keys; a missing key counts as deleted (as in S3). */
export const deleteObjects = (storage: string, keys: readonly string[]): DeleteObjectsCmd => new DeleteObjectsCmd(storage, keys);

/** A URL that lets a plain HTTP client GET the object until it expires. */
export const presignedGetURL = (storage: string, key: string, options: PresignGetOptions = {}): PresignedGetURLCmd =>
  new PresignedGetURLCmd(storage, key, options);

/** A URL that lets a plain HTTP client PUT the object until it expires. */
export const presignedPutURL = (storage: string, key: string, options: PresignPutOptions = {}): PresignedPutURLCmd =>
  new PresignedPutURLCmd(storage, key, options);

/** The object's metadata, or null when the key does not exist. */
export const headObject = (storage: string, key: string): HeadObjectCmd => new HeadObjectCmd(storage, key);
