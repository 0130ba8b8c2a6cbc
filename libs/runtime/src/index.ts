export * from './types.js';
export * from './clock.js';
export * from './errors.js';
export * from './core.js';
export * from './plugin.js';
export { createRuntime, type Runtime, type RuntimeOptions } from './runtime.js';
export type { ExitHook } from './proc.js';
