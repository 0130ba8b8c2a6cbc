export { defineApp, type App, type AppContext, type AppFactory, type AppInit, type AppProcess, type AppProcessFn, type AppSpec, type CommandNames } from './app.js';
export * from './errors.js';
export { loadApp, type LoadedApp } from './load.js';
export { runApp, type RunOptions, type RunOutcome, type RunResult } from './run.js';
export { inspectCommands, formatCommandTable, type InspectedPlugin } from './inspect.js';
export { describeBootError } from './describe.js';
export { generatePlugin, type NewPluginOptions, type Generated } from './generate/plugin.js';
export { generateMachine, type NewMachineOptions } from './generate/machine.js';
export { main, ExitCode, type CliIO } from './cli.js';
