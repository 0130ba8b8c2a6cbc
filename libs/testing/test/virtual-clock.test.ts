import { describe, expect, it } from 'vitest';
import { createVirtualClock, TimerRunawayError } from '@switchyard/testing';
import { ArgumentError } from '@switchyard/runtime';

describe('virtual clock', () => {
  it('starts at 0, or at the given time, and stands still until advanced', async () => {
    expect(createVirtualClock().now()).toBe(0);
    const clock = createVirtualClock(1000);
    expect(clock.now()).toBe(1000);
    await new Promise((r) => setImmediate(r));
    expect(clock.now()).toBe(1000);
    await clock.advance(250);
    expect(clock.now()).toBe(1250);
  });

  it('fires timers in time order, and timers due at the same time in scheduling order', async () => {
    const clock = createVirtualClock();
    const fired: string[] = [];
    clock.setTimeout(() => fired.push('c@30'), 30);
    clock.setTimeout(() => fired.push('a@10'), 10);
    clock.setTimeout(() => fired.push('b1@20'), 20);
    clock.setTimeout(() => fired.push('b2@20'), 20);
    clock.setTimeout(() => fired.push('z@0'), 0);
    await clock.advance(100);
    expect(fired).toEqual(['z@0', 'a@10', 'b1@20', 'b2@20', 'c@30']);
  });

  it('a timer sees now() equal to its due time', async () => {
    const clock = createVirtualClock(5);
    const seen: number[] = [];
    clock.setTimeout(() => seen.push(clock.now()), 10);
    clock.setTimeout(() => seen.push(clock.now()), 40);
    await clock.advance(100);
    expect(seen).toEqual([15, 45]);
    expect(clock.now()).toBe(105);
  });

  it('advance fires only what is due within the window, including the window edge', async () => {
    const clock = createVirtualClock();
    const fired: number[] = [];
    for (const ms of [10, 20, 21]) clock.setTimeout(() => fired.push(ms), ms);
    await clock.advance(20);
    expect(fired).toEqual([10, 20]);
    expect(clock.pending).toBe(1);
    await clock.advance(1);
    expect(fired).toEqual([10, 20, 21]);
    expect(clock.pending).toBe(0);
  });

  it('advance(0) fires timers due now', async () => {
    const clock = createVirtualClock();
    let fired = false;
    clock.setTimeout(() => (fired = true), 0);
    await clock.advance(0);
    expect(fired).toBe(true);
  });

  it('timers scheduled by a firing timer fire too when they fall within the window', async () => {
    const clock = createVirtualClock();
    const at: number[] = [];
    const again = () => {
      at.push(clock.now());
      clock.setTimeout(again, 30);
    };
    clock.setTimeout(again, 30);
    await clock.advance(100);
    expect(at).toEqual([30, 60, 90]);
    expect(clock.pending).toBe(1);
  });

  it('negative, NaN and infinite delays fire at once rather than never', async () => {
    const clock = createVirtualClock();
    const fired: string[] = [];
    clock.setTimeout(() => fired.push('neg'), -5);
    clock.setTimeout(() => fired.push('nan'), Number.NaN);
    clock.setTimeout(() => fired.push('inf'), Number.POSITIVE_INFINITY);
    await clock.advance(0);
    expect(fired).toEqual(['neg', 'nan', 'inf']);
  });

  it('counts pending timers; clearTimeout removes one, twice is harmless', async () => {
    const clock = createVirtualClock();
    expect(clock.pending).toBe(0);
    const a = clock.setTimeout(() => {}, 10);
    const b = clock.setTimeout(() => {
      throw new Error('cleared timer fired');
    }, 20);
    expect(clock.pending).toBe(2);
    clock.clearTimeout(b);
    clock.clearTimeout(b);
    expect(clock.pending).toBe(1);
    await clock.advance(10);
    expect(clock.pending).toBe(0);
    clock.clearTimeout(a);
    await clock.advance(100);
    expect(clock.pending).toBe(0);
  });

  it('advance awaits the settle hook before and after each firing', async () => {
    const clock = createVirtualClock();
    const log: string[] = [];
    clock.onSettle(async () => void log.push(`settle@${clock.now()}`));
    clock.setTimeout(() => log.push('fire@10'), 10);
    clock.setTimeout(() => log.push('fire@20'), 20);
    await clock.advance(50);
    expect(log).toEqual(['settle@0', 'fire@10', 'settle@10', 'fire@20', 'settle@20']);
  });

  it.each([-1, Number.NaN])('advance(%s) is refused with BAD_ARGUMENT naming the value', async (ms) => {
    const clock = createVirtualClock();
    await expect(clock.advance(ms)).rejects.toThrow(ArgumentError);
    await expect(clock.advance(ms)).rejects.toMatchObject({ code: 'BAD_ARGUMENT', argument: 'ms' });
    await expect(clock.advance(ms)).rejects.toThrow(`got ${ms}`);
    expect(clock.now()).toBe(0);
  });

  it('runAll fires everything, moving time to the last timer', async () => {
    const clock = createVirtualClock();
    const fired: number[] = [];
    clock.setTimeout(() => fired.push(clock.now()), 500);
    clock.setTimeout(() => {
      fired.push(clock.now());
      clock.setTimeout(() => fired.push(clock.now()), 1000);
    }, 100);
    await clock.runAll();
    expect(fired).toEqual([100, 500, 1100]);
    expect(clock.now()).toBe(1100);
    expect(clock.pending).toBe(0);
  });

  it('runAll stops after `limit` firings and says how many timers are left', async () => {
    const clock = createVirtualClock();
    let n = 0;
    const forever = () => {
      n++;
      clock.setTimeout(forever, 10);
    };
    clock.setTimeout(forever, 10);
    const err = await clock.runAll(25).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TimerRunawayError);
    expect(err).toMatchObject({ code: 'TIMER_RUNAWAY', pending: 1, limit: 25 });
    expect((err as Error).message).toContain('after 25 firings');
    expect((err as Error).message).toContain('still 1 timer(s)');
    expect(n).toBe(25);
    expect(clock.now()).toBe(250);
  });

  it('runAll with exactly `limit` timers succeeds', async () => {
    const clock = createVirtualClock();
    for (let i = 1; i <= 3; i++) clock.setTimeout(() => {}, i);
    await expect(clock.runAll(3)).resolves.toBeUndefined();
  });

  it('two clocks do not share time or timers', async () => {
    const a = createVirtualClock();
    const b = createVirtualClock();
    let fired = 0;
    a.setTimeout(() => fired++, 10);
    await b.advance(100);
    expect(fired).toBe(0);
    expect(a.now()).toBe(0);
    expect(a.pending).toBe(1);
    expect(b.pending).toBe(0);
  });
});
