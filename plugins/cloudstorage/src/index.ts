export * from './commands.js';
export { CloudStorageError, type CloudStorageErrorCode } from './errors.js';
export * from './plugin.js';
export type { S3Credentials, S3StorageConfig } from './s3.js';
