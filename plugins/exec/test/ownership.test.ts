import { describe, expect, it } from 'vitest';
import { race, receive, type ProcessContext } from '@switchyard/runtime';
import { sleep } from '@switchyard/plugin-clock';
import { run, start, type ChildInfo } from '../src/index.js';
import { gone, node, osAlive, realRuntime, SLEEPER, STUBBORN } from './helpers.js';

/** Starts `n` children, reports their PIDs to `to`, then waits forever. */
function* owner(_ctx: ProcessContext, scripts: string[], report: (pids: number[]) => void) {
  const pids: number[] = [];
  for (const s of scripts) {
    const c: ChildInfo = yield* start(node, ['-e', s], { stdout: { lines: 'out' } });
    yield* receive({ topic: 'out' });
    pids.push(c.osPid);
  }
  report(pids);
  yield* receive({ topic: 'never' });
}

function spawnOwner(rt: import('@switchyard/runtime').Runtime, scripts: string[]): Promise<{ pid: string; children: number[] }> {
  return new Promise((resolve) => {
    const pid = rt.spawn(owner, scripts, (children) => resolve({ pid, children }));
  });
}

describe('no orphans', () => {
  it('terminating the owner stops its children (SIGTERM, then SIGKILL for the stubborn one)', async () => {
    await using t = await realRuntime(300);
    const { pid, children } = await spawnOwner(t.rt, [SLEEPER, SLEEPER, STUBBORN]);
    expect(children.every(osAlive)).toBe(true);
    expect(t.stats().running).toBe(3);
    t.rt.terminate(pid);
    for (const c of children) expect(await gone(c)).toBe(true);
    expect(t.stats().running).toBe(0);
  });

  it('a cancelled or failed owner stops its children too', async () => {
    await using t = await realRuntime();
    const a = await spawnOwner(t.rt, [SLEEPER]);
    const b = await spawnOwner(t.rt, [SLEEPER]);
    t.rt.cancel(a.pid, 'bye');
    // A failing link partner takes b down with an error.
    t.rt.link(b.pid, t.rt.spawn(function* () {
      yield* sleep(10);
      throw new Error('peer failed');
    }));
    for (const c of [...a.children, ...b.children]) expect(await gone(c)).toBe(true);
  });

  it('run() that loses a race stops its child', async () => {
    await using t = await realRuntime();
    const winner = await t.rt.run(function* () {
      return yield* race([run(node, ['-e', 'console.log(String(process.pid)); setInterval(() => {}, 1000)'], { stdout: { lines: 'pid' } }), receive<{ line: string }>({ topic: 'pid' })]);
    });
    const osPid = Number((winner as { payload: { line: string } }).payload.line);
    expect(osPid).toBeGreaterThan(0);
    expect(await gone(osPid)).toBe(true);
  });

  it('stopping the runtime stops every child and waits for them', async () => {
    const t = await realRuntime(200);
    const { children } = await spawnOwner(t.rt, [SLEEPER, STUBBORN]);
    await t.rt.stop();
    for (const c of children) expect(osAlive(c)).toBe(false);
    expect(t.stats().running).toBe(0);
  });
});
