export * from './commands.js';
export { ClockError, ClockHandlers } from './handlers.js';
export * from './plugin.js';
