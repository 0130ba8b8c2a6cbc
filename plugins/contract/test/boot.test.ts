import { functionPlugin } from '@switchyard/plugin-function';
import { createRuntime } from '@switchyard/runtime';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { contractPlugin, ContractError, defineContract, open, type BindingOptions, type Contract } from '../src/index.js';
import { BillingZ, functions } from './fixtures.js';

async function bootError(bindings: unknown[]): Promise<ContractError> {
  const rt = createRuntime({ plugins: [functionPlugin({ functions }), contractPlugin({ bindings: bindings as BindingOptions<Contract>[] })] });
  try {
    await rt.start();
  } catch (error) {
    let e: unknown = error;
    while (e !== undefined && !(e instanceof ContractError)) e = (e as { cause?: unknown }).cause;
    if (e instanceof ContractError) return e;
    throw error;
  } finally {
    await rt.stop();
  }
  throw new Error('the boot did not fail');
}

describe('bindings at boot', () => {
  it('fails naming the methods a binding misses', async () => {
    const e = await bootError([{ name: 'b', contract: BillingZ, methods: { charge: 'stripe.charge' } }]);
    expect(e).toMatchObject({ code: 'CONTRACT_BAD_BINDING', binding: 'b', contract: 'billing', methods: ['refund'] });
    expect(e.message).toBe('binding "b" of contract "billing" misses method "refund"');
  });

  it('fails naming unknown functions, with a did-you-mean', async () => {
    const e = await bootError([{ name: 'b', contract: BillingZ, methods: { charge: 'stripe.chrge', refund: 'nope.refund' } }]);
    expect(e).toMatchObject({ code: 'CONTRACT_BAD_BINDING', functions: ['stripe.chrge', 'nope.refund'] });
    expect(e.message).toBe('binding "b" of contract "billing" names unknown functions: method "charge" names function "stripe.chrge" (did you mean "stripe.charge"?); method "refund" names function "nope.refund"');
  });

  it('fails on methods the contract does not have', async () => {
    const e = await bootError([{ name: 'b', contract: BillingZ, methods: { charge: 'stripe.charge', refund: 'stripe.refund', refnd: 'stripe.refund' } }]);
    expect(e.message).toMatch(/binds "refnd", which is not a method of the contract \(did you mean "refund"\?\)/);
  });

  it('fails on two bindings with one name (never overwrites), and on two contracts with one name', async () => {
    const ok = { name: 'b', contract: BillingZ, methods: { charge: 'stripe.charge', refund: 'stripe.refund' } };
    const dup = await bootError([ok, { ...ok }]);
    expect(dup).toMatchObject({ code: 'CONTRACT_DUPLICATE_BINDING', binding: 'b' });
    expect(dup.message).toBe('binding "b" is given twice (bindings[0] and bindings[1]); bindings are never overwritten');
    const twin = defineContract('billing', { refund: { input: z.string(), output: z.boolean() } });
    const e = await bootError([ok, { name: 'c', contract: twin, methods: { refund: 'stripe.refund' } }]);
    expect(e.message).toMatch(/another contract is named "billing" too/);
  });

  it('boots without options (no bindings): open then fails NO_SUCH_CONTRACT saying none is bound', async () => {
    const rt = createRuntime({ plugins: [functionPlugin(), contractPlugin()] });
    await rt.start();
    try {
      const e = await rt.run(function* () {
        try {
          yield* open(BillingZ);
        } catch (error) {
          return error as ContractError;
        }
        throw new Error('open did not fail');
      });
      expect(e).toMatchObject({ code: 'NO_SUCH_CONTRACT' });
      expect(e.message).toBe('no contract "billing" is bound (bound: none)');
      expect(rt.stats().plugins.contract).toMatchObject({ bindings: 0 });
      expect(rt.stats().resources.live).toBe(0);
    } finally {
      await rt.stop();
    }
  });

  it('needs the function plugin', async () => {
    const rt = createRuntime({ plugins: [contractPlugin({ bindings: [] })] });
    await expect(rt.start()).rejects.toThrow(/"contract" depends on "function"/);
    await rt.stop();
  });

  it('defineContract refuses what is not a Standard Schema', () => {
    expect(() => defineContract('x', { m: { input: { parse: () => 1 }, output: z.string() } } as never)).toThrow(/method "m" needs an input schema implementing Standard Schema/);
    expect(() => defineContract('bad name', { m: { input: z.string(), output: z.string() } })).toThrow(ContractError);
  });
});
