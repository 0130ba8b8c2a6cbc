import { describe, expect, it } from 'vitest';
import { receive, type Pid } from '@switchyard/runtime';
import { createTestRuntime } from '@switchyard/testing';
import { clockPlugin, startTicker, startTimer, waitTimer, type Tick } from '@switchyard/plugin-clock';
import { clockStats } from './harness.js';

describe('one clock plugin value installed in two runtimes', () => {
  it('keeps separate state: stopping one leaves the other ticking and its timers firing; stats are per runtime', async () => {
    const plugin = clockPlugin();
    const a = await createTestRuntime({ plugins: [plugin] });
    const b = await createTestRuntime({ plugins: [plugin] });
    try {
      const ticks: number[] = [];
      function* ticking() {
        yield* startTicker(10, 'tick');
        for (;;) ticks.push((yield* receive<Tick>({ topic: 'tick' })).payload.tick);
      }
      a.rt.spawn(ticking);
      a.rt.spawn(function* () {
        yield* waitTimer(yield* startTimer(1000));
      });
      const bTicker: Pid = b.rt.spawn(ticking);
      const bTimer = b.rt.run(function* () {
        const timer = yield* startTimer(50);
        yield* waitTimer(timer);
        return b.clock.now();
      });
      b.rt.spawn(function* () {
        yield* startTimer(70, { topic: 'x' });
        yield* startTimer(80);
        yield* receive({ topic: 'never' });
      });
      await a.advance(20);
      await b.advance(20);
      expect(clockStats(a)).toMatchObject({ tickers: 1, timers: 1, pendingTimers: 1, ticks: 2 });
      expect(clockStats(b)).toMatchObject({ tickers: 1, timers: 3, pendingTimers: 3, ticks: 2 });

      await a.stop();
      expect(clockStats(a)).toMatchObject({ active: 0, tickers: 0, timers: 0 });
      expect(a.clock.pending).toBe(0);
      // B is untouched: its ticker goes on and its timer fires.
      const before = ticks.length;
      await b.advance(30);
      expect(ticks.length - before).toBe(3);
      expect(await bTimer).toBe(50);
      expect(clockStats(b)).toMatchObject({ tickers: 1, timers: 2, pendingTimers: 2, ticks: 5 });
      b.rt.terminate(bTicker);
      expect(clockStats(b)).toMatchObject({ tickers: 0, timers: 2 });
    } finally {
      await a.stop();
      await b.stop();
    }
    expect(clockStats(b)).toMatchObject({ active: 0, tickers: 0, timers: 0, pendingTimers: 0 });
    expect(b.clock.pending).toBe(0);
  });
});
