import { definePlugin, type Plugin } from '@switchyard/runtime';
import { EventCommand } from './commands.js';
import { EventHandlers } from './handlers.js';

/** The event plugin value; install one value in as many runtimes as you like. */
export type EventPlugin = Plugin;

/**
 * The event module: processes subscribe to and publish on the runtime's bus (IDs 90–99). All
 * state lives in what `setup` creates, one per runtime; its counters are `rt.stats().plugins.event`.
 */
export function eventPlugin(): EventPlugin {
  return definePlugin({
    name: 'event',
    commands: { first: 90, last: 99 },
    commandNames: EventCommand,
    setup: (ctx) => {
      const h = new EventHandlers(ctx);
      return { handlers: h.handlers, stats: () => h.stats(), stop: () => h.dispose() };
    },
  });
}
