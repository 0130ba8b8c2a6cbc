import { sleep } from '@switchyard/plugin-clock';
import { all, createRuntime } from '@switchyard/runtime';
import { describe, expect, it } from 'vitest';
import { DEFAULT_WORKFLOW_OPTIONS, defineWorkflow, startWorkflow, workflowClient, workflowPlugin, workflowResult, type WorkflowError, type WorkflowStats } from '../src/index.js';
import { boot, echo, tempFile, until, type Booted, type Probe } from './helpers.js';

const greet = defineWorkflow('greet', function* (_ctx, name: string) {
  const a = yield* echo(`hello ${name}`);
  yield* sleep(1000); // a durable timer, on the in-memory journal too
  const b = yield* echo(`bye ${name}`);
  return `${a.value}, ${b.value}`;
});

const parked = defineWorkflow('parked', function* () {
  yield* sleep(3600_000);
  return 'woke';
});

const stats = (b: Booted) => b.rt.stats().plugins.workflow as unknown as WorkflowStats;

describe('zero-config default: an in-memory journal', () => {
  it('workflowPlugin() boots with no options: no workflows, an in-memory journal reported as not durable', async () => {
    expect(DEFAULT_WORKFLOW_OPTIONS).toEqual({ file: ':memory:', workflows: [] });
    const rt = createRuntime({ plugins: [workflowPlugin()] });
    await rt.start();
    try {
      const wf = workflowClient(rt);
      await wf.ready();
      expect(await wf.list()).toEqual([]);
      expect(rt.stats().plugins.workflow).toMatchObject({ durable: 0, loaded: 0, timers: 0 });
      // Nothing is registered: a start names the workflow and fails.
      const err = (await wf.start(greet, 'ada').catch((e: unknown) => e)) as WorkflowError;
      expect(err.code).toBe('WORKFLOW_UNKNOWN');
      expect(err.message).toContain('"greet"');
    } finally {
      await rt.stop();
    }
    expect(rt.stats().resources.live).toBe(0);
  });

  it('runs workflows to completion without a file: steps, durable timers and group commit work in memory', async () => {
    const probe: Probe = { calls: [] };
    const b = await boot({ workflows: [greet] }, { probe });
    expect(stats(b).durable).toBe(0);
    const names = ['ada', 'bob', 'cy', 'dee'];
    const ids = await b.rt.run(function* () {
      return yield* all(names.map((n) => startWorkflow(greet, n, { id: `greet-${n}` })));
    });
    await until(b, () => probe.calls.length === names.length, 'first steps');
    expect(stats(b).timers).toBe(names.length);
    await b.clock.advance(1000);
    const results = await b.rt.run(function* () {
      return yield* all(ids.map((id) => workflowResult<string>(id)));
    });
    expect(results).toEqual(names.map((n) => `hello ${n}, bye ${n}`));
    expect((await b.client.describe('greet-ada')).status).toBe('completed');
    // Group commit: the four runs' completions of a round share transactions (fewer commits than steps).
    expect(stats(b).commits).toBeLessThan(names.length * 3);
    await b.settle();
    expect(stats(b)).toMatchObject({ loaded: 0, timers: 0, armedTimers: 0, resultWaiters: 0 });
    await b.stop();
    expect(b.clock.pending).toBe(0);
    expect(b.rt.stats().resources.live).toBe(0);
  });

  it('is not durable: another runtime, or the next one, does not see the runs of an in-memory journal', async () => {
    const plugin = workflowPlugin({ workflows: [parked] });
    const a = createRuntime({ plugins: [plugin] });
    const b = createRuntime({ plugins: [plugin] });
    await a.start();
    await b.start();
    try {
      const id = await workflowClient(a).start(parked, undefined, { id: 'parked-1' });
      expect((await workflowClient(a).describe(id)).status).toBe('running');
      // The same plugin value in another runtime has its own journal.
      expect(await workflowClient(b).list()).toEqual([]);
      const err = (await workflowClient(b).describe(id).catch((e: unknown) => e)) as WorkflowError;
      expect(err.code).toBe('WORKFLOW_NO_SUCH_RUN');
    } finally {
      await a.stop();
      await b.stop();
    }
    // A restart starts from an empty journal: the open run is gone.
    const again = createRuntime({ plugins: [plugin] });
    await again.start();
    try {
      await workflowClient(again).ready();
      expect(await workflowClient(again).list()).toEqual([]);
      expect(again.stats().plugins.workflow).toMatchObject({ loaded: 0, timers: 0 });
    } finally {
      await again.stop();
    }
  });

  it('a file makes it durable: the run is still there after a restart', async () => {
    const file = tempFile();
    const b1 = await boot({ file, workflows: [parked] });
    expect(stats(b1).durable).toBe(1);
    await b1.client.start(parked, undefined, { id: 'parked-2' });
    await b1.stop();
    const b2 = await boot({ file, workflows: [parked] });
    expect((await b2.client.describe('parked-2')).status).toBe('running');
    await b2.stop();
  });

  it('bad options still fail at once, naming the option', () => {
    expect(() => workflowPlugin({ file: '' })).toThrow(/workflowPlugin\(\).*file/);
    expect(() => workflowPlugin({ workflows: 'greet' as never })).toThrow(/workflows/);
    expect(() => workflowPlugin({ journal: 'x.db' } as never)).toThrow(/journal/);
  });
});
