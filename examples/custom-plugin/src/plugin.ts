import { definePlugin, type Plugin } from '@switchyard/runtime';
import { GREETER_IDS, GreeterCommand } from './commands.js';
import { GreeterHandlers, resolveOptions, type GreeterOptions } from './handlers.js';

/**
 * The greeter module: greet, greetings, forget (IDs 256–263). The factory only checks options;
 * everything the plugin keeps lives in what setup creates, so one plugin value can be installed
 * in several runtimes. Its counters show in `rt.stats().plugins.greeter`.
 */
export function greeterPlugin(options: GreeterOptions = {}): Plugin {
  const resolved = resolveOptions(options);
  return definePlugin({
    name: 'greeter',
    commands: GREETER_IDS,
    commandNames: GreeterCommand,
    setup: (ctx) => {
      const handlers = new GreeterHandlers(ctx.clock, resolved);
      return { handlers: handlers.handlers, stop: () => handlers.dispose(), stats: () => ({ pending: handlers.pending }) };
    },
  });
}
