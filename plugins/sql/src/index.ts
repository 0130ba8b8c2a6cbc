export * from './commands.js';
export { SqlError, type SqlErrorCode } from './errors.js';
export { DEFAULT_SQL_OPTIONS, type DatabaseOptions, type SqlMode, type SqlPluginOptions } from './options.js';
export * from './plugin.js';
export type { SqlStats } from './handlers.js';
