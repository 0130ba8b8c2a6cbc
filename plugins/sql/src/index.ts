export * from './commands.js';
export { SqlError, type SqlErrorCode } from './errors.js';
export type { DatabaseOptions, SqlMode, SqlPluginOptions } from './options.js';
export * from './plugin.js';
export type { SqlStats } from './handlers.js';
