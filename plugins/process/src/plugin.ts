import { definePlugin, type Plugin } from '@switchyard/runtime';
import { ProcessCommand } from './commands.js';
import { processHandlers } from './handlers.js';

/** The process module: send, spawn, terminate, cancel, monitor, link, exec (IDs 1–9). */
export function processPlugin(): Plugin {
  return definePlugin({
    name: 'process',
    commands: { first: 1, last: 9 },
    commandNames: ProcessCommand,
    setup: (ctx) => ({ handlers: processHandlers(ctx.runtime, ctx.principals) }),
  });
}
