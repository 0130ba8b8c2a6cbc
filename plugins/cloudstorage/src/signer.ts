import { createHmac, timingSafeEqual } from 'node:crypto';

/** Where presigned URLs of directory storages point, and the key that signs them. */
export interface PresignOptions {
  /** HMAC-SHA256 key, at least 32 characters. Keep it out of logs. */
  readonly secret: string;
  /** Public origin of the http plugin's server, e.g. `https://files.example.com`; a function when known only after start (port 0). */
  readonly baseUrl: string | (() => string);
  /** Route prefix served by `presignedRoute()`. Default `/_storage`. */
  readonly path?: string;
}

export const DEFAULT_PRESIGN_PATH = '/_storage';

export interface SignedFields {
  readonly method: 'GET' | 'PUT';
  readonly storage: string;
  readonly key: string;
  /** Seconds since the epoch. */
  readonly expires: number;
  readonly contentType?: string | undefined;
  readonly contentLength?: number | undefined;
}

function mac(secret: string, f: SignedFields): Buffer {
  const text = [f.method, f.storage, f.key, String(f.expires), f.contentType ?? '', f.contentLength === undefined ? '' : String(f.contentLength)].join('\n');
  return createHmac('sha256', secret).update(text).digest();
}

/** Timing-safe check of a signature from a URL. */
export function verifySignature(secret: string, f: SignedFields, signature: string): boolean {
  const want = mac(secret, f);
  const got = Buffer.from(signature, 'base64url');
  return got.length === want.length && timingSafeEqual(got, want);
}

/** Signs presigned URLs of directory storages (HMAC-SHA256 over method, storage, key, expiry and PUT limits). */
export class DirectorySigner {
  constructor(
    private readonly options: PresignOptions,
    private readonly now: () => number,
  ) {}

  sign(method: 'GET' | 'PUT', storage: string, key: string, expiresIn: number, limits: { contentType?: string | undefined; contentLength?: number | undefined }): string {
    const expires = Math.floor(this.now() / 1000) + expiresIn;
    const f: SignedFields = { method, storage, key, expires, contentType: limits.contentType, contentLength: limits.contentLength };
    const base = typeof this.options.baseUrl === 'function' ? this.options.baseUrl() : this.options.baseUrl;
    const path = (this.options.path ?? DEFAULT_PRESIGN_PATH) + '/' + key.split('/').map(encodeURIComponent).join('/');
    const q = new URLSearchParams({ storage, expires: String(expires) });
    if (f.contentType !== undefined) q.set('contentType', f.contentType);
    if (f.contentLength !== undefined) q.set('contentLength', String(f.contentLength));
    q.set('signature', mac(this.options.secret, f).toString('base64url'));
    return `${base.replace(/\/$/, '')}${path}?${q.toString()}`;
  }
}
