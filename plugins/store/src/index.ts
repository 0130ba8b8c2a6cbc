export * from './commands.js';
export { StoreError, VersionConflictError, type StoreErrorCode } from './errors.js';
export { DEFAULT_STORE_OPTIONS, type MemoryStoreOptions, type SqliteStoreOptions, type StoreOptions, type StorePluginOptions } from './options.js';
export * from './plugin.js';
export type { StoreStats } from './handlers.js';
