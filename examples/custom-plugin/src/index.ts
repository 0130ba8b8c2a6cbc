export * from './commands.js';
export { GreeterHandlers, type GreeterOptions } from './handlers.js';
export * from './plugin.js';
