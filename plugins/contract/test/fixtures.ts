import { clockPlugin } from '@switchyard/plugin-clock';
import { functionPlugin, type FunctionContext } from '@switchyard/plugin-function';
import type { Plugin } from '@switchyard/runtime';
import { createTestRuntime } from '@switchyard/testing';
import * as v from 'valibot';
import { z } from 'zod';
import { bind, contractPlugin, defineContract, type BindingOptions, type Contract } from '../src/index.js';

/** The same contract twice: once with zod schemas, once with valibot. */
export const BillingZ = defineContract('billing', {
  charge: {
    input: z.object({ card: z.string().min(3), cents: z.number().int().positive(), items: z.array(z.object({ sku: z.string() })).default([]) }),
    output: z.object({ id: z.string(), cents: z.number() }),
  },
  refund: { input: z.object({ id: z.string() }), output: z.boolean() },
});

export const BillingV = defineContract('billing.v', {
  charge: {
    input: v.object({ card: v.pipe(v.string(), v.minLength(3)), cents: v.pipe(v.number(), v.integer(), v.minValue(1)), items: v.optional(v.array(v.object({ sku: v.string() })), []) }),
    output: v.object({ id: v.string(), cents: v.number() }),
  },
  refund: { input: v.object({ id: v.string() }), output: v.boolean() },
});

export const functions = {
  stripe: {
    charge: async (ctx: FunctionContext, input: { card: string; cents: number; items: { sku: string }[] }) => ({
      id: `ch_${input.card}_${input.items.length}`,
      cents: input.cents,
      ...(ctx.context.tenant === undefined ? {} : { tenant: ctx.context.tenant }),
    }),
    refund: async (_ctx: FunctionContext, input: { id: string }) => input.id.startsWith('ch_'),
    broken: async () => ({ id: 42 }),
  },
};

export async function withContracts(bindings: BindingOptions<Contract>[], extra: Plugin[] = []) {
  return createTestRuntime({ plugins: [functionPlugin({ functions }), contractPlugin({ bindings }), clockPlugin(), ...extra] });
}

export const stripeZ = bind({ name: 'billing.stripe', contract: BillingZ, methods: { charge: 'stripe.charge', refund: 'stripe.refund' } });
export const stripeV = bind({ name: 'billing.v.stripe', contract: BillingV, methods: { charge: 'stripe.charge', refund: 'stripe.refund' } });
