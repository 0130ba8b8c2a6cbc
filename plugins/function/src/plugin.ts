import { createKey } from '@switchyard/boot';
import { checkKeys } from '@switchyard/errors';
import { definePlugin, type Plugin } from '@switchyard/runtime';
import { FunctionCommand } from './commands.js';
import { FunctionHandlers, type Functions } from './handlers.js';
import { buildRegistry, type FunctionTree } from './registry.js';

export interface FunctionPluginOptions {
  /**
   * Functions by dotted name: `{ 'billing.charge': charge }`, or grouped `{ billing: { charge } }`,
   * or a list of such objects (one per module of your app). A name given twice fails the boot.
   */
  functions?: FunctionTree | readonly FunctionTree[];
}

/** The registry and the way to run calls, for plugins that depend on "function" (e.g. contracts). */
export const functionsKey = createKey<Functions>('function.functions');

/**
 * The function module (IDs 140–149): named functions any process can call. The registry is
 * built when the runtime starts; a duplicate or malformed name fails `rt.start()` naming it.
 */
export function functionPlugin(options: FunctionPluginOptions = {}): Plugin {
  return definePlugin({
    name: 'function',
    commands: { first: 140, last: 149 },
    commandNames: FunctionCommand,
    setup: (ctx) => {
      const o = checkKeys('functionPlugin()', options, ['functions'], 'FUNCTION_BAD_OPTIONS');
      const h = new FunctionHandlers(ctx, buildRegistry(o.functions));
      return { handlers: h.handlers, stats: () => h.stats(), provides: ctx.boot.with(functionsKey, h) };
    },
  });
}
