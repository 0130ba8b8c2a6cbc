export * from './commands.js';
export * from './errors.js';
export * from './plugin.js';
export type { LogEntry, Route, RouteHandler, ServerOptions } from './server.js';
