import { functionsKey } from '@switchyard/plugin-function';
import { checkKeys } from '@switchyard/errors';
import { definePlugin, type Plugin } from '@switchyard/runtime';
import { resolveBindings, type BindingOptions } from './bindings.js';
import { ContractCommand } from './commands.js';
import type { Contract } from './contract.js';
import { ContractHandlers } from './handlers.js';

export interface ContractPluginOptions {
  /** Each binds every method of a contract to a function; names are unique. Checked at boot. Default: none. */
  bindings?: readonly BindingOptions<Contract>[];
}

/** Type-check one binding against its contract: every method, and no other, maps to a function name. */
export const bind = <C extends Contract>(binding: BindingOptions<C>): BindingOptions<Contract> => binding as unknown as BindingOptions<Contract>;

/**
 * The contract module (IDs 190–199): typed, validated calls to functions bound at boot. Needs
 * functionPlugin; a binding that misses a method, names an unknown function or repeats a name
 * fails `rt.start()` naming it. Without options it boots with no bindings (every `open` then fails
 * `NO_SUCH_CONTRACT`, saying none is bound).
 */
export function contractPlugin(options: ContractPluginOptions = {}): Plugin {
  return definePlugin({
    name: 'contract',
    commands: { first: 190, last: 199 },
    commandNames: ContractCommand,
    dependsOn: ['function'],
    setup: (ctx) => {
      const o = checkKeys('contractPlugin()', options, ['bindings'], 'CONTRACT_BAD_OPTIONS');
      const functions = ctx.boot.get(functionsKey);
      const { bindings, contracts } = resolveBindings(o.bindings ?? [], functions);
      const h = new ContractHandlers(ctx, functions, bindings, contracts);
      return { handlers: h.handlers, stats: () => h.stats() };
    },
  });
}
