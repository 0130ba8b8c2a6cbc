import { definePlugin, type Plugin } from '@switchyard/runtime';
import { GREETER_IDS } from './commands.js';
import { GreeterHandlers, resolveOptions, type GreeterOptions } from './handlers.js';

export interface GreeterPlugin extends Plugin {
  /** Greetings in flight in the runtime this plugin instance was last started in. */
  pending(): number;
}

/** The greeter module: greet, greetings, forget (IDs 256–263). */
export function greeterPlugin(options: GreeterOptions = {}): GreeterPlugin {
  const resolved = resolveOptions(options);
  let handlers: GreeterHandlers | undefined;
  const plugin = definePlugin({
    name: 'greeter',
    commands: GREETER_IDS,
    setup: (ctx) => {
      handlers = new GreeterHandlers(ctx.clock, resolved);
      return { handlers: handlers.handlers, stop: () => handlers?.dispose() };
    },
  });
  return Object.freeze({ ...plugin, pending: () => handlers?.pending ?? 0 });
}
