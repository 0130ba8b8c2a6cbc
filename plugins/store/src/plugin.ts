import { createKey } from '@switchyard/boot';
import { definePlugin, type Plugin } from '@switchyard/runtime';
import { StoreCommand, type JsonValue, type SetOptions } from './commands.js';
import { StoreHandlers } from './handlers.js';
import { resolveOptions, type StorePluginOptions } from './options.js';

export interface StoreStats {
  /** Records held, including expired ones not yet swept. */
  keys: number;
  /** Whether the store's sweep timer is armed (only while some value can expire). */
  sweepTimer: boolean;
}

/**
 * The stores, for plugins that depend on "store" (`dependsOn: ['store']`, then
 * `ctx.boot.get(storesKey)`): the same checks, errors and expiry as the commands, synchronous.
 */
export interface Stores {
  names(): string[];
  get(store: string, key: string): JsonValue | undefined;
  set(store: string, key: string, value: unknown, options?: SetOptions): number;
  delete(store: string, key: string): boolean;
}

export const storesKey = createKey<Stores>('store.stores');

export interface StorePlugin extends Plugin {
  /** Per store, for the runtime this plugin was last started in. */
  stats(): Record<string, StoreStats>;
}

/**
 * The store module (IDs 120–129): named key-value stores on memory or SQLite. Options are
 * checked when the runtime starts; a bad one fails rt.start() with STORE_BAD_OPTIONS.
 *
 *     storePlugin({ stores: { cache: { backend: 'memory' }, main: { backend: 'sqlite', file: 'app.db' } } })
 */
export function storePlugin(options: StorePluginOptions): StorePlugin {
  let handlers: StoreHandlers | undefined;
  const plugin = definePlugin({
    name: 'store',
    commands: { first: 120, last: 129 },
    commandNames: StoreCommand,
    setup: (ctx) => {
      const h = new StoreHandlers(ctx, resolveOptions(options));
      handlers = h;
      const stores: Stores = Object.freeze({
        names: () => h.names(),
        get: (store: string, key: string) => h.getValue(store, key),
        set: (store: string, key: string, value: unknown, o?: SetOptions) => h.setValue(store, key, value, o),
        delete: (store: string, key: string) => h.deleteValue(store, key),
      });
      return { handlers: h.handlers, start: () => h.open(), stop: () => h.close(), provides: ctx.boot.with(storesKey, stores) };
    },
  });
  return Object.freeze({ ...plugin, stats: () => handlers?.stats() ?? {} });
}
