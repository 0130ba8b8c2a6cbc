export * from './commands.js';
export * from './errors.js';
export { EventHandlers } from './handlers.js';
export * from './plugin.js';
