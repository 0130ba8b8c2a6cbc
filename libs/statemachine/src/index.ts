export * from './types.js';
export * from './errors.js';
export { brk, stay, changeQueue, finish, emergency, isDirective, Directive } from './directives.js';
export { defineMachine, relocatable, events, machineBuilder, MachineBuilder, POST_TOPIC, type MachineDefinition } from './define.js';
export { machine } from './core.js';
export { postTo, post, inspect, spawnMachine, MachineHandle } from './api.js';
export { runtimeOf } from './registry.js';
