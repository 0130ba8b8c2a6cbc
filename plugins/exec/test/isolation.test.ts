import { describe, expect, it } from 'vitest';
import { receive, type Pid, type ProcessContext } from '@switchyard/runtime';
import { execPlugin, kill, start, type ChildInfo } from '../src/index.js';
import { gone, install, node, osAlive, SLEEPER } from './helpers.js';

type Probe = (alive: boolean) => void;

/** Starts a child, reports it, then answers each "probe" with kill(child, 0). */
function* owner(_ctx: ProcessContext, report: (c: ChildInfo) => void, probe: { answer: Probe }) {
  const c = yield* start(node, ['-e', SLEEPER], { stdout: { lines: 'out' } });
  yield* receive({ topic: 'out' });
  report(c);
  for (;;) {
    yield* receive({ topic: 'probe' });
    probe.answer(yield* kill(c, 0));
  }
}

describe('one plugin value installed in two runtimes', () => {
  it('each runtime has its own children and counters; stopping one leaves the other working', async () => {
    const exec = execPlugin({ grace: 200 });
    const a = await install(exec);
    await using b = await install(exec);
    const startOwner = (rt: typeof a.rt) => {
      const probe = { answer: (() => {}) as Probe };
      return new Promise<{ pid: Pid; child: ChildInfo; alive: () => Promise<boolean> }>((resolve) => {
        const pid = rt.spawn(owner, (child) => resolve({ pid, child, alive }), probe);
        const alive = () =>
          new Promise<boolean>((r) => {
            probe.answer = r;
            rt.send(pid, 'probe', null);
          });
      });
    };
    const inA = await startOwner(a.rt);
    const inB = await startOwner(b.rt);
    expect(a.stats()).toMatchObject({ running: 1, started: 1 });
    expect(b.stats()).toMatchObject({ running: 1, started: 1 });

    await a.rt.stop();
    expect(osAlive(inA.child.osPid)).toBe(false);
    expect(a.rt.stats().resources.live).toBe(0);

    expect(osAlive(inB.child.osPid)).toBe(true);
    expect(await inB.alive()).toBe(true);
    expect(b.stats()).toMatchObject({ running: 1, started: 1 });
    b.rt.terminate(inB.pid);
    expect(await gone(inB.child.osPid)).toBe(true);
  });
});
