import { definePlugin, type Plugin } from '@switchyard/runtime';
import { SecurityCommand } from './commands.js';
import { SecurityHandlers } from './handlers.js';
import { DEFAULT_SECURITY_OPTIONS, resolveOptions, type SecurityPluginOptions } from './options.js';

/** Whether any token store keeps its records in the store plugin (then "store" must boot first). */
function usesStorePlugin(options: SecurityPluginOptions): boolean {
  const stores = (options as { stores?: unknown } | undefined)?.stores;
  if (typeof stores !== 'object' || stores === null) return false;
  return Object.values(stores).some((s: unknown) => typeof s === 'object' && s !== null && ('store' in s || 'denylist' in s));
}

/**
 * The security module (IDs 130–139): token stores (opaque tokens hashed in a store, or JWTs),
 * and processes that act for a token's principal. Options are checked when the runtime starts.
 *
 *     securityPlugin({ stores: { api: { type: 'opaque', store: 'tokens', hmacSecret } } })
 *
 * Without options it has one opaque token store named "default", kept in memory
 * (DEFAULT_SECURITY_OPTIONS): tokens are gone when the runtime stops.
 */
export function securityPlugin(options: SecurityPluginOptions = DEFAULT_SECURITY_OPTIONS): Plugin {
  return definePlugin({
    name: 'security',
    commands: { first: 130, last: 139 },
    commandNames: SecurityCommand,
    dependsOn: usesStorePlugin(options) ? ['store'] : [],
    setup: (ctx) => {
      const h = new SecurityHandlers(ctx, resolveOptions(options));
      return { handlers: h.handlers, start: () => h.open(), stats: () => h.stats() };
    },
  });
}
