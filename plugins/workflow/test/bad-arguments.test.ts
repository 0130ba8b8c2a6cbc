import { all, BadYieldError } from '@switchyard/runtime';
import { describe, expect, it } from 'vitest';
import {
  callWorkflow,
  defineWorkflow,
  sideEffect,
  startWorkflow,
  upsertAttrs,
  version,
  WorkflowError,
} from '../src/index.js';
import { boot, echo, tempFile } from './helpers.js';

const noop = defineWorkflow('noop', function* () {
  return 1;
});

describe('helpers refuse bad arguments with WORKFLOW_BAD_ARGUMENT naming the value', () => {
  const cases: [string, () => unknown, string][] = [
    ['a bad workflow name', () => defineWorkflow('-no', function* () {}), 'defineWorkflow(): the name must be 1-200 letters, digits, ".", "_", ":", "/" or "-" starting with a letter or digit, got "-no"'],
    ['a workflow that is not a function', () => defineWorkflow('w', 42 as never), 'defineWorkflow("w"): expected a generator function, got 42'],
    ['an empty sideEffect label', () => sideEffect('', () => 1), 'sideEffect(): the label must be a non-empty string of at most 200 characters, got ""'],
    ['a sideEffect without a function', () => sideEffect('charge', 'later' as never), 'sideEffect("charge"): expected a function, got "later"'],
    ['a fractional version', () => version('courier', 1.5, 2), 'version(): minSupported must be an integer >= -1 (DEFAULT_VERSION), got 1.5'],
    ['a reversed version range', () => version('courier', 2, 1), 'version("courier"): minSupported 2 is above maxSupported 1'],
    ['attributes that are not an object', () => upsertAttrs([] as never), 'upsertAttrs(): expected an object of attribute values, got an array of 0'],
    ['something that is not a workflow', () => startWorkflow(7 as never, undefined), 'expected a workflow from defineWorkflow() or its name, got 7'],
    ['an unknown ifExists', () => startWorkflow(noop, undefined, { ifExists: 'replace' as never }), 'startWorkflow(): ifExists must be "refuse" or "attach", got "replace"'],
    ['a bad child id', () => callWorkflow(noop, undefined, { id: 'a b' }), 'callWorkflow(): id must be 1-200 letters, digits, ".", "_", ":", "/" or "-" starting with a letter or digit, got "a b"'],
  ];
  it.each(cases)('%s', (_what, fn, message) => {
    let caught: unknown;
    try {
      fn();
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(WorkflowError);
    expect(caught).toMatchObject({ code: 'WORKFLOW_BAD_ARGUMENT', message });
  });
});

describe('a run that yields something that is not a command', () => {
  it('gets BAD_YIELD naming the run and what it yielded, and can catch it', async () => {
    const wf = defineWorkflow('sloppy', function* () {
      const seen: { code: string; message: string; bad: boolean }[] = [];
      const attempts = [
        // A value yielded with yield instead of a command.
        function* () {
          yield 42 as never;
        },
        function* () {
          yield* all([echo('a'), 'b' as never]);
        },
        function* () {
          yield* all([echo('a'), version('courier', 1, 1) as never]);
        },
      ];
      for (const attempt of attempts) {
        try {
          yield* attempt();
        } catch (error) {
          const e = error as BadYieldError;
          seen.push({ code: e.code, message: e.message, bad: e instanceof BadYieldError });
        }
      }
      return seen;
    });
    const b = await boot({ file: tempFile(), workflows: [wf], owner: 'n' });
    await b.client.start(wf, undefined, { id: 'r1' });
    await b.settle();
    expect(await b.client.result('r1')).toEqual([
      { code: 'BAD_YIELD', bad: true, message: 'workflow run "r1" yielded 42, which is not a command; did you mean yield* ?' },
      { code: 'BAD_YIELD', bad: true, message: 'workflow run "r1": a member of all()/race() is "b", not a command' },
      { code: 'BAD_YIELD', bad: true, message: 'workflow run "r1": all()/race() cannot hold version()' },
    ]);
    await b.stop();
  });
});
