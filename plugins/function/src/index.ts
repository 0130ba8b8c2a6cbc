export * from './commands.js';
export { FunctionError, ForbiddenError, type FunctionErrorCode } from './errors.js';
export { defineFunction, type AnyFunction, type FunctionDef, type FunctionSettings, type FunctionTree } from './registry.js';
export { requireScopes, type Done, type Functions, type InvokeOptions } from './handlers.js';
export * from './plugin.js';
