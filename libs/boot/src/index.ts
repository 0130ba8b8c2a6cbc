export * from './errors.js';
export * from './context.js';
export * from './component.js';
export * from './boot.js';
