import { createKey } from '@switchyard/boot';
import { definePlugin, type Plugin } from '@switchyard/runtime';
import { StoreCommand, type JsonValue, type SetOptions } from './commands.js';
import { StoreHandlers } from './handlers.js';
import { DEFAULT_STORE_OPTIONS, resolveOptions, type StorePluginOptions } from './options.js';

/** The store plugin value; install one value in as many runtimes as you like. */
export type StorePlugin = Plugin;

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

/**
 * The store module (IDs 120–129): named key-value stores on memory or SQLite. Options are
 * checked when the runtime starts; a bad one fails rt.start() with STORE_BAD_OPTIONS.
 * All state lives in what `setup` creates, one per runtime; its counters are `rt.stats().plugins.store`.
 *
 *     storePlugin({ stores: { cache: { backend: 'memory' }, main: { backend: 'sqlite', file: 'app.db' } } })
 *
 * Without options it opens one memory store named "default" (DEFAULT_STORE_OPTIONS).
 */
export function storePlugin(options: StorePluginOptions = DEFAULT_STORE_OPTIONS): StorePlugin {
  return definePlugin({
    name: 'store',
    commands: { first: 120, last: 129 },
    commandNames: StoreCommand,
    setup: (ctx) => {
      const h = new StoreHandlers(ctx, resolveOptions(options));
      const stores: Stores = Object.freeze({
        names: () => h.names(),
        get: (store: string, key: string) => h.getValue(store, key),
        set: (store: string, key: string, value: unknown, o?: SetOptions) => h.setValue(store, key, value, o),
        delete: (store: string, key: string) => h.deleteValue(store, key),
      });
      return { handlers: h.handlers, stats: () => h.stats(), start: () => h.open(), stop: () => h.close(), provides: ctx.boot.with(storesKey, stores) };
    },
  });
}
