import { definePlugin, type Plugin } from '@switchyard/runtime';
import { EventCommand } from './commands.js';
import { EventHandlers } from './handlers.js';

export interface EventPlugin extends Plugin {
  /** Live process subscriptions in the runtime this instance was last started in. */
  activeSubscriptions(): number;
}

/** The event module: processes subscribe to and publish on the runtime's bus (IDs 90–99). */
export function eventPlugin(): EventPlugin {
  let handlers: EventHandlers | undefined;
  const plugin = definePlugin({
    name: 'event',
    commands: { first: 90, last: 99 },
    commandNames: EventCommand,
    setup: (ctx) => {
      handlers = new EventHandlers(ctx.runtime);
      return { handlers: handlers.handlers, stop: () => handlers?.dispose() };
    },
  });
  return Object.freeze({ ...plugin, activeSubscriptions: () => handlers?.active ?? 0 });
}
