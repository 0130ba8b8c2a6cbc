// Type-level tests: checked by `tsc -p plugins/workflow/tsconfig.json`, never run.
// Each @ts-expect-error must be an error, or tsc fails with "Unused '@ts-expect-error' directive".
import { sleep } from '@switchyard/plugin-clock';
import { all, receive, type Runtime } from '@switchyard/runtime';
import {
  callWorkflow,
  continueAsNew,
  defineWorkflow,
  listWorkflows,
  now,
  patched,
  sideEffect,
  startWorkflow,
  uuid,
  version,
  workflowClient,
  workflowPlugin,
  workflowResult,
  type RunInfo,
  type StepInfo,
  type Workflow,
} from '../src/index.js';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const assert = <T extends true>(_: T) => undefined;

const child = defineWorkflow('child', function* (_ctx, n: number) {
  yield* sleep(1);
  return `n=${n}`;
});
assert<Equal<typeof child, Workflow<number, string>>>(true);

const parent = defineWorkflow('parent', function* (ctx, input: { count: number }) {
  const t: number = yield* now();
  const id: string = yield* uuid();
  const v: number = yield* version('x', -1, 1);
  const p: boolean = yield* patched('y');
  const fromAsync = yield* sideEffect('a', async (step: StepInfo) => step.key.length);
  assert<Equal<typeof fromAsync, number>>(true);
  const c = yield* callWorkflow(child, 2);
  assert<Equal<typeof c, string>>(true);
  const [x, y] = yield* all([sideEffect('b', () => 'b'), sideEffect('c', () => 3)]);
  assert<Equal<[typeof x, typeof y], [string, number]>>(true);
  const msg = yield* receive<{ ok: boolean }>({ topic: 'go' });
  const ok: boolean = msg.payload.ok;
  const runs: RunInfo[] = yield* listWorkflows({ status: 'running' });
  const started: string = yield* startWorkflow(child, 3, { id: `${ctx.runId}-c` });
  const r = yield* workflowResult<string>(started);
  assert<Equal<typeof r, string>>(true);
  if (input.count > 0) return continueAsNew({ count: input.count - 1 });
  return { t, id, v, p, ok, runs: runs.length, r };
});

// @ts-expect-error a child's input has the child's type
callWorkflow(child, 'two');

// Without a file the journal is in memory (not durable); with no options at all, no workflows either.
workflowPlugin({ workflows: [child] });
workflowPlugin();

// @ts-expect-error the journal file is a path
workflowPlugin({ file: 1, workflows: [child] });

workflowPlugin({ file: 'x.db', workflows: [child, parent], attributes: { customer: 'keyword' } });

// @ts-expect-error attribute types are a fixed list
workflowPlugin({ file: 'x.db', workflows: [], attributes: { customer: 'string' } });

declare const rt: Runtime;
const client = workflowClient(rt);
const result: Promise<string> = client.execute(child, 1);
// @ts-expect-error execute's input is checked too
void client.execute(child, 'one');
void result;
