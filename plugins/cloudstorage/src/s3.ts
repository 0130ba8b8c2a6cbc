import { Readable } from 'node:stream';
import {
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  type GetObjectCommandOutput,
  type HeadObjectCommandOutput,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { DeleteError, DeleteResult, ListResult, ObjectInfo, PresignPutOptions, UploadOptions, UploadResult } from './commands.js';
import { checkKey, decodeToken, encodeToken, type OpenedObject, type OpenOptions, type StorageBackend, type UploadSource } from './backend.js';
import { CloudStorageError, notFound, preconditionFailed } from './errors.js';

export interface S3Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

export interface S3StorageConfig {
  readonly type: 's3';
  readonly bucket: string;
  /** Default us-east-1. */
  readonly region?: string;
  /** For S3-compatible stores and tests, e.g. http://127.0.0.1:9000. */
  readonly endpoint?: string;
  /** Default: the SDK's provider chain (environment, profile, instance role). */
  readonly credentials?: S3Credentials;
  /** Path-style URLs (`endpoint/bucket/key`); needed by most S3-compatible stores. */
  readonly forcePathStyle?: boolean;
  /** For MinIO, R2, Ceph and the like: checksums only when an operation requires them. */
  readonly compatible?: boolean;
  /** Multipart part size in bytes for stream uploads (min and default 5 MiB). */
  readonly partSize?: number;
  /** Parts in flight per stream upload (default 2): memory is about partSize × (queueSize + 1). */
  readonly queueSize?: number;
}

const DELETE_BATCH = 1000;

/** Objects in an S3 bucket through @aws-sdk/client-s3. */
export class S3Backend implements StorageBackend {
  readonly client: S3Client;
  private readonly bucket: string;
  private readonly partSize: number;
  private readonly queueSize: number;

  constructor(
    readonly name: string,
    config: S3StorageConfig,
  ) {
    this.bucket = config.bucket;
    this.partSize = config.partSize ?? 5 * 1024 * 1024;
    this.queueSize = config.queueSize ?? 2;
    const c: S3ClientConfig = {
      region: config.region ?? 'us-east-1',
      ...(config.endpoint === undefined ? {} : { endpoint: config.endpoint }),
      ...(config.credentials === undefined ? {} : { credentials: config.credentials }),
      ...(config.forcePathStyle === undefined ? {} : { forcePathStyle: config.forcePathStyle }),
      ...(config.compatible === true ? { requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' } : {}),
    };
    this.client = new S3Client(c);
  }

  /** SDK failures to our codes; the message names bucket and key, never credentials. */
  private fail(key: string | undefined, what: string, e: unknown): Error {
    if (e instanceof CloudStorageError) return e;
    const err = e as { name?: string; Code?: string; message?: string; $metadata?: { httpStatusCode?: number } };
    if (err?.name === 'AbortError') return e as Error;
    const status = err?.$metadata?.httpStatusCode;
    const code = err?.name ?? err?.Code;
    if (key !== undefined) {
      if (status === 404 || code === 'NoSuchKey' || code === 'NotFound') return notFound(this.name, key);
      if (status === 412 || code === 'PreconditionFailed') return preconditionFailed(this.name, key, `${what} refused by the server (412)`);
      if (status === 304 || code === 'NotModified') return new CloudStorageError('NOT_MODIFIED', this.name, key, `storage "${this.name}": "${key}" is not modified (If-None-Match)`);
      if (status === 416 || code === 'InvalidRange') return new CloudStorageError('STORAGE_BAD_ARGUMENT', this.name, key, `storage "${this.name}": range is past the end of "${key}"`);
    }
    return new CloudStorageError(
      'STORAGE_IO',
      this.name,
      key,
      `storage "${this.name}" (bucket "${this.bucket}"): ${what}${key === undefined ? '' : ` "${key}"`} failed: ${code ?? 'error'}${status === undefined ? '' : ` (HTTP ${status})`}: ${err?.message ?? String(e)}`,
      { cause: e },
    );
  }

  private info(key: string, o: HeadObjectCommandOutput | GetObjectCommandOutput, size: number): ObjectInfo {
    const meta: Record<string, string> = {};
    for (const [k, v] of Object.entries(o.Metadata ?? {})) meta[k.toLowerCase()] = v;
    return {
      key,
      size,
      etag: o.ETag ?? '',
      lastModified: o.LastModified?.getTime() ?? 0,
      contentType: o.ContentType ?? 'application/octet-stream',
      ...(o.CacheControl === undefined ? {} : { cacheControl: o.CacheControl }),
      ...(o.ContentDisposition === undefined ? {} : { contentDisposition: o.ContentDisposition }),
      ...(o.ContentEncoding === undefined ? {} : { contentEncoding: o.ContentEncoding }),
      metadata: meta,
    };
  }

  async list(prefix: string, continuation: string | undefined, maxKeys: number, signal: AbortSignal): Promise<ListResult> {
    // StartAfter with our own token (the last key, base64url): the same tokens as the directory backend.
    const after = continuation === undefined ? undefined : decodeToken(this.name, continuation);
    try {
      const out = await this.client.send(
        new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix === '' ? undefined : prefix, MaxKeys: maxKeys, ...(after === undefined ? {} : { StartAfter: after }) }),
        { abortSignal: signal },
      );
      const objects = (out.Contents ?? []).map((c) => ({ key: c.Key ?? '', size: c.Size ?? 0, etag: c.ETag ?? '', lastModified: c.LastModified?.getTime() ?? 0 }));
      return { objects, next: out.IsTruncated === true && objects.length > 0 ? encodeToken(objects[objects.length - 1]!.key) : null };
    } catch (e) {
      throw this.fail(undefined, `listing prefix "${prefix}"`, e);
    }
  }

  async head(key: string, signal: AbortSignal): Promise<ObjectInfo | null> {
    try {
      const o = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }), { abortSignal: signal });
      return this.info(key, o, o.ContentLength ?? 0);
    } catch (e) {
      const f = this.fail(key, 'head of', e);
      if ((f as CloudStorageError).code === 'NOT_FOUND') return null;
      throw f;
    }
  }

  async open(key: string, options: OpenOptions, signal: AbortSignal): Promise<OpenedObject> {
    const r = options.range;
    if (r !== undefined && (!Number.isSafeInteger(r.offset) || r.offset < 0 || (r.length !== undefined && (!Number.isSafeInteger(r.length) || r.length < 1)))) {
      throw new CloudStorageError('STORAGE_BAD_ARGUMENT', this.name, key, `storage "${this.name}": range of "${key}" must be { offset >= 0, length >= 1 }`);
    }
    const range = r === undefined ? undefined : `bytes=${r.offset}-${r.length === undefined ? '' : r.offset + r.length - 1}`;
    let o: GetObjectCommandOutput;
    try {
      o = await this.client.send(
        new GetObjectCommand({ Bucket: this.bucket, Key: key, Range: range, IfMatch: options.ifMatch, IfNoneMatch: options.ifNoneMatch }),
        { abortSignal: signal },
      );
    } catch (e) {
      throw this.fail(key, 'download of', e);
    }
    const body = o.Body as Readable;
    const length = o.ContentLength ?? 0;
    const total = o.ContentRange === undefined ? length : Number(/\/(\d+)$/.exec(o.ContentRange)?.[1] ?? length);
    return { info: this.info(key, o, total), length, body };
  }

  async put(key: string, source: UploadSource, options: UploadOptions, signal: AbortSignal): Promise<UploadResult> {
    const meta: Record<string, string> = {};
    for (const [k, v] of Object.entries(options.metadata ?? {})) meta[k.toLowerCase()] = v;
    const params = {
      Bucket: this.bucket,
      Key: key,
      ContentType: options.contentType ?? 'application/octet-stream',
      CacheControl: options.cacheControl,
      ContentDisposition: options.contentDisposition,
      ContentEncoding: options.contentEncoding,
      Metadata: meta,
      IfMatch: options.ifMatch,
      IfNoneMatch: options.ifNoneMatch,
    };
    try {
      if (source instanceof Uint8Array) {
        const out = await this.client.send(new PutObjectCommand({ ...params, Body: source, ContentLength: source.byteLength }), { abortSignal: signal });
        return { key, etag: out.ETag ?? '', size: source.byteLength };
      }
      let size = 0;
      const counted = Readable.from(
        (async function* () {
          for await (const c of source) {
            size += c.byteLength;
            yield c;
          }
        })(),
        { objectMode: false },
      );
      // Multipart for a body of unknown length; a body under one part goes as one PutObject.
      const upload = new Upload({ client: this.client, params: { ...params, Body: counted }, partSize: this.partSize, queueSize: this.queueSize, leavePartsOnError: false });
      const onAbort = () => void upload.abort().catch(() => undefined);
      signal.addEventListener('abort', onAbort, { once: true });
      try {
        const out = await upload.done();
        return { key, etag: out.ETag ?? '', size };
      } finally {
        signal.removeEventListener('abort', onAbort);
        counted.destroy();
      }
    } catch (e) {
      if (signal.aborted) throw signal.reason ?? e;
      throw this.fail(key, 'upload of', e);
    }
  }

  async delete(keys: readonly string[], signal: AbortSignal): Promise<DeleteResult> {
    const deleted: string[] = [];
    const errors: DeleteError[] = [];
    const valid: string[] = [];
    for (const k of keys) {
      try {
        valid.push(checkKey(this.name, k));
      } catch (e) {
        const err = e as CloudStorageError;
        errors.push({ key: String(k), code: err.code, message: err.message });
      }
    }
    for (let i = 0; i < valid.length; i += DELETE_BATCH) {
      const batch = valid.slice(i, i + DELETE_BATCH);
      try {
        const out = await this.client.send(
          new DeleteObjectsCommand({ Bucket: this.bucket, Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: false } }),
          { abortSignal: signal },
        );
        for (const d of out.Deleted ?? []) if (d.Key !== undefined) deleted.push(d.Key);
        for (const x of out.Errors ?? []) errors.push({ key: x.Key ?? '', code: 'STORAGE_IO', message: `storage "${this.name}": delete of "${x.Key}" failed: ${x.Code}: ${x.Message}` });
      } catch (e) {
        const f = this.fail(undefined, 'delete batch', e) as CloudStorageError;
        for (const k of batch) errors.push({ key: k, code: f.code ?? 'STORAGE_IO', message: f.message });
      }
    }
    return { deleted, errors };
  }

  presignGet(key: string, expiresIn: number): Promise<string> {
    return getSignedUrl(this.client, new GetObjectCommand({ Bucket: this.bucket, Key: key }), { expiresIn });
  }

  presignPut(key: string, options: PresignPutOptions & { expiresIn: number }): Promise<string> {
    const signed = new Set<string>();
    if (options.contentType !== undefined) signed.add('content-type');
    if (options.contentLength !== undefined) signed.add('content-length');
    return getSignedUrl(
      this.client,
      new PutObjectCommand({ Bucket: this.bucket, Key: key, ContentType: options.contentType, ContentLength: options.contentLength }),
      { expiresIn: options.expiresIn, signableHeaders: signed },
    );
  }

  async close(): Promise<void> {
    this.client.destroy();
  }
}
