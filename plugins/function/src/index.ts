export * from './commands.js';
export { FunctionError, type FunctionErrorCode } from './errors.js';
export { defineFunction, type AnyFunction, type FunctionDef, type FunctionSettings, type FunctionTree } from './registry.js';
export type { Done, Functions, InvokeOptions } from './handlers.js';
export * from './plugin.js';
