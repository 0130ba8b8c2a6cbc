export * from './commands.js';
export { HttpError, HttpServerError, JsonBodyError, type HttpErrorCode } from './errors.js';
export * from './plugin.js';
export type { LogEntry, Route, RouteHandler, ServerOptions } from './server.js';
