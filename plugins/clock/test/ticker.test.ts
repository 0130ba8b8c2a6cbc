import { afterEach, beforeEach, describe, expect, expectTypeOf, it } from 'vitest';
import { receive, ReceiveTimeoutError, type ProcessContext } from '@switchyard/runtime';
import { ClockCommand, sleep, startTicker, stopTicker, type Tick } from '@switchyard/plugin-clock';
import { withClock, type ClockHarness } from './harness.js';

let t: ClockHarness;
beforeEach(async () => {
  t = await withClock();
});
afterEach(async () => {
  await t.stop();
});

describe('tickers', () => {
  it('commands have IDs 14 and 16 and typed results', () => {
    expect(startTicker(10, 'x').id).toBe(ClockCommand.TickerStart);
    expect(startTicker(10, 'x').id).toBe(14);
    expect(stopTicker(1).id).toBe(16);
    function* p() {
      const id = yield* startTicker(10, 'x');
      expectTypeOf(id).toEqualTypeOf<number>();
      const stopped = yield* stopTicker(id);
      expectTypeOf(stopped).toEqualTypeOf<boolean>();
    }
    expect(typeof p).toBe('function');
  });

  it('ticks arrive as messages on the chosen topic, numbered, with their times, until stopped', async () => {
    const ticks: Tick[] = [];
    let tickerId = 0;
    function* ticking() {
      tickerId = yield* startTicker(100, 'tick');
      for (let i = 0; i < 3; i++) {
        const m = yield* receive<Tick>({ topic: 'tick' });
        ticks.push(m.payload);
      }
      const stopped = yield* stopTicker(tickerId);
      const again = yield* stopTicker(tickerId);
      try {
        yield* receive({ topic: 'tick', timeout: 1000 });
        return { stopped, again, after: 'another tick' };
      } catch (e) {
        return { stopped, again, after: e instanceof ReceiveTimeoutError ? 'no tick' : String(e) };
      }
    }
    const done = t.rt.run(ticking);
    await t.advance(300);
    expect(ticks).toEqual([
      { ticker: tickerId, tick: 1, at: 100 },
      { ticker: tickerId, tick: 2, at: 200 },
      { ticker: tickerId, tick: 3, at: 300 },
    ]);
    await t.advance(1000);
    expect(await done).toEqual({ stopped: true, again: false, after: 'no tick' });
    expect(t.idle()).toEqual({ active: 0, pending: 0 });
  });

  it('ticks queue up in order while the process is busy', async () => {
    const done = t.rt.run(function* () {
      yield* startTicker(10, 'tick');
      yield* sleep(35);
      const got: number[] = [];
      for (let i = 0; i < 3; i++) got.push((yield* receive<Tick>({ topic: 'tick' })).payload.tick);
      return got;
    });
    await t.advance(35);
    expect(await done).toEqual([1, 2, 3]);
  });

  it('keeps a fixed rate from its start time', async () => {
    const at: number[] = [];
    const pid = t.rt.spawn(function* () {
      yield* sleep(5);
      yield* startTicker(40, 'tick');
      for (;;) at.push((yield* receive<Tick>({ topic: 'tick' })).payload.at);
    });
    await t.advance(200);
    expect(at).toEqual([45, 85, 125, 165]);
    t.rt.terminate(pid);
    expect(t.idle()).toEqual({ active: 0, pending: 0 });
  });

  it('two tickers tick independently on their own topics', async () => {
    const got: string[] = [];
    const ids: number[] = [];
    const pid = t.rt.spawn(function* () {
      ids.push(yield* startTicker(30, 'a'), yield* startTicker(50, 'b'));
      for (;;) {
        const m = yield* receive<Tick>();
        got.push(`${m.topic}${m.payload.tick}@${m.payload.at}`);
      }
    });
    await t.advance(100);
    expect(got).toEqual(['a1@30', 'b1@50', 'a2@60', 'a3@90', 'b2@100']);
    expect(new Set(ids).size).toBe(2);
    expect(t.plugin.activeTimers()).toBe(2);
    t.rt.terminate(pid);
    expect(t.idle()).toEqual({ active: 0, pending: 0 });
  });

  it('stopping an unknown ticker resolves to false', async () => {
    expect(await t.rt.run(function* () {
      return yield* stopTicker(12345);
    })).toBe(false);
  });

  it('a ticker stopped by another process stops ticking for its owner', async () => {
    const ticks: number[] = [];
    let id = 0;
    const owner = t.rt.spawn(function* (_ctx: ProcessContext) {
      id = yield* startTicker(10, 'tick');
      for (;;) ticks.push((yield* receive<Tick>({ topic: 'tick' })).payload.tick);
    });
    await t.settle();
    expect(id).toBeGreaterThan(0);
    await t.advance(20);
    expect(await t.rt.run(function* () {
      return yield* stopTicker(id);
    })).toBe(true);
    await t.advance(100);
    expect(ticks).toEqual([1, 2]);
    expect(t.rt.isAlive(owner)).toBe(true);
    expect(t.idle()).toEqual({ active: 0, pending: 0 });
  });
});
