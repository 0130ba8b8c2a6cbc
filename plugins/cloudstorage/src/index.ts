export * from './commands.js';
export { CloudStorageError, type CloudStorageErrorCode } from './errors.js';
export * from './plugin.js';
export type { S3Credentials, S3StorageConfig } from './s3.js';
export { presignedRoute, type PresignedRouteOptions } from './route.js';
export type { PresignOptions } from './signer.js';
