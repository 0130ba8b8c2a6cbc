// Type-level tests: checked by `tsc -p libs/supervisor/tsconfig.json`, never run.
// Each @ts-expect-error must be an error, or tsc fails with "Unused '@ts-expect-error' directive".
import { createRuntime, receive, type Pid, type ProcessContext } from '@switchyard/runtime';
import {
  countChildren,
  startDynamicChild,
  startDynamicSupervisor,
  startLinkedDynamicSupervisor,
  startSupervisor,
  whichChildren,
  worker,
  type ChildCounts,
  type ChildInfo,
  type DynamicSupervisorPid,
} from '../src/index.js';

function* conn(_ctx: ProcessContext, url: string, retries: number) {
  yield* receive({ topic: 'never' });
  return `${url}:${retries}`;
}

const rt = createRuntime();

// worker() checks the arguments against the process function.
worker('c', conn, 'db://x', 3);
// @ts-expect-error -- wrong argument type
worker('c', conn, 'db://x', '3');
// @ts-expect-error -- missing argument
worker('c', conn, 'db://x');

export async function handles() {
  const sup = await startSupervisor(rt, { children: [worker('c', conn, 'db://x', 3)] });
  const rows: ChildInfo[] = await sup.whichChildren();
  const pid: Pid = await sup.restartChild('c');
  // @ts-expect-error -- a static supervisor's startChild takes a spec
  await sup.startChild('db://y', 1);
  // @ts-expect-error -- unknown strategy
  await startSupervisor(rt, { strategy: 'one_for_some', children: [] });

  const dyn = await startDynamicSupervisor(rt, { strategy: 'dynamic', child: { start: conn } });
  const child: Pid = await dyn.startChild('db://y', 1);
  // @ts-expect-error -- arguments are checked against the child's function
  await dyn.startChild('db://y');
  // @ts-expect-error -- a dynamic supervisor has no restartChild (OTP refuses it too)
  await dyn.restartChild(child);
  return { rows, pid };
}

export function* inProcess(ctx: ProcessContext) {
  const dyn = yield* startLinkedDynamicSupervisor(ctx, { strategy: 'dynamic', child: { start: conn } });
  const typed: DynamicSupervisorPid<[string, number]> = dyn;
  const pid: Pid = yield* startDynamicChild(ctx, typed, 'db://z', 2);
  // @ts-expect-error -- wrong argument type for this dynamic supervisor's children
  yield* startDynamicChild(ctx, typed, 'db://z', 'two');
  const counts: ChildCounts = yield* countChildren(ctx, dyn);
  const rows: ChildInfo[] = yield* whichChildren(ctx, dyn);
  return { pid, counts, rows };
}
