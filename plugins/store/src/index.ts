export * from './commands.js';
export { StoreError, VersionConflictError, type StoreErrorCode } from './errors.js';
export type { MemoryStoreOptions, SqliteStoreOptions, StoreOptions, StorePluginOptions } from './options.js';
export * from './plugin.js';
export type { StoreStats } from './handlers.js';
