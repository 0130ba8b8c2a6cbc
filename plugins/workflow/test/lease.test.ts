import { receive } from '@switchyard/runtime';
import { describe, expect, it } from 'vitest';
import { defineWorkflow, type WorkflowStats } from '../src/index.js';
import { boot, echo, tempFile, until, type Booted, type Probe } from './helpers.js';

const wf = defineWorkflow('leased', function* (ctx) {
  yield* echo(`before ${ctx.runId}`);
  yield* receive({ topic: 'go' });
  yield* echo(`after ${ctx.runId}`);
  return ctx.runId;
});

const stats = (b: Booted) => b.rt.stats().plugins.workflow as unknown as WorkflowStats;

describe('leases: two runtimes on one database', () => {
  it('never runs a run another runtime holds; takes it over once released', async () => {
    const file = tempFile();
    const pa: Probe = { calls: [] };
    const pb: Probe = { calls: [] };
    const a = await boot({ file, workflows: [wf], owner: 'a', leaseMs: 1000 }, { probe: pa });
    const b = await boot({ file, workflows: [wf], owner: 'b', leaseMs: 1000 }, { probe: pb });
    const ids = [];
    for (let i = 0; i < 10; i++) ids.push(await a.client.start(wf, undefined, { id: `run-${i}` }));
    await until(a, () => pa.calls.length === 10, 'first steps in a');
    for (let t = 0; t < 5; t++) {
      await a.clock.advance(400);
      await b.clock.advance(400);
    }
    expect(stats(a).loaded).toBe(10);
    expect(stats(b).loaded).toBe(0);
    expect(pb.calls).toEqual([]);

    await a.stop();
    await b.clock.advance(400);
    await until(b, () => stats(b).loaded === 10, 'b to take the runs');
    for (const id of ids) await b.client.signal(id, 'go');
    for (const id of ids) expect(await b.client.result(id)).toBe(id);
    // The first steps were recorded by a and replayed by b, never run again.
    expect(pb.calls.filter((c) => c.startsWith('before'))).toEqual([]);
    expect(pb.calls.filter((c) => c.startsWith('after')).length).toBe(10);
    await b.stop();
  });

  it('a signal stored through another runtime wakes the holder\'s run at its next poll, and only that run', async () => {
    const file = tempFile();
    const pa: Probe = { calls: [] };
    const a = await boot({ file, workflows: [wf], owner: 'a', leaseMs: 3000 }, { probe: pa });
    const b = await boot({ file, workflows: [wf], owner: 'b', leaseMs: 3000 });
    await a.client.start(wf, undefined, { id: 's1' });
    await a.client.start(wf, undefined, { id: 's2' });
    await until(a, () => pa.calls.length === 2, 'first steps in a');
    await b.client.signal('s2', 'go');
    expect(pa.calls).toEqual(['before s1', 'before s2']);
    await a.clock.advance(1000);
    expect(await a.client.result('s2')).toBe('s2');
    expect(pa.calls).toEqual(['before s1', 'before s2', 'after s2']);
    expect(stats(a).loaded).toBe(1);
    expect((await a.client.describe('s1')).status).toBe('running');
    await a.stop();
    await b.stop();
  });

  it('fences a runtime whose lease expired: its writes are refused and its run stops, the new holder finishes it', async () => {
    const file = tempFile();
    const pa: Probe = { calls: [] };
    const pb: Probe = { calls: [] };
    const a = await boot({ file, workflows: [wf], owner: 'a', leaseMs: 300 }, { probe: pa });
    const b = await boot({ file, workflows: [wf], owner: 'b', leaseMs: 300 }, { probe: pb });
    await a.client.start(wf, undefined, { id: 'r' });
    await until(a, () => pa.calls.length === 1);
    // a stalls (its clock does not move, so it renews nothing); b sees the lease expire and claims.
    await b.clock.advance(1000);
    await until(b, () => stats(b).loaded === 1, 'b to claim');
    expect(pb.calls).toEqual([]);

    await a.client.signal('r', 'go');
    await until(a, () => stats(a).loaded === 0, 'a to drop the run');
    expect(pa.calls).toEqual(['before r']);

    await b.clock.advance(200);
    expect(await b.client.result('r')).toBe('r');
    expect(pb.calls).toEqual(['after r']);
    await a.stop();
    await b.stop();
  });

  it('cancels a run held by another runtime: it closes in the journal and its holder stops it at its next commit', async () => {
    const file = tempFile();
    const pa: Probe = { calls: [] };
    const a = await boot({ file, workflows: [wf], owner: 'a', leaseMs: 60_000 }, { probe: pa });
    const b = await boot({ file, workflows: [wf], owner: 'b', leaseMs: 60_000 });
    await a.client.start(wf, undefined, { id: 'far' });
    await until(a, () => pa.calls.length === 1);
    expect(await b.client.cancel('far', 'from b')).toBe(true);
    await expect(b.client.result('far')).rejects.toMatchObject({ code: 'WORKFLOW_CANCELLED' });
    // a still has the run loaded; its next write is fenced and it drops the run without running on.
    await a.client.signal('far', 'go').catch((e: { code?: string }) => expect(e.code).toBe('WORKFLOW_CLOSED'));
    await a.clock.advance(30_000);
    await until(a, () => stats(a).loaded === 0, 'a to drop the cancelled run');
    expect(pa.calls).toEqual(['before far']);
    expect((await a.client.describe('far')).status).toBe('cancelled');
    await a.stop();
    await b.stop();
  });
});
