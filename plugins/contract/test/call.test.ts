import { describe, expect, it } from 'vitest';
import { receive } from '@switchyard/runtime';
import { bind, call, close, ContractError, open, type ContractHandle } from '../src/index.js';
import { BillingV, BillingZ, stripeV, stripeZ, withContracts } from './fixtures.js';

describe.each([
  ['zod', BillingZ, stripeZ],
  ['valibot', BillingV, stripeV],
] as const)('contract calls with %s schemas', (_lib, Billing, binding) => {
  it('validates the input (with defaults), calls the bound function and gives the validated output', async () => {
    await using t = await withContracts([binding]);
    const out = await t.rt.run(function* () {
      const billing = yield* open(Billing);
      const receipt = yield* call(billing, 'charge', { card: 'tok', cents: 500 });
      const refunded = yield* call(billing, 'refund', { id: receipt.id });
      return { receipt, refunded };
    });
    // The output schema strips what it does not declare (tenant is absent here anyway).
    expect(out).toEqual({ receipt: { id: 'ch_tok_0', cents: 500 }, refunded: true });
  });

  it('refuses bad input with CONTRACT_INPUT, the issues and their paths, without calling the function', async () => {
    await using t = await withContracts([binding]);
    const error = await t.rt.run(function* () {
      const billing = yield* open(Billing);
      try {
        yield* call(billing, 'charge', { card: 'tok', cents: 5, items: [{ sku: 'a' }, { sku: 7 }] } as never);
      } catch (e) {
        return e as ContractError;
      }
    });
    expect(error).toBeInstanceOf(ContractError);
    expect(error).toMatchObject({ code: 'CONTRACT_INPUT', contract: Billing.name, binding: binding.name, method: 'charge' });
    expect(error!.issues).toHaveLength(1);
    expect(error!.issues![0]!.path).toBe('$.items[1].sku');
    expect(error!.message).toMatch(new RegExp(`^contract "${Billing.name.replace('.', '\\.')}" method "charge": input is invalid: \\$\\.items\\[1\\]\\.sku: `));
    expect(t.rt.stats().plugins.function!.calls).toBe(0);
  });

  it('refuses output that breaks the schema with CONTRACT_OUTPUT naming the function', async () => {
    await using t = await withContracts([bind({ name: 'billing.broken', contract: Billing, methods: { charge: 'stripe.broken', refund: 'stripe.refund' } })]);
    const error = await t.rt.run(function* () {
      const billing = yield* open(Billing);
      try {
        yield* call(billing, 'charge', { card: 'tok', cents: 1 });
      } catch (e) {
        return e as ContractError;
      }
    });
    expect(error).toMatchObject({ code: 'CONTRACT_OUTPUT', method: 'charge' });
    expect(error!.message).toMatch(/output of function "stripe.broken" is invalid/);
    expect(error!.issues!.map((i) => i.path).sort()).toEqual(['$.cents', '$.id']);
  });
});

describe('handles', () => {
  it('are resource-table handles the opener owns; context bound at open reaches every call; close and exit free them', async () => {
    await using t = await withContracts([stripeZ]);
    const result = await t.rt.run(function* () {
      const billing = yield* open(BillingZ, { context: { tenant: 'acme' } });
      const again = yield* open(BillingZ);
      const a = yield* call(billing, 'charge', { card: 'tok', cents: 1 });
      yield* close(again);
      let closed: unknown;
      try {
        yield* call(again, 'refund', { id: 'x' });
      } catch (e) {
        closed = e;
      }
      return { billing, a, closed };
    });
    expect(result.billing).toEqual({ kind: 'contract', id: result.billing.id });
    expect(result.closed).toMatchObject({ code: 'NO_SUCH_RESOURCE' });
    // tenant came through ctx.context, and the output schema (zod object) strips it.
    expect(result.a).toEqual({ id: 'ch_tok_0', cents: 1 });
    expect(t.rt.stats().resources.live).toBe(0);
  });

  it('another process cannot use a handle it does not own (NOT_OWNER); once the owner ends it is gone', async () => {
    await using t = await withContracts([stripeZ]);
    const thief = t.rt.spawn(function* () {
      const handle = (yield* receive<ContractHandle<typeof BillingZ>>({ topic: 'handle' })).payload;
      try {
        yield* call(handle, 'refund', { id: 'ch_x' });
      } catch (e) {
        return e;
      }
    });
    const outcome = t.rt.wait(thief);
    const owner = t.rt.spawn(function* () {
      const billing = yield* open(BillingZ);
      t.rt.send(thief, 'handle', billing);
      yield* receive({ topic: 'stop' });
      return billing;
    });
    await t.settle();
    expect(await outcome).toMatchObject({ kind: 'normal', value: { code: 'NOT_OWNER' } });
    expect(t.rt.stats().resources.byKind.contract).toBe(1);
    t.rt.send(owner, 'stop', null);
    await t.settle();
    expect(t.rt.stats().resources.live).toBe(0);
  });

  it('open fails with NO_SUCH_CONTRACT for an unbound contract, and asks for a binding when there are several', async () => {
    await using t = await withContracts([stripeZ, bind({ name: 'billing.adyen', contract: BillingZ, methods: { charge: 'stripe.charge', refund: 'stripe.refund' } })]);
    const errors = await t.rt.run(function* () {
      const out: unknown[] = [];
      for (const attempt of [() => open(BillingV), () => open(BillingZ), () => open(BillingZ, { binding: 'billing.adyn' })]) {
        try {
          yield* attempt();
        } catch (e) {
          out.push(e);
        }
      }
      const ok = yield* open(BillingZ, { binding: 'billing.adyen' });
      out.push(ok.kind);
      return out;
    });
    expect(errors[0]).toMatchObject({ code: 'NO_SUCH_CONTRACT', contract: 'billing.v' });
    expect((errors[1] as Error).message).toBe('contract "billing" has 2 bindings ("billing.stripe", "billing.adyen"): pass { binding } to open()');
    expect((errors[2] as Error).message).toMatch(/has no binding "billing.adyn" \(did you mean "billing.adyen"\?\)/);
    expect(errors[3]).toBe('contract');
  });
});
