import { definePlugin, type Plugin } from '@switchyard/runtime';
import { ClockCommand } from './commands.js';
import { ClockHandlers } from './handlers.js';

/** The clock plugin value; install one value in as many runtimes as you like. */
export type ClockPlugin = Plugin;

/**
 * The clock module: sleep, tickers and timers (IDs 10–29). Uses the runtime's clock. All state
 * lives in what `setup` creates, one per runtime; its counters are `rt.stats().plugins.clock`.
 */
export function clockPlugin(): ClockPlugin {
  return definePlugin({
    name: 'clock',
    commands: { first: 10, last: 29 },
    commandNames: ClockCommand,
    setup: (ctx) => {
      const h = new ClockHandlers(ctx);
      return { handlers: h.handlers, stats: () => h.stats(), stop: () => h.dispose() };
    },
  });
}
