import { sleep } from '@switchyard/plugin-clock';
import { race, receive } from '@switchyard/runtime';
import { describe, expect, it } from 'vitest';
import { defineWorkflow, now, type WorkflowStats } from '../src/index.js';
import { boot, echo, tempFile, until, type Booted, type Probe } from './helpers.js';

const DAY = 24 * 3600_000;
const stats = (b: Booted) => b.rt.stats().plugins.workflow as unknown as WorkflowStats;

describe('durable timers', () => {
  it('a day-long sleep survives a restart and wakes at the recorded time, not a day after the restart', async () => {
    const file = tempFile();
    const wf = defineWorkflow('nap', function* () {
      const t0 = yield* now();
      yield* sleep(DAY);
      const t1 = yield* now();
      return t1 - t0;
    });
    const b1 = await boot({ file, workflows: [wf], owner: 'n', leaseMs: DAY }, { at: 1_000 });
    await b1.client.start(wf, undefined, { id: 'nap' });
    await b1.clock.advance(3600_000);
    await b1.stop();

    // Restarted 20 hours after the start: 4 hours are left.
    const b2 = await boot({ file, workflows: [wf], owner: 'n', leaseMs: DAY }, { at: 1_000 + 20 * 3600_000 });
    await b2.clock.advance(4 * 3600_000 - 1);
    expect((await b2.client.describe('nap')).status).toBe('running');
    await b2.clock.advance(1);
    expect(await b2.client.result('nap')).toBe(DAY);
    await b2.stop();
  });

  it('fires overdue timers at once after a restart, in due order', async () => {
    const file = tempFile();
    const probe: Probe = { calls: [] };
    const wf = defineWorkflow('due', function* (_ctx, ms: number) {
      yield* sleep(ms);
      yield* echo(`woke ${ms}`);
      return ms;
    });
    const b1 = await boot({ file, workflows: [wf], owner: 'n' }, { probe });
    for (const ms of [3000, 1000, 2000, 500]) await b1.client.start(wf, ms, { id: `t${ms}` });
    await b1.settle();
    await b1.stop();
    const b2 = await boot({ file, workflows: [wf], owner: 'n' }, { probe, at: 10_000 });
    await b2.clock.advance(0);
    await until(b2, () => probe.calls.length === 4, 'all four to wake');
    expect(probe.calls).toEqual(['woke 500', 'woke 1000', 'woke 2000', 'woke 3000']);
    await b2.stop();
  });

  it('keeps every sleeping run behind one armed clock timer, and leaves none after stop', async () => {
    const wf = defineWorkflow('many', function* (_ctx, ms: number) {
      yield* sleep(ms);
      return ms;
    });
    const b = await boot({ file: tempFile(), workflows: [wf], leaseMs: 3600_000 });
    const ids = [];
    for (let i = 1; i <= 50; i++) ids.push(await b.client.start(wf, i * 1000));
    await b.settle();
    expect(stats(b)).toMatchObject({ timers: 50, armedTimers: 1 });
    // The lease-renewal tick is the only other clock timer.
    expect(b.clock.pending).toBe(2);
    await b.clock.advance(25_500);
    expect(stats(b)).toMatchObject({ timers: 25, armedTimers: 1 });
    await b.stop();
    expect(b.clock.pending).toBe(0);
  });
  it('drops the durable timer of a cancelled run, parked in a sleep, a receive with a timeout or a race', async () => {
    const napper = defineWorkflow('napper', function* () {
      yield* sleep(DAY);
    });
    const waiter = defineWorkflow('waiter', function* () {
      yield* receive({ topic: 'go', timeout: DAY });
    });
    const racer = defineWorkflow('racer', function* () {
      yield* race([sleep(DAY), receive({ topic: 'go', timeout: 2 * DAY })]);
    });
    const b = await boot({ file: tempFile(), workflows: [napper, waiter, racer], leaseMs: 3600_000 });
    const ids = [await b.client.start(napper, undefined), await b.client.start(waiter, undefined), await b.client.start(racer, undefined)];
    await b.settle();
    expect(stats(b)).toMatchObject({ loaded: 3, timers: 4, armedTimers: 1 });
    for (const id of ids) expect(await b.client.cancel(id, 'test')).toBe(true);
    await until(b, () => stats(b).loaded === 0, 'the cancelled runs to end');
    for (const id of ids) expect((await b.client.describe(id)).status).toBe('cancelled');
    expect(stats(b)).toMatchObject({ loaded: 0, timers: 0 });
    // Nothing fires for them later either.
    await b.clock.advance(3 * DAY);
    expect(stats(b)).toMatchObject({ timers: 0, armedTimers: 0 });
    await b.stop();
    expect(b.clock.pending).toBe(0);
  });
});

describe('signals', () => {
  it('stores signals sent before the run is loaded; receive takes the oldest of its topic, once', async () => {
    const file = tempFile();
    const wf = defineWorkflow('inbox', function* () {
      yield* sleep(1000);
      const a = yield* receive<number>({ topic: 'add' });
      const b = yield* receive<number>({ topic: 'add' });
      const s = yield* receive<string>({ topic: 'note' });
      return [a.payload, b.payload, s.payload];
    });
    const b1 = await boot({ file, workflows: [wf], owner: 'n' });
    await b1.client.start(wf, undefined, { id: 'in' });
    await b1.stop();
    // Another runtime with no workflow loaded stores the signals.
    const other = await boot({ file, workflows: [], owner: 'other' });
    await other.client.signal('in', 'note', 'hello');
    await other.client.signal('in', 'add', 1);
    await other.client.signal('in', 'add', 2);
    await other.client.signal('in', 'add', 3);
    await other.stop();
    const b2 = await boot({ file, workflows: [wf], owner: 'n' }, { at: 5000 });
    await b2.clock.advance(0);
    expect(await b2.client.result('in')).toEqual([1, 2, 'hello']);
    await b2.stop();
  });

  it('receive with a timeout fails durably with RECEIVE_TIMEOUT; race of a signal and a sleep replays the winner', async () => {
    const file = tempFile();
    const wf = defineWorkflow('deadline', function* () {
      let timedOut = false;
      try {
        yield* receive({ topic: 'never', timeout: 500 });
      } catch (error) {
        timedOut = (error as { code?: string }).code === 'RECEIVE_TIMEOUT';
      }
      const first = yield* race([receive<string>({ topic: 'pay' }), sleep(10_000)]);
      yield* receive({ topic: 'hold' });
      return { timedOut, first: first === undefined ? 'timer' : (first as { payload: string }).payload };
    });
    const b1 = await boot({ file, workflows: [wf], owner: 'n' });
    await b1.client.start(wf, undefined, { id: 'd' });
    await b1.clock.advance(600);
    await b1.client.signal('d', 'pay', 'paid');
    await b1.settle();
    await b1.stop();
    const b2 = await boot({ file, workflows: [wf], owner: 'n' }, { at: 20_000 });
    await b2.client.signal('d', 'hold');
    expect(await b2.client.result('d')).toEqual({ timedOut: true, first: 'paid' });
    await b2.stop();
  });

  it('refuses a signal to an unknown or closed run', async () => {
    const wf = defineWorkflow('quick', function* () {
      return 1;
    });
    const b = await boot({ file: tempFile(), workflows: [wf] });
    await expect(b.client.signal('nobody', 'x')).rejects.toMatchObject({ code: 'WORKFLOW_NO_SUCH_RUN', runId: 'nobody' });
    await b.client.execute(wf, undefined, { id: 'q' });
    await expect(b.client.signal('q', 'x')).rejects.toMatchObject({ code: 'WORKFLOW_CLOSED' });
    await b.stop();
  });
});
