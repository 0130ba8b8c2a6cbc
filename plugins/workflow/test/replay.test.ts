import { receive } from '@switchyard/runtime';
import { describe, expect, it } from 'vitest';
import { defineWorkflow, sideEffect, uuid, now, random, type WorkflowError } from '../src/index.js';
import { boot, echo, tempFile, until, type Probe } from './helpers.js';

const order = defineWorkflow('order', function* (_ctx, input: { id: string }) {
  const a = yield* echo(`reserve ${input.id}`);
  const b = yield* echo(`charge ${input.id}`);
  const msg = yield* receive<{ ok: boolean }>({ topic: 'approve' });
  const c = yield* echo(`ship ${input.id}`);
  return { steps: [a.value, b.value, c.value], approved: msg.payload.ok, keys: [a.key, b.key, c.key] };
});

describe('run and replay', () => {
  it('runs a workflow to its result, with each step\'s idempotency key visible to its handler', async () => {
    const probe: Probe = { calls: [] };
    const b = await boot({ file: tempFile(), workflows: [order] }, { probe });
    const id = await b.client.start(order, { id: 'o1' }, { id: 'order-1' });
    expect(id).toBe('order-1');
    await until(b, () => probe.calls.length === 2, 'two steps');
    await b.client.signal(id, 'approve', { ok: true });
    const result = await b.client.result(id);
    expect(result).toEqual({ steps: ['reserve o1', 'charge o1', 'ship o1'], approved: true, keys: ['order-1/0/1', 'order-1/0/2', 'order-1/0/4'] });
    expect(probe.calls).toEqual(['reserve o1', 'charge o1', 'ship o1']);
    expect((await b.client.describe(id)).status).toBe('completed');
    // Nothing is left behind: no loaded run, waiter, durable timer or process; after stop, no clock timer.
    await b.settle();
    expect(b.rt.stats().plugins.workflow).toMatchObject({ loaded: 0, resultWaiters: 0, timers: 0, armedTimers: 0 });
    expect(b.rt.stats().processes.live).toBe(0);
    await b.stop();
    expect(b.clock.pending).toBe(0);
  });

  it('replays a recorded run after a restart without calling any handler again, then goes live', async () => {
    const file = tempFile();
    const probe: Probe = { calls: [] };
    const b1 = await boot({ file, workflows: [order], owner: 'node-a' }, { probe });
    await b1.client.start(order, { id: 'o2' }, { id: 'order-2' });
    await until(b1, () => probe.calls.length === 2, 'two steps');
    await b1.stop();
    expect((await (async () => probe.calls)()).length).toBe(2);

    const b2 = await boot({ file, workflows: [order], owner: 'node-a' }, { probe });
    await b2.settle();
    // Recovered and replayed up to the receive: no handler ran again.
    expect(probe.calls).toEqual(['reserve o2', 'charge o2']);
    await b2.client.signal('order-2', 'approve', { ok: false });
    expect(await b2.client.result('order-2')).toMatchObject({ approved: false, steps: ['reserve o2', 'charge o2', 'ship o2'] });
    expect(probe.calls).toEqual(['reserve o2', 'charge o2', 'ship o2']);
    await b2.stop();
  });

  it('journals side effects: now(), random(), uuid() and sideEffect() keep their values across a restart', async () => {
    const file = tempFile();
    let fnCalls = 0;
    const wf = defineWorkflow('effects', function* () {
      const t = yield* now();
      const r = yield* random();
      const u = yield* uuid();
      const s = yield* sideEffect('lookup', async (step) => {
        fnCalls++;
        return `value@${step.key}`;
      });
      yield* receive({ topic: 'go' });
      return { t, r, u, s };
    });
    const b1 = await boot({ file, workflows: [wf], owner: 'n' }, { at: 1_000 });
    await b1.client.start(wf, undefined, { id: 'e1' });
    await b1.settle();
    await b1.stop();
    const b2 = await boot({ file, workflows: [wf], owner: 'n' }, { at: 50_000 });
    await b2.client.signal('e1', 'go');
    const out = (await b2.client.result('e1')) as { t: number; r: number; u: string; s: string };
    expect(out.t).toBe(1_000);
    expect(out.r).toBeGreaterThanOrEqual(0);
    expect(out.r).toBeLessThan(1);
    expect(out.u).toMatch(/^[0-9a-f-]{36}$/);
    expect(out.s).toBe('value@e1/0/4');
    expect(fnCalls).toBe(1);
    await b2.stop();
  });

  it('refuses a second start with a used ID, or attaches to it by option', async () => {
    const b = await boot({ file: tempFile(), workflows: [order] });
    await b.client.start(order, { id: 'x' }, { id: 'dup' });
    await expect(b.client.start(order, { id: 'y' }, { id: 'dup' })).rejects.toMatchObject({ code: 'WORKFLOW_ALREADY_STARTED', runId: 'dup' });
    await expect(b.client.start(order, { id: 'y' }, { id: 'dup', ifExists: 'attach' })).resolves.toBe('dup');
    await b.stop();
  });

  it('cancels a run: its result fails with WORKFLOW_CANCELLED, a second cancel returns false', async () => {
    const b = await boot({ file: tempFile(), workflows: [order] });
    const id = await b.client.start(order, { id: 'c' });
    await b.settle();
    const result = b.client.result(id);
    expect(await b.client.cancel(id, 'customer left')).toBe(true);
    await expect(result).rejects.toMatchObject({ code: 'WORKFLOW_CANCELLED' });
    expect(await b.client.cancel(id)).toBe(false);
    expect((await b.client.describe(id)).status).toBe('cancelled');
    await b.stop();
  });

  it('fails a run whose code throws, and keeps the error code for result()', async () => {
    const wf = defineWorkflow('boom', function* () {
      yield* echo('a');
      const e = Object.assign(new Error('card declined'), { code: 'DECLINED' });
      throw e;
    });
    const b = await boot({ file: tempFile(), workflows: [wf] });
    const id = await b.client.start(wf, undefined);
    await expect(b.client.result(id)).rejects.toMatchObject({ code: 'DECLINED', message: 'card declined' });
    expect((await b.client.describe(id)).status).toBe('failed');
    await b.stop();
  });

  it('names the path of a value the journal cannot hold', async () => {
    const wf = defineWorkflow('bad-value', function* () {
      try {
        yield* sideEffect('fn', () => ({ items: [1, { cb: () => 1 }] }));
        return 'no error';
      } catch (error) {
        return `${(error as WorkflowError).code} ${(error as WorkflowError & { path: string }).path}`;
      }
    });
    const b = await boot({ file: tempFile(), workflows: [wf] });
    expect(await b.client.execute(wf, undefined)).toBe('WORKFLOW_NOT_ENCODABLE $.items[1].cb');
    await expect(b.client.start(wf, (() => 1) as never)).rejects.toMatchObject({ code: 'WORKFLOW_NOT_ENCODABLE', path: '$' });
    await b.stop();
  });
});
