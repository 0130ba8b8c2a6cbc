export * from './commands.js';
export { processHandlers } from './handlers.js';
export * from './plugin.js';
