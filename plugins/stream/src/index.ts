export * from './commands.js';
export * from './helpers.js';
export { adoptStream, streamChunks, useStream, type AdoptOptions } from './adopt.js';
export { StreamError, StreamSource, type StreamErrorCode } from './source.js';
export * from './plugin.js';
