import { sleep } from '@switchyard/plugin-clock';
import { receive } from '@switchyard/runtime';
import { describe, expect, it } from 'vitest';
import { callWorkflow, continueAsNew, defineWorkflow, upsertAttrs, type RunInfo } from '../src/index.js';
import { boot, echo, tempFile, until, type Probe } from './helpers.js';

const child = defineWorkflow('child', function* (ctx, n: number) {
  yield* echo(`child ${ctx.runId} start`);
  yield* receive({ topic: 'finish' });
  return n * 10;
});

const parent = defineWorkflow('parent', function* (ctx) {
  const a = yield* callWorkflow(child, 1);
  const b = yield* callWorkflow(child, 2, { id: `${ctx.runId}-second` });
  return a + b;
});

describe('child workflows', () => {
  it('re-attach to the same child after a crash instead of starting a second one', async () => {
    const file = tempFile();
    const probe: Probe = { calls: [] };
    const b1 = await boot({ file, workflows: [parent, child], owner: 'n' }, { probe });
    await b1.client.start(parent, undefined, { id: 'p' });
    await until(b1, () => probe.calls.length === 1, 'first child to start');
    await b1.stop();

    const b2 = await boot({ file, workflows: [parent, child], owner: 'n' }, { probe });
    await b2.settle();
    const kids = await b2.client.list({ parent: 'p' });
    expect(kids.map((k: RunInfo) => k.id)).toEqual(['p/0/1']);
    await b2.client.signal('p/0/1', 'finish');
    await until(b2, () => probe.calls.length === 2, 'second child');
    await b2.client.signal('p-second', 'finish');
    expect(await b2.client.result('p')).toBe(30);
    expect(probe.calls).toEqual(['child p/0/1 start', 'child p-second start']);
    expect((await b2.client.list({ parent: 'p' })).map((k) => k.id).sort()).toEqual(['p-second', 'p/0/1']);
    await b2.stop();
  });
});

describe('search attributes', () => {
  const attributes = { customer: 'keyword', note: 'text', total: 'double', items: 'int', vip: 'bool', due: 'datetime', tags: 'keywordList' } as const;
  const wf = defineWorkflow('sale', function* (_ctx, input: { customer: string; total: number; tags: string[]; vip: boolean }) {
    yield* upsertAttrs({ customer: input.customer, total: input.total, tags: input.tags, vip: input.vip, note: `Order for ${input.customer}`, due: new Date(86_400_000), items: 3 });
    yield* receive({ topic: 'done' });
    yield* upsertAttrs({ tags: null });
    return 'ok';
  });

  it('are typed, refuse undeclared keys at once, and filter runs through parameterised SQL', async () => {
    const b = await boot({ file: tempFile(), workflows: [wf], attributes });
    await b.client.start(wf, { customer: 'acme', total: 120.5, tags: ['eu', 'rush'], vip: true }, { id: 's1' });
    await b.client.start(wf, { customer: 'globex', total: 80, tags: ['us'], vip: false }, { id: 's2' });
    await b.client.start(wf, { customer: "o'brien; DROP TABLE wf_runs", total: 10, tags: [], vip: false }, { id: 's3' });
    await b.settle();
    const ids = async (f: Parameters<typeof b.client.list>[0]) => (await b.client.list({ ...f, order: 'oldest' })).map((r) => r.id);
    expect(await ids({ attrs: { customer: 'acme' } })).toEqual(['s1']);
    expect(await ids({ attrs: { total: { gte: 80 } } })).toEqual(['s1', 's2']);
    expect(await ids({ attrs: { total: { lt: 100 }, vip: false } })).toEqual(['s2', 's3']);
    expect(await ids({ attrs: { tags: { contains: 'rush' } } })).toEqual(['s1']);
    expect(await ids({ attrs: { note: { contains: 'ORDER acme' } } })).toEqual(['s1']);
    expect(await ids({ attrs: { customer: { in: ['globex', "o'brien; DROP TABLE wf_runs"] } } })).toEqual(['s2', 's3']);
    expect(await ids({ attrs: { customer: { ne: 'acme' } } })).toEqual(['s2', 's3']);
    expect(await ids({ attrs: { due: { lt: new Date(86_400_001) } }, workflow: 'sale', status: 'running' })).toEqual(['s1', 's2', 's3']);
    expect((await b.client.describe('s1')).attrs).toEqual({ customer: 'acme', total: 120.5, tags: ['eu', 'rush'], vip: true, note: 'Order for acme', due: new Date(86_400_000), items: 3 });

    await b.client.signal('s1', 'done');
    await b.client.result('s1');
    expect(await ids({ status: 'completed' })).toEqual(['s1']);
    expect(await ids({ attrs: { tags: { exists: false } } })).toEqual(['s1', 's3']);

    await expect(b.client.list({ attrs: { customr: 'x' } })).rejects.toMatchObject({ code: 'WORKFLOW_BAD_FILTER', message: expect.stringContaining('did you mean "customer"') });
    await expect(b.client.list({ attrs: { total: { gt: 'lots' } } })).rejects.toMatchObject({ code: 'WORKFLOW_BAD_FILTER' });
    await expect(b.client.list({ status: 'done' as 'completed' })).rejects.toMatchObject({ code: 'WORKFLOW_BAD_FILTER' });
    await b.stop();
  });

  it('fail the yield at once for an undeclared key or a wrong type', async () => {
    const bad = defineWorkflow('bad-attrs', function* () {
      const codes: string[] = [];
      for (const attrs of [{ colour: 'red' }, { total: 'ten' }] as Record<string, string>[]) {
        try {
          yield* upsertAttrs(attrs);
        } catch (error) {
          codes.push(`${(error as { code: string }).code}: ${(error as Error).message}`);
        }
      }
      return codes;
    });
    const b = await boot({ file: tempFile(), workflows: [bad], attributes });
    expect(await b.client.execute(bad, undefined, { id: 'x' })).toEqual([
      `WORKFLOW_BAD_ATTRIBUTE: search attribute "colour" is not declared; declare it in workflowPlugin({ attributes: { colour: 'keyword' } })`,
      'WORKFLOW_BAD_ATTRIBUTE: search attribute "total" is declared double and takes a finite number, got string',
    ]);
    await b.stop();
  });
});

describe('continueAsNew and retention', () => {
  it('continueAsNew starts the run over with a fresh journal and the new input, keeping its ID', async () => {
    const counter = defineWorkflow('counter', function* (ctx, n: number) {
      yield* echo(`gen ${ctx.generation} n ${n}`);
      if (n < 3) return continueAsNew(n + 1);
      return `done at generation ${ctx.generation}`;
    });
    const probe: Probe = { calls: [] };
    const b = await boot({ file: tempFile(), workflows: [counter] }, { probe });
    expect(await b.client.execute(counter, 0, { id: 'c' })).toBe('done at generation 3');
    expect(probe.calls).toEqual(['gen 0 n 0', 'gen 1 n 1', 'gen 2 n 2', 'gen 3 n 3']);
    expect((await b.client.describe('c')).generation).toBe(3);
    await b.stop();
  });

  it('deletes closed runs once the retention has passed', async () => {
    const quick = defineWorkflow('quick', function* () {
      yield* sleep(1);
      return 1;
    });
    const b = await boot({ file: tempFile(), workflows: [quick], retentionMs: 60_000, leaseMs: 30_000 });
    const id = await b.client.start(quick, undefined);
    await b.clock.advance(10);
    await b.client.result(id);
    await b.clock.advance(30_000);
    expect((await b.client.list({})).length).toBe(1);
    await b.clock.advance(40_000);
    expect(await b.client.list({})).toEqual([]);
    await expect(b.client.describe(id)).rejects.toMatchObject({ code: 'WORKFLOW_NO_SUCH_RUN' });
    await b.stop();
  });
});
