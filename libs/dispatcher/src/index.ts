export * from './ids.js';
export * from './errors.js';
export * from './command.js';
export * from './handler.js';
export * from './registry.js';
export * from './claims.js';
