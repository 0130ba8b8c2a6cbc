import { describeValue, didYouMean } from '@switchyard/errors';
import type { Functions } from '@switchyard/plugin-function';
import type { Contract } from './contract.js';
import { ContractError } from './errors.js';

/** Binds every method of a contract to a function name. */
export interface BindingOptions<C extends Contract = Contract> {
  /** The binding's name, unique in the runtime, e.g. "billing.stripe". */
  name: string;
  contract: C;
  /** Method → function name (registered with functionPlugin). */
  methods: { readonly [K in keyof C['methods']]: string };
  /** Every caller's principal must have these scopes (FORBIDDEN otherwise). */
  scopes?: readonly string[];
}

export interface Binding {
  readonly name: string;
  readonly contract: Contract;
  readonly methods: ReadonlyMap<string, string>;
  readonly scopes: readonly string[];
}

const q = (names: readonly string[]) => names.map((n) => `"${n}"`).join(', ');

/** Check the bindings against their contracts and the function registry; any fault fails the boot. */
export function resolveBindings(bindings: unknown, functions: Functions): { bindings: Map<string, Binding>; contracts: Map<string, Contract> } {
  if (!Array.isArray(bindings)) throw new ContractError('CONTRACT_BAD_BINDING', `contractPlugin(): bindings must be an array of { name, contract, methods }, got ${describeValue(bindings)}`);
  const out = new Map<string, Binding>();
  const contracts = new Map<string, Contract>();
  bindings.forEach((raw: unknown, i) => {
    const b = raw as Partial<BindingOptions> | null;
    const where = `contractPlugin(): bindings[${i}]`;
    if (typeof b !== 'object' || b === null) throw new ContractError('CONTRACT_BAD_BINDING', `${where} must be { name, contract, methods }, got ${describeValue(b)}`);
    const name = b.name;
    if (typeof name !== 'string' || name === '') throw new ContractError('CONTRACT_BAD_BINDING', `${where}: name must be a non-empty string, got ${describeValue(name)}`);
    const contract = b.contract;
    if (typeof contract !== 'object' || contract === null || typeof contract.name !== 'string' || typeof contract.methods !== 'object') {
      throw new ContractError('CONTRACT_BAD_BINDING', `binding "${name}": contract must be what defineContract returned, got ${describeValue(contract)}`, { binding: name });
    }
    const fields = { binding: name, contract: contract.name };
    const at = `binding "${name}" of contract "${contract.name}"`;
    if (out.has(name)) throw new ContractError('CONTRACT_DUPLICATE_BINDING', `binding "${name}" is given twice (bindings[${[...out.keys()].indexOf(name)}] and bindings[${i}]); bindings are never overwritten`, fields);
    const known = contracts.get(contract.name);
    if (known !== undefined && known !== contract) throw new ContractError('CONTRACT_BAD_BINDING', `${at}: another contract is named "${contract.name}" too; contract names must be unique`, fields);
    const methods = b.methods as Record<string, unknown> | undefined;
    if (typeof methods !== 'object' || methods === null) throw new ContractError('CONTRACT_BAD_BINDING', `${at}: methods must map each method to a function name`, fields);
    const wanted = Object.keys(contract.methods);
    const missing = wanted.filter((m) => !(m in methods));
    const extra = Object.keys(methods).filter((m) => !wanted.includes(m));
    if (missing.length > 0) throw new ContractError('CONTRACT_BAD_BINDING', `${at} misses ${missing.length === 1 ? 'method' : 'methods'} ${q(missing)}`, { ...fields, methods: missing });
    if (extra.length > 0) {
      throw new ContractError('CONTRACT_BAD_BINDING', `${at} binds ${q(extra)}, which ${extra.length === 1 ? 'is not a method' : 'are not methods'} of the contract${didYouMean(extra[0]!, wanted)}`, { ...fields, methods: extra });
    }
    const unknown: string[] = [];
    const reasons: string[] = [];
    for (const m of wanted) {
      const fn = methods[m];
      if (typeof fn !== 'string' || !functions.has(fn)) {
        unknown.push(String(fn));
        reasons.push(`method "${m}" names function ${describeValue(fn)}${typeof fn === 'string' ? didYouMean(fn, functions.names()) : ''}`);
      }
    }
    if (unknown.length > 0) throw new ContractError('CONTRACT_BAD_BINDING', `${at} names unknown functions: ${reasons.join('; ')}`, { ...fields, functions: unknown });
    const scopes = b.scopes ?? [];
    if (!Array.isArray(scopes) || scopes.some((s) => typeof s !== 'string' || s === '')) throw new ContractError('CONTRACT_BAD_BINDING', `${at}: scopes must be an array of non-empty strings`, fields);
    contracts.set(contract.name, contract);
    out.set(name, Object.freeze({ name, contract, methods: new Map(wanted.map((m) => [m, methods[m] as string])), scopes: Object.freeze([...scopes]) }));
  });
  return { bindings: out, contracts };
}
