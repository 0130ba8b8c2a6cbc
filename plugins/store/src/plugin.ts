import { definePlugin, type Plugin } from '@switchyard/runtime';
import { StoreCommand } from './commands.js';
import { StoreHandlers } from './handlers.js';
import { DEFAULT_STORE_OPTIONS, resolveOptions, type StorePluginOptions } from './options.js';

export interface StoreStats {
  /** Records held, including expired ones not yet swept. */
  keys: number;
  /** Whether the store's sweep timer is armed (only while some value can expire). */
  sweepTimer: boolean;
}

export interface StorePlugin extends Plugin {
  /** Per store, for the runtime this plugin was last started in. */
  stats(): Record<string, StoreStats>;
}

/**
 * The store module (IDs 120–129): named key-value stores on memory or SQLite. Options are
 * checked when the runtime starts; a bad one fails rt.start() with STORE_BAD_OPTIONS.
 *
 *     storePlugin({ stores: { cache: { backend: 'memory' }, main: { backend: 'sqlite', file: 'app.db' } } })
 *
 * Without options it opens one memory store named "default" (DEFAULT_STORE_OPTIONS).
 */
export function storePlugin(options: StorePluginOptions = DEFAULT_STORE_OPTIONS): StorePlugin {
  let handlers: StoreHandlers | undefined;
  const plugin = definePlugin({
    name: 'store',
    commands: { first: 120, last: 129 },
    commandNames: StoreCommand,
    setup: (ctx) => {
      const h = new StoreHandlers(ctx, resolveOptions(options));
      handlers = h;
      return { handlers: h.handlers, start: () => h.open(), stop: () => h.close() };
    },
  });
  return Object.freeze({ ...plugin, stats: () => handlers?.stats() ?? {} });
}
