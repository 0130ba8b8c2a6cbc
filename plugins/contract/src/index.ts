export * from './commands.js';
export { defineContract, type Contract, type MethodInput, type MethodMap, type MethodName, type MethodOutput, type MethodSchemas } from './contract.js';
export { ContractError, type ContractErrorCode, type ContractErrorFields } from './errors.js';
export type { BindingOptions } from './bindings.js';
export type { ContractIssue, StandardSchemaV1 } from './schema.js';
export * from './plugin.js';
