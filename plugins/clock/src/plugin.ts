import { definePlugin, type Plugin } from '@switchyard/runtime';
import { ClockCommand } from './commands.js';
import { ClockHandlers } from './handlers.js';

export interface ClockPlugin extends Plugin {
  /** Timers the plugin holds right now, per runtime it is installed in (0 once every owner exited). */
  activeTimers(): number;
}

/** The clock module: sleep, tickers and timers (IDs 10–29). Uses the runtime's clock. */
export function clockPlugin(): ClockPlugin {
  let handlers: ClockHandlers | undefined;
  const plugin = definePlugin({
    name: 'clock',
    commands: { first: 10, last: 29 },
    commandNames: ClockCommand,
    setup: (ctx) => {
      handlers = new ClockHandlers(ctx);
      return { handlers: handlers.handlers, stop: () => handlers?.dispose() };
    },
  });
  return Object.freeze({ ...plugin, activeTimers: () => handlers?.active ?? 0 });
}
