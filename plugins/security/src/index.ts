export * from './commands.js';
export { SecurityError, type SecurityErrorCode } from './errors.js';
export { DEFAULT_SECURITY_OPTIONS } from './options.js';
export type { JwtKey, JwtStoreOptions, OpaqueStoreOptions, SecurityPluginOptions, TokenStoreOptions } from './options.js';
export * from './plugin.js';
