export * from './commands.js';
export * from './errors.js';
export { ClockHandlers, type ClockStats } from './handlers.js';
export * from './plugin.js';
