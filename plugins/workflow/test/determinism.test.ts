import { sleep } from '@switchyard/plugin-clock';
import { all, receive } from '@switchyard/runtime';
import { describe, expect, it } from 'vitest';
import { defineWorkflow, sideEffect, type Workflow } from '../src/index.js';
import { boot, echo, OpenThingCmd, tempFile, until, type Probe } from './helpers.js';

function versions(second: string) {
  return defineWorkflow('pay', function* () {
    yield* echo('first');
    yield* sideEffect(second, () => 1);
    yield* receive({ topic: 'go' });
    return 'done';
  });
}

async function startAndStop(file: string, wf: Workflow<unknown, string>, probe: Probe = { calls: [] }) {
  const b = await boot({ file, workflows: [wf], owner: 'n' }, { probe });
  await b.client.start(wf, undefined, { id: 'r1' });
  await until(b, () => probe.calls.length === 1, 'first step');
  await b.settle();
  await b.stop();
}

describe('non-determinism', () => {
  it('stops a run whose code yields another command at a recorded position, naming run, position and both commands; the run stays open and old code resumes it', async () => {
    const file = tempFile();
    await startAndStop(file, versions('fraud-check'));

    const b2 = await boot({ file, workflows: [versions('risk-check')], owner: 'n' });
    await b2.settle();
    const info = await b2.client.describe('r1');
    expect(info.status).toBe('running');
    expect(info.blocked).toBe(
      'workflow run "r1" at position 2: the journal records command 180 "fraud-check" but the code now yields command 180 "risk-check"; the run stays open until code that replays its journal is deployed',
    );
    await b2.stop();

    const b3 = await boot({ file, workflows: [versions('fraud-check')], owner: 'n' });
    await b3.client.signal('r1', 'go');
    expect(await b3.client.result('r1')).toBe('done');
    await b3.stop();
  });

  it('catches a workflow that finishes while its journal has more steps', async () => {
    const file = tempFile();
    const long = defineWorkflow('w', function* () {
      yield* echo('a');
      yield* echo('b');
      yield* receive({ topic: 'go' });
      return 1;
    });
    const short = defineWorkflow('w', function* () {
      yield* echo('a');
      return 1;
    });
    const probe: Probe = { calls: [] };
    const b = await boot({ file, workflows: [long], owner: 'n' }, { probe });
    await b.client.start(long, undefined, { id: 'r2' });
    await until(b, () => probe.calls.length === 2);
    await b.stop();
    const b2 = await boot({ file, workflows: [short], owner: 'n' });
    await b2.settle();
    const info = await b2.client.describe('r2');
    expect(info.status).toBe('running');
    expect(info.blocked).toMatch(/^workflow run "r2" finished at position 1, but its journal records command 300 "EchoCmd" at position 2/);
    await b2.stop();
  });

  it('gives all() members consecutive positions whatever order they complete in, and replays them', async () => {
    const file = tempFile();
    const probe: Probe = { calls: [] };
    const wf = defineWorkflow('fan', function* () {
      const [a, , c] = yield* all([echo('x'), sleep(50), echo('z')]);
      const msg = yield* receive<string>({ topic: 'go' });
      return [a.value, c.value, a.key, c.key, msg.payload];
    });
    const b = await boot({ file, workflows: [wf], owner: 'n' }, { probe });
    await b.client.start(wf, undefined, { id: 'f' });
    await b.clock.advance(60);
    await b.stop();
    const b2 = await boot({ file, workflows: [wf], owner: 'n' }, { probe, at: 100 });
    await b2.client.signal('f', 'go', 'ok');
    expect(await b2.client.result('f')).toEqual(['x', 'z', 'f/0/1', 'f/0/3', 'ok']);
    expect(probe.calls).toEqual(['x', 'z']);
    await b2.stop();
  });
});

describe('durability declarations', () => {
  it('refuses a command that returns a live handle at once with WORKFLOW_COMMAND_NOT_DURABLE naming it', async () => {
    const wf = defineWorkflow('handles', function* () {
      try {
        yield* new OpenThingCmd();
        return 'yielded';
      } catch (error) {
        return (error as Error & { code: string }).code + ': ' + (error as Error).message;
      }
    });
    const b = await boot({ file: tempFile(), workflows: [wf] });
    expect(await b.client.execute(wf, undefined, { id: 'h' })).toBe(
      'WORKFLOW_COMMAND_NOT_DURABLE: workflow run "h" yielded OpenThingCmd (command 301), which returns a live handle that cannot survive a restart; run it in a process the workflow calls, or use a value-returning form',
    );
    await b.stop();
  });

  it('refuses commands of the system ranges that return handles (an SQL transaction, a ticker)', async () => {
    const wf = defineWorkflow('sys-handles', function* () {
      const codes: string[] = [];
      for (const id of [103, 14]) {
        try {
          yield { id };
        } catch (error) {
          codes.push(`${id}:${(error as { code: string }).code}`);
        }
      }
      return codes;
    });
    const b = await boot({ file: tempFile(), workflows: [wf] });
    expect(await b.client.execute(wf, undefined)).toEqual(['103:WORKFLOW_COMMAND_NOT_DURABLE', '14:WORKFLOW_COMMAND_NOT_DURABLE']);
    await b.stop();
  });

  it('refuses workflow commands outside a workflow with WORKFLOW_OUTSIDE', async () => {
    const b = await boot({ file: tempFile(), workflows: [] });
    await expect(
      b.rt.run(function* () {
        return yield* sideEffect('x', () => 1);
      }),
    ).rejects.toMatchObject({ code: 'WORKFLOW_OUTSIDE' });
    await b.stop();
  });
});
