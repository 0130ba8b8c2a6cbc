import { receive } from '@switchyard/runtime';
import { describe, expect, it } from 'vitest';
import { defineWorkflow, deprecatePatch, patched, version, DEFAULT_VERSION } from '../src/index.js';
import { boot, echo, tempFile, until, type Probe } from './helpers.js';

const oldCode = defineWorkflow('checkout', function* () {
  yield* echo('charge');
  yield* echo('ship by post');
  yield* receive({ topic: 'go' });
  return 'old';
});

const newCode = defineWorkflow('checkout', function* () {
  yield* echo('charge');
  const v = yield* version('courier', DEFAULT_VERSION, 1);
  if (v === 1) {
    yield* echo('book courier');
    yield* echo('ship by courier');
  } else {
    yield* echo('ship by post');
  }
  yield* receive({ topic: 'go' });
  return v === 1 ? 'new' : 'old';
});

describe('version (GetVersion semantics)', () => {
  it('an old run replayed by new code takes the old branch; a new run takes the new one; markers do not shift positions', async () => {
    const file = tempFile();
    const probe: Probe = { calls: [] };
    const b1 = await boot({ file, workflows: [oldCode], owner: 'n' }, { probe });
    await b1.client.start(oldCode, undefined, { id: 'old-run' });
    await until(b1, () => probe.calls.length === 2);
    await b1.stop();

    const b2 = await boot({ file, workflows: [newCode], owner: 'n' }, { probe });
    await b2.client.start(newCode, undefined, { id: 'new-run' });
    await b2.settle();
    await b2.client.signal('old-run', 'go');
    await b2.client.signal('new-run', 'go');
    expect(await b2.client.result('old-run')).toBe('old');
    expect(await b2.client.result('new-run')).toBe('new');
    expect(probe.calls).toEqual(['charge', 'ship by post', 'charge', 'book courier', 'ship by courier']);
    expect((await b2.client.describe('old-run')).blocked).toBeUndefined();
    await b2.stop();
  });

  it('takes the new branch when an old run first reaches the change live (after the restart)', async () => {
    const file = tempFile();
    const before = defineWorkflow('late', function* () {
      yield* receive({ topic: 'go' });
      return 'old';
    });
    const after = defineWorkflow('late', function* () {
      yield* receive({ topic: 'go' });
      return (yield* version('c', DEFAULT_VERSION, 1)) === 1 ? 'new' : 'old';
    });
    const b1 = await boot({ file, workflows: [before], owner: 'n' });
    await b1.client.start(before, undefined, { id: 'r' });
    await b1.settle();
    await b1.stop();
    const b2 = await boot({ file, workflows: [after], owner: 'n' });
    await b2.client.signal('r', 'go');
    expect(await b2.client.result('r')).toBe('new');
    await b2.stop();
  });

  it('keeps a recorded version across restarts, and stops a run whose version the code no longer supports', async () => {
    const file = tempFile();
    const v = (min: number, max: number) =>
      defineWorkflow('vv', function* () {
        const got = yield* version('change', min, max);
        yield* receive({ topic: 'go' });
        return got;
      });
    const b1 = await boot({ file, workflows: [v(DEFAULT_VERSION, 2)], owner: 'n' });
    await b1.client.start(v(DEFAULT_VERSION, 2), undefined, { id: 'a' });
    await b1.settle();
    await b1.stop();
    // Newer code supports 1..3: the recorded 2 is still returned.
    const b2 = await boot({ file, workflows: [v(1, 3)], owner: 'n' });
    await b2.client.signal('a', 'go');
    expect(await b2.client.result('a')).toBe(2);
    await b2.client.start(v(1, 3), undefined, { id: 'b' });
    await b2.settle();
    await b2.stop();
    // Code that dropped version 3: run b stays open, stopped with WORKFLOW_VERSION_UNSUPPORTED's message.
    const b3 = await boot({ file, workflows: [v(1, 2)], owner: 'n' });
    await b3.settle();
    const info = await b3.client.describe('b');
    expect(info.status).toBe('running');
    expect(info.blocked).toBe('workflow run "b": change "change" is at version 3, outside the supported range 1..2 of this code; the run stays open until code that supports it is deployed');
    await b3.stop();
  });

  it('patched() and deprecatePatch() are sugar over version()', async () => {
    const file = tempFile();
    const probe: Probe = { calls: [] };
    const before = defineWorkflow('p', function* () {
      yield* echo('a');
      yield* echo('b');
      yield* receive({ topic: 'go' });
      return 'unpatched';
    });
    const withPatch = defineWorkflow('p', function* () {
      yield* echo('a');
      const p = yield* patched('fix');
      yield* echo(p ? 'b fixed' : 'b');
      yield* receive({ topic: 'go' });
      return p ? 'patched' : 'unpatched';
    });
    const deprecated = defineWorkflow('p', function* () {
      yield* echo('a');
      yield* deprecatePatch('fix');
      yield* echo('b fixed');
      yield* receive({ topic: 'go' });
      return 'patched';
    });
    const b1 = await boot({ file, workflows: [before], owner: 'n' }, { probe });
    await b1.client.start(before, undefined, { id: 'old' });
    await until(b1, () => probe.calls.length === 2);
    await b1.stop();
    const b2 = await boot({ file, workflows: [withPatch], owner: 'n' }, { probe });
    await b2.client.start(withPatch, undefined, { id: 'new' });
    await b2.settle();
    await b2.stop();
    // Every run without the patch must close before deprecatePatch ships; 'old' would replay fine anyway.
    const b3 = await boot({ file, workflows: [deprecated], owner: 'n' }, { probe });
    await b3.client.signal('old', 'go');
    await b3.client.signal('new', 'go');
    expect(await b3.client.result('old')).toBe('patched');
    expect(await b3.client.result('new')).toBe('patched');
    expect(probe.calls).toEqual(['a', 'b', 'a', 'b fixed']);
    await b3.stop();
  });
});
