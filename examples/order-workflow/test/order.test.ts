import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clockPlugin } from '@switchyard/plugin-clock';
import { defineWorkflow, now, sideEffect, upsertAttrs, workflowClient, workflowPlugin, type AnyWorkflow } from '@switchyard/plugin-workflow';
import { sleep } from '@switchyard/plugin-clock';
import { createRuntime, receive } from '@switchyard/runtime';
import { createVirtualClock } from '@switchyard/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { orderAttributes, orderWorkflow, type Order } from '../src/order.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function boot(file: string, workflows: readonly AnyWorkflow[], at = 0) {
  const clock = createVirtualClock(at);
  const rt = createRuntime({ plugins: [clockPlugin(), workflowPlugin({ file, workflows, attributes: orderAttributes, owner: 'shop', leaseMs: 3600_000 })], clock });
  clock.onSettle(async () => {
    for (let i = 0; i < 3; i++) {
      await rt.whenIdle();
      await new Promise((r) => setImmediate(r));
    }
  });
  await rt.start();
  const client = workflowClient(rt);
  await client.ready();
  return { rt, clock, client };
}

const order: Order = { customer: 'acme', items: ['printer'], total: 180, coolingOffMs: 60_000 };

describe('order workflow', () => {
  it('cools off, waits for approval across a restart, charges once and ships by the new carrier selection', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sy-order-'));
    dirs.push(dir);
    const file = join(dir, 'orders.db');
    const a = await boot(file, [orderWorkflow]);
    await a.client.start(orderWorkflow, order, { id: 'o1' });
    await a.clock.advance(30_000);
    expect((await a.client.describe('o1')).attrs).toMatchObject({ stage: 'cooling-off', customer: 'acme' });
    await a.rt.stop();

    const b = await boot(file, [orderWorkflow], 45_000);
    await b.clock.advance(15_000);
    expect((await b.client.describe('o1')).attrs.stage).toBe('awaiting-approval');
    await b.client.signal('o1', 'approval', { by: 'ops', ok: true });
    expect(await b.client.result('o1')).toEqual({ status: 'shipped', payment: 'payment-o1/0/6', carrier: 'express', placedAt: 0, approvedBy: 'ops' });
    expect((await b.client.list({ attrs: { stage: 'shipped' } })).map((r) => r.id)).toEqual(['o1']);
    await b.rt.stop();
  });

  it('keeps the old carrier for an order that passed the change before it was deployed; new orders get the new one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sy-order-'));
    dirs.push(dir);
    const file = join(dir, 'orders.db');
    const a = await boot(file, [orderBeforeTheChange]);
    await a.client.start(orderBeforeTheChange, order, { id: 'old' });
    await a.clock.advance(60_000);
    await a.client.signal('old', 'approval', { by: 'ops', ok: true });
    await a.clock.advance(0);
    expect((await a.client.describe('old')).attrs.stage).toBe('shipped');
    await a.rt.stop();

    // Deploy: the new code replays the old run's journal and takes the old branch.
    const b = await boot(file, [orderWorkflow], 70_000);
    await b.client.start(orderWorkflow, { ...order, coolingOffMs: 0 }, { id: 'new' });
    await b.clock.advance(0);
    await b.client.signal('new', 'approval', { by: 'ops', ok: true });
    expect(await b.client.result('old')).toMatchObject({ status: 'shipped', carrier: 'post' });
    expect(await b.client.result('new')).toMatchObject({ status: 'shipped', carrier: 'express' });
    expect((await b.client.describe('old')).blocked).toBeUndefined();
    await b.rt.stop();
  });

  it('rejects an order whose approval says no', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sy-order-'));
    dirs.push(dir);
    const a = await boot(join(dir, 'orders.db'), [orderWorkflow]);
    await a.client.start(orderWorkflow, order, { id: 'r' });
    await a.clock.advance(60_000);
    await a.client.signal('r', 'approval', { by: 'ops', ok: false });
    expect(await a.client.result('r')).toEqual({ status: 'rejected', placedAt: 0 });
    await a.rt.stop();
  });
});

/** The order workflow as it was before carrier selection: it shipped by post, then waited for a delivery confirmation. */
const orderBeforeTheChange = defineWorkflow('order', function* (_ctx, o: Order) {
  const placedAt = yield* now();
  yield* upsertAttrs({ customer: o.customer, total: o.total, stage: 'cooling-off' });
  yield* sleep(o.coolingOffMs);
  yield* upsertAttrs({ stage: 'awaiting-approval' });
  const approval = yield* receive<{ by: string; ok: boolean }>({ topic: 'approval', timeout: 24 * 3600_000 });
  const payment = yield* sideEffect('charge', (step) => `payment-${step.key}`);
  yield* upsertAttrs({ stage: 'shipped' });
  yield* receive({ topic: 'delivered' });
  return { status: 'shipped', payment, carrier: 'post', placedAt, approvedBy: approval.payload.by };
});
