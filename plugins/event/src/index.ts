export * from './commands.js';
export { EventHandlers } from './handlers.js';
export * from './plugin.js';
