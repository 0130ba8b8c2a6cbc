export * from './error.js';
export * from './describe.js';
export * from './options.js';
