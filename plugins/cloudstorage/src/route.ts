import type { Route, ServerRequest, ServerResponse } from '@switchyard/plugin-http';
import { CloudStorageError } from './errors.js';
import { downloadStream, uploadObject } from './commands.js';
import { DEFAULT_PRESIGN_PATH, verifySignature, type SignedFields } from './signer.js';

export interface PresignedRouteOptions {
  /** The same secret as `cloudStoragePlugin({ presign: { secret } })`. */
  readonly secret: string;
  /** The same prefix as `presign.path`. Default `/_storage`. */
  readonly path?: string;
}

const one = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v[0] : v);

/**
 * The http plugin route that serves presigned URLs of directory storages: add it to
 * `httpPlugin({ server: { routes: [presignedRoute({ secret })] } })`. Each request runs as a process
 * that checks the signature and expiry, then streams the object out (GET) or in (PUT).
 */
export function presignedRoute(options: PresignedRouteOptions): Route {
  const prefix = options.path ?? DEFAULT_PRESIGN_PATH;
  const secret = options.secret;
  return {
    method: ['GET', 'PUT'],
    path: `${prefix}/*key`,
    stream: true,
    *handler(_ctx, req: ServerRequest) {
      const deny = (status: number, message: string): ServerResponse => ({ status, body: message });
      const method = req.method === 'PUT' ? 'PUT' : 'GET';
      const key = req.path.slice(prefix.length + 1);
      const storage = one(req.query.storage) ?? '';
      const expires = Number(one(req.query.expires));
      const cl = one(req.query.contentLength);
      const f: SignedFields = { method, storage, key, expires, contentType: one(req.query.contentType), contentLength: cl === undefined ? undefined : Number(cl) };
      if (!Number.isSafeInteger(expires) || !verifySignature(secret, f, one(req.query.signature) ?? '')) return deny(403, 'bad signature');
      if (Date.now() / 1000 > expires) return deny(403, 'expired');
      try {
        if (method === 'GET') {
          const { stream, info } = yield* downloadStream(storage, key);
          return { status: 200, headers: { 'content-type': info.contentType, etag: info.etag, 'content-length': String(info.size) }, body: stream };
        }
        if (f.contentType !== undefined && one(req.headers['content-type']) !== f.contentType) return deny(403, 'content-type differs from the signed one');
        if (f.contentLength !== undefined && one(req.headers['content-length']) !== String(f.contentLength)) return deny(403, 'content-length differs from the signed one');
        const up = yield* uploadObject(storage, key, req.bodyStream ?? new Uint8Array(0), { contentType: one(req.headers['content-type']) ?? 'application/octet-stream' });
        return { status: 200, headers: { etag: up.etag }, body: '' };
      } catch (e) {
        if (e instanceof CloudStorageError && e.code === 'NOT_FOUND') return deny(404, 'not found');
        if (e instanceof CloudStorageError && e.code === 'STORAGE_BAD_KEY') return deny(400, 'bad key');
        throw e;
      }
    },
  };
}
