export * from './virtual-clock.js';
export * from './test-runtime.js';
export * from './errors.js';
