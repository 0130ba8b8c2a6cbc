/** Signs presigned URLs of directory storages (HMAC-SHA256 over method, storage, key, expiry and PUT limits). */
export interface DirectorySigner {
  sign(method: 'GET' | 'PUT', storage: string, key: string, expiresIn: number, limits: { contentType?: string | undefined; contentLength?: number | undefined }): string;
}
