export * from './commands.js';
export { CloudStorageError, type CloudStorageErrorCode } from './errors.js';
export * from './plugin.js';
