export * from './commands.js';
export { ExecError, ExecHandlers, type ExecErrorCode, type ExecSettings } from './handlers.js';
export * from './plugin.js';
