export * from './commands.js';
export { ExecError, type ExecErrorCode } from './errors.js';
export type { ExecStats } from './handlers.js';
export * from './plugin.js';
