import { describe, expect, it } from 'vitest';
import { NotOwnerError, receive, transfer, type Pid, type ProcessContext, type Runtime } from '@switchyard/runtime';
import { closeStdin, DEFAULT_EXIT_TOPIC, kill, start, stop, wait, writeStdin, type ChildExit, type ChildInfo } from '../src/index.js';
import { gone, node, osAlive, realRuntime, SLEEPER, STUBBORN } from './helpers.js';

type Op = { op: 'alive' } | { op: 'give'; to: Pid } | { op: 'exit' };

/** Starts a child (stdin piped), reports it, then does what it is told on topic "op" until told to exit. */
function* holder(_ctx: ProcessContext, report: (c: ChildInfo) => void, answer: (v: unknown) => void) {
  const c = yield* start(node, ['-e', SLEEPER], { stdin: 'pipe', stdout: { lines: 'out' } });
  yield* receive({ topic: 'out' });
  report(c);
  for (;;) {
    const { payload } = yield* receive<Op>({ topic: 'op' });
    if (payload.op === 'exit') return answer('bye');
    try {
      // Signal 0 checks that the child exists without signalling it.
      if (payload.op === 'alive') answer(yield* kill(c, 0));
      else answer(yield* transfer(c.child, payload.to));
    } catch (e) {
      answer(e);
    }
  }
}

function startHolder(rt: Runtime): Promise<{ pid: Pid; child: ChildInfo; ask: (op: Op) => Promise<unknown> }> {
  let pending: ((v: unknown) => void) | undefined;
  return new Promise((resolve) => {
    const pid = rt.spawn(holder, (child) => resolve({ pid, child, ask }), (v) => pending?.(v));
    const ask = (op: Op) =>
      new Promise<unknown>((r) => {
        pending = r;
        rt.send(pid, 'op', op);
      });
  });
}

describe('children are resources owned by the process that started them', () => {
  it('another process holding a copy of the handle is refused (NOT_OWNER) and nothing happens to the child', async () => {
    await using t = await realRuntime();
    const h = await startHolder(t.rt);
    const attempts = await t.rt.run(function* () {
      const out: unknown[] = [];
      for (const cmd of [
        () => kill(h.child, 'SIGKILL'),
        () => stop(h.child, { grace: 0 }),
        () => wait(h.child),
        () => writeStdin(h.child, 'x'),
        () => closeStdin(h.child),
        () => transfer(h.child.child, h.pid),
      ]) {
        try {
          out.push(yield* cmd());
        } catch (e) {
          out.push(e);
        }
      }
      return out;
    });
    for (const e of attempts) {
      expect(e).toBeInstanceOf(NotOwnerError);
      expect(e).toMatchObject({ code: 'NOT_OWNER', owner: h.pid, handle: h.child.child });
    }
    expect(osAlive(h.child.osPid)).toBe(true);
    expect(await h.ask({ op: 'alive' })).toBe(true);
    expect(t.stats()).toMatchObject({ running: 1 });
    await h.ask({ op: 'exit' });
  });

  it('after transfer(handle, pid) the new owner can use it and gets its messages; the old owner cannot', async () => {
    await using t = await realRuntime();
    const h = await startHolder(t.rt);
    let heir: Pid = '';
    const heirDone = new Promise<{ exit: ChildExit; message: ChildExit; before: boolean }>((resolve, reject) => {
      heir = t.rt.spawn(function* () {
        yield* receive({ topic: 'yours' });
        const before = yield* kill(h.child, 0);
        yield* stop(h.child);
        const exit = yield* wait(h.child);
        const message = (yield* receive<ChildExit>({ topic: DEFAULT_EXIT_TOPIC })).payload;
        return { exit, message, before };
      });
      t.rt.wait(heir).then((reason) => (reason.kind === 'normal' ? resolve(reason.value as never) : reject(reason)));
    });
    expect(await h.ask({ op: 'give', to: heir })).toBeUndefined();
    const refused = await h.ask({ op: 'alive' });
    expect(refused).toBeInstanceOf(NotOwnerError);
    expect(refused).toMatchObject({ pid: h.pid, owner: heir });
    t.rt.send(heir, 'yours', null);
    const got = await heirDone;
    expect(got.before).toBe(true);
    expect(got.exit).toMatchObject({ signal: 'SIGTERM', stopped: true });
    expect(got.message).toEqual(got.exit);
    expect(await gone(h.child.osPid)).toBe(true);
    // The heir ended: the exited child it owned went with it.
    expect(t.rt.stats().resources.byKind.child ?? 0).toBe(0);
    await h.ask({ op: 'exit' });
  });

  it('when the owner exits, everything it owned is disposed: running children stopped, exited ones released', async () => {
    await using t = await realRuntime(200);
    let owner: Pid = '';
    const pids = await new Promise<number[]>((resolve) => {
      owner = t.rt.spawn(function* () {
        const quick = yield* start(node, ['-e', '']);
        yield* wait(quick);
        const a = yield* start(node, ['-e', SLEEPER], { stdout: { lines: 'out' } });
        const b = yield* start(node, ['-e', STUBBORN], { stdout: { lines: 'out' } });
        yield* receive({ topic: 'out' });
        yield* receive({ topic: 'out' });
        resolve([a.osPid, b.osPid]);
        yield* receive({ topic: 'never' });
      });
    });
    expect(t.rt.stats().resources.byKind.child).toBe(3);
    expect(t.stats()).toMatchObject({ running: 2, exited: 1 });
    expect(pids.every(osAlive)).toBe(true);
    t.rt.cancel(owner, 'done');
    for (const p of pids) expect(await gone(p)).toBe(true);
    expect(t.rt.stats().resources.live).toBe(0);
    expect(t.stats()).toMatchObject({ running: 0, exited: 0 });
  });
});

