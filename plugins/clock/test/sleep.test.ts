import { afterEach, beforeEach, describe, expect, expectTypeOf, it } from 'vitest';
import type { ProcessContext } from '@switchyard/runtime';
import { ClockCommand, sleep, SleepCmd } from '@switchyard/plugin-clock';
import { withClock, type ClockHarness } from './harness.js';

let t: ClockHarness;
beforeEach(async () => {
  t = await withClock();
});
afterEach(async () => {
  await t.stop();
});

describe('sleep', () => {
  it('builds a Sleep command (ID 10) typed void', () => {
    const cmd = sleep(5);
    expect(cmd).toBeInstanceOf(SleepCmd);
    expect(cmd.id).toBe(ClockCommand.Sleep);
    expect(cmd.id).toBe(10);
    expect(cmd.ms).toBe(5);
    function* p() {
      const r = yield* sleep(1);
      expectTypeOf(r).toEqualTypeOf<void>();
    }
    expect(typeof p).toBe('function');
  });

  it('resumes the process after the given virtual time, not before', async () => {
    const woke: number[] = [];
    function* sleeper() {
      yield* sleep(100);
      woke.push(t.clock.now());
      return 'rested';
    }
    const done = t.rt.run(sleeper);
    await t.advance(99);
    expect(woke).toEqual([]);
    expect(t.idle()).toEqual({ active: 1, pending: 1 });
    await t.advance(1);
    expect(await done).toBe('rested');
    expect(woke).toEqual([100]);
    expect(t.idle()).toEqual({ active: 0, pending: 0 });
  });

  it('sleep(0) resumes at the same virtual time', async () => {
    const done = t.rt.run(function* () {
      yield* sleep(0);
      return t.clock.now();
    });
    await t.advance(0);
    expect(await done).toBe(0);
  });

  it('consecutive sleeps add up', async () => {
    const at: number[] = [];
    const done = t.rt.run(function* () {
      for (const ms of [10, 20, 30]) {
        yield* sleep(ms);
        at.push(t.clock.now());
      }
    });
    await t.advance(1000);
    await done;
    expect(at).toEqual([10, 30, 60]);
  });

  it('processes sleeping different times wake in time order', async () => {
    const order: string[] = [];
    function* nap(_ctx: ProcessContext, name: string, ms: number) {
      yield* sleep(ms);
      order.push(`${name}@${t.clock.now()}`);
    }
    t.rt.spawn(nap, 'slow', 300);
    t.rt.spawn(nap, 'fast', 100);
    t.rt.spawn(nap, 'mid', 200);
    t.rt.spawn(nap, 'fast2', 100);
    await t.advance(300);
    expect(order).toEqual(['fast@100', 'fast2@100', 'mid@200', 'slow@300']);
    expect(t.idle()).toEqual({ active: 0, pending: 0 });
  });
});
