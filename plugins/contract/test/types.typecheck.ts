// Type-level tests: checked by `tsc -p plugins/contract/tsconfig.json`, never run.
// Each @ts-expect-error must be an error, or tsc fails with "Unused '@ts-expect-error' directive".
import * as v from 'valibot';
import { z } from 'zod';
import { bind, call, defineContract, open, startCall, type ContractHandle, type MethodInput, type MethodOutput } from '../src/index.js';

const Billing = defineContract('billing', {
  charge: { input: z.object({ card: z.string(), cents: z.number() }), output: z.object({ id: z.string() }) },
  refund: { input: v.object({ id: v.string() }), output: v.boolean() },
});

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const assertType = <T extends true>(_t?: T) => {};

assertType<Equal<MethodInput<typeof Billing, 'charge'>, { card: string; cents: number }>>();
assertType<Equal<MethodOutput<typeof Billing, 'refund'>, boolean>>();

export function* good(billing: ContractHandle<typeof Billing>) {
  const receipt = yield* call(billing, 'charge', { card: 'tok', cents: 5 });
  assertType<Equal<typeof receipt, { id: string }>>();
  const ok = yield* call(billing, 'refund', { id: receipt.id });
  assertType<Equal<typeof ok, boolean>>();
  yield* startCall(billing, 'refund', { id: 'x' }, { topic: 't' });
  const handle = yield* open(Billing);
  assertType<Equal<typeof handle, ContractHandle<typeof Billing>>>();
}

export function* wrongMethod(billing: ContractHandle<typeof Billing>) {
  // @ts-expect-error: no such method
  yield* call(billing, 'chargee', { card: 'tok', cents: 5 });
}

export function* wrongInput(billing: ContractHandle<typeof Billing>) {
  // @ts-expect-error: cents must be a number
  yield* call(billing, 'charge', { card: 'tok', cents: '5' });
}

export function* missingField(billing: ContractHandle<typeof Billing>) {
  // @ts-expect-error: card is required
  yield* call(billing, 'charge', { cents: 5 });
}

export function* wrongOutputUse(billing: ContractHandle<typeof Billing>) {
  const ok = yield* call(billing, 'refund', { id: 'x' });
  // @ts-expect-error: the output is a boolean
  ok.id;
}

export function* valibotInput(billing: ContractHandle<typeof Billing>) {
  // @ts-expect-error: refund's valibot schema wants { id: string }
  yield* call(billing, 'refund', { id: 1 });
}

const Other = defineContract('other', { ping: { input: z.null(), output: z.literal('pong') } });
export function* otherContractsHandle(other: ContractHandle<typeof Other>) {
  // @ts-expect-error: "charge" is not a method of Other
  yield* call(other, 'charge', { card: 'tok', cents: 5 });
}

export const goodBinding = bind({ name: 'b', contract: Billing, methods: { charge: 'f.charge', refund: 'f.refund' } });
// @ts-expect-error: a binding must name a function for every method
export const missingBinding = bind({ name: 'b', contract: Billing, methods: { charge: 'f.charge' } });
