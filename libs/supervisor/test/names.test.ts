import { afterEach, describe, expect, it } from 'vitest';
import { createRuntime, receive, type ProcessContext, type Runtime } from '@switchyard/runtime';
import { createVirtualClock } from '@switchyard/testing';
import { startSupervisor, supervisorChild, worker } from '../src/index.js';
import { child, env, traced, type Env } from './harness.js';

let e: Env | undefined;
let extra: Runtime | undefined;
afterEach(async () => {
  await e?.close();
  await extra?.stop();
  e = extra = undefined;
});

describe('registered names', () => {
  it('a child gets its name on every start; the name follows it across restarts and is released when it ends', async () => {
    e = await env();
    const { trace, rt } = e;
    const sup = await startSupervisor(rt, { maxRestarts: 5, children: [{ ...child(trace, 'db'), name: 'db' }] });
    await e.t.settle();
    const first = rt.whereis('db');
    expect(first).toBe(trace.pid('db'));
    await e.crash('db', 'boom');
    const second = rt.whereis('db');
    expect(second).toBeDefined();
    expect(second).not.toBe(first);
    expect(second).toBe(trace.pid('db'));
    // Messages to the name reach the current incarnation.
    rt.send('db', 'crash', 'boom');
    await e.t.settle();
    expect(rt.whereis('db')).not.toBe(second);
    await sup.terminateChild('db');
    expect(rt.whereis('db')).toBeUndefined();
    // A send to a name nobody holds fails loudly.
    expect(() => rt.send('db', 'crash', 'boom')).toThrow(expect.objectContaining({ code: 'NO_SUCH_NAME' }));
    await sup.restartChild('db');
    expect(rt.whereis('db')).toBe(trace.pid('db'));
    await sup.stop();
    expect(rt.whereis('db')).toBeUndefined();
  });

  it('a name already taken fails the child start with NAME_TAKEN naming the holder', async () => {
    e = await env();
    const { trace, rt } = e;
    const squatter = rt.spawn(function* () {
      yield* receive({ topic: 'never' });
    });
    rt.register('db', squatter);
    const err = await startSupervisor(rt, { children: [child(trace, 'a'), { ...child(trace, 'db'), name: 'db' }] }).catch((x: unknown) => x);
    expect(err).toMatchObject({ code: 'CHILD_START_FAILED', childId: 'db', cause: { code: 'NAME_TAKEN', holder: squatter } });
    await e.t.settle();
    // "a" was started and stopped again (before it ever ran); only the squatter is left.
    expect(rt.stats().processes.live).toBe(1);
    expect(rt.whereis('db')).toBe(squatter);
    rt.terminate(squatter);
  });

  it('a supervisor can be registered under a name, nested ones too', async () => {
    e = await env();
    const { trace, rt } = e;
    const sup = await startSupervisor(rt, {
      name: 'root',
      children: [supervisorChild('jobs', { name: 'jobs.sup', children: [child(trace, 'j')] })],
    });
    expect(rt.whereis('root')).toBe(sup.pid);
    expect(rt.whereis('jobs.sup')).toBe((await sup.whichChildren())[0]!.pid);
    await expect(startSupervisor(rt, { name: 'root', children: [] })).rejects.toMatchObject({ code: 'NAME_TAKEN', holder: sup.pid });
    await sup.stop();
    expect(rt.whereis('root')).toBeUndefined();
    expect(rt.whereis('jobs.sup')).toBeUndefined();
  });

  it('starts a child from a process registered by name at boot; an unknown name is a start failure with a did-you-mean', async () => {
    const log: string[] = [];
    function* billing(ctx: ProcessContext, account: string) {
      log.push(`billing ${account} ${ctx.pid}`);
      yield* receive({ topic: 'never' });
    }
    extra = createRuntime({ clock: createVirtualClock(), processes: { 'billing.worker': billing } });
    await extra.start();
    const sup = await startSupervisor(extra, { children: [{ id: 'billing', start: { process: 'billing.worker', args: ['acme'] } }] });
    await extra.whenIdle();
    expect(log).toEqual([`billing acme ${(await sup.whichChildren())[0]!.pid}`]);
    const err = await sup.startChild({ id: 'typo', start: { process: 'biling.worker' } }).catch((x: unknown) => x);
    expect(err).toMatchObject({ code: 'CHILD_START_FAILED', childId: 'typo' });
    expect(String((err as Error).message)).toContain('did you mean "billing.worker"');
  });

  it('names are per runtime', async () => {
    e = await env();
    const other = await env();
    try {
      await startSupervisor(e.rt, { children: [{ ...worker('a', traced, e.trace, 'a'), name: 'a' }] });
      await startSupervisor(other.rt, { children: [{ ...worker('a', traced, other.trace, 'a'), name: 'a' }] });
      expect(e.rt.whereis('a')).toBeDefined();
      expect(other.rt.whereis('a')).toBeDefined();
    } finally {
      await other.close();
    }
  });
});
