export * from './commands.js';
export * from './errors.js';
export * from './plugin.js';
