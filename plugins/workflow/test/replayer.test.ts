import { describe, expect, it } from 'vitest';
import { defineWorkflow, replayHistories, sideEffect, version } from '../src/index.js';
import { boot, echo, tempFile } from './helpers.js';

const v1 = defineWorkflow('ship', function* (_ctx, n: number) {
  const a = yield* echo(`pack ${n}`);
  const r = yield* sideEffect('rate', () => n * 2);
  if (n % 2 === 0) yield* echo('even');
  return `${a.value} at ${r}`;
});

const compatible = defineWorkflow('ship', function* (_ctx, n: number) {
  const a = yield* echo(`pack ${n}`);
  const r = yield* sideEffect('rate', () => -1);
  // A new step behind a version gate: old histories take the old branch.
  if ((yield* version('insure', -1, 1)) === 1) yield* echo('insure');
  if (n % 2 === 0) yield* echo('even');
  return `${a.value} at ${r}`;
});

const broken = defineWorkflow('ship', function* (_ctx, n: number) {
  const a = yield* echo(`pack ${n}`);
  yield* echo('insure');
  const r = yield* sideEffect('rate', () => n * 2);
  return `${a.value} at ${r}`;
});

describe('replayHistories', () => {
  it('passes compatible code and reports each run a change breaks, without running a handler', async () => {
    const file = tempFile();
    const b = await boot({ file, workflows: [v1] });
    for (let n = 1; n <= 4; n++) await b.client.execute(v1, n, { id: `s${n}` });
    await b.stop();

    const ok = replayHistories({ file, workflows: [compatible] });
    expect(ok).toEqual({ checked: 4, skipped: 0, failures: [] });

    const bad = replayHistories({ file, workflows: [broken] });
    expect(bad.checked).toBe(4);
    expect(bad.failures.map((f) => f.runId).sort()).toEqual(['s1', 's2', 's3', 's4']);
    expect(bad.failures[0]!.error.message).toMatch(/at position 2: the journal records command 180 "rate" but the code now yields command 300 "EchoCmd"/);

    expect(replayHistories({ file, workflows: [] })).toEqual({ checked: 0, skipped: 4, failures: [] });
  });
});
