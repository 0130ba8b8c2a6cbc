import { afterEach, beforeEach, describe, expect, expectTypeOf, it } from 'vitest';
import type { Command } from '@switchyard/dispatcher';
import {
  createRuntime,
  NoSuchResourceError,
  NotOwnerError,
  receive,
  ReceiveTimeoutError,
  self,
  transfer,
  type Pid,
  type ProcessContext,
} from '@switchyard/runtime';
import { createVirtualClock } from '@switchyard/testing';
import { ClockCommand, clockPlugin, sleep, startTicker, stopTicker, type Tick, type TickerHandle } from '@switchyard/plugin-clock';
import { clockStats, withClock, type ClockHarness } from './harness.js';

let t: ClockHarness;
beforeEach(async () => {
  t = await withClock();
});
afterEach(async () => {
  await t.stop();
});

type Outcome<T> = { ok: true; value: T } | { ok: false; error: unknown };
function* attempt<T>(op: { [Symbol.iterator](): Iterator<Command, T, unknown> }): Generator<Command, Outcome<T>, unknown> {
  try {
    return { ok: true, value: yield* op };
  } catch (error) {
    return { ok: false, error };
  }
}

/** Read every queued message of `topic` without waiting. */
function* drain(topic: string) {
  const got: Tick[] = [];
  for (;;) {
    try {
      got.push((yield* receive<Tick>({ topic, timeout: 0 })).payload);
    } catch (e) {
      if (e instanceof ReceiveTimeoutError) return got;
      throw e;
    }
  }
}

describe('tickers', () => {
  it('commands have IDs 14 and 16 and typed results', () => {
    expect(startTicker(10, 'x').id).toBe(ClockCommand.TickerStart);
    expect(startTicker(10, 'x').id).toBe(14);
    expect(stopTicker({ kind: 'ticker', id: 1 }).id).toBe(16);
    function* p() {
      const h = yield* startTicker(10, 'x');
      expectTypeOf(h).toEqualTypeOf<TickerHandle>();
      expectTypeOf(yield* stopTicker(h)).toEqualTypeOf<void>();
    }
    expect(typeof p).toBe('function');
  });

  it('ticks arrive as messages on the chosen topic, numbered, with their times, until stopped', async () => {
    const ticks: Tick[] = [];
    let ticker: TickerHandle | undefined;
    function* ticking() {
      ticker = yield* startTicker(100, 'tick');
      for (let i = 0; i < 3; i++) ticks.push((yield* receive<Tick>({ topic: 'tick' })).payload);
      yield* stopTicker(ticker);
      const again = yield* attempt(stopTicker(ticker));
      try {
        yield* receive({ topic: 'tick', timeout: 1000 });
        return { again, after: 'another tick' };
      } catch (e) {
        return { again, after: e instanceof ReceiveTimeoutError ? 'no tick' : String(e) };
      }
    }
    const done = t.rt.run(ticking);
    await t.advance(300);
    expect(ticker).toEqual({ kind: 'ticker', id: expect.any(Number) });
    expect(ticks).toEqual([
      { ticker, tick: 1, at: 100, skipped: 0 },
      { ticker, tick: 2, at: 200, skipped: 0 },
      { ticker, tick: 3, at: 300, skipped: 0 },
    ]);
    await t.advance(1000);
    const r = await done;
    expect(r.after).toBe('no tick');
    // A second stop is refused by the resource table: the ticker is gone.
    expect(r.again.ok).toBe(false);
    expect((r.again as { error: unknown }).error).toBeInstanceOf(NoSuchResourceError);
    expect(t.idle()).toEqual({ active: 0, pending: 0 });
    expect(t.stats()).toMatchObject({ ticks: 3, skippedTicks: 0, tickers: 0 });
  });

  it('a busy process finds one unread tick; the next one counts the ticks skipped meanwhile', async () => {
    const done = t.rt.run(function* () {
      yield* startTicker(10, 'tick');
      yield* sleep(35);
      const queued = yield* drain('tick');
      const next = (yield* receive<Tick>({ topic: 'tick' })).payload;
      return { queued, next };
    });
    await t.advance(40);
    const { queued, next } = await done;
    // Ticks at 20 and 30 were skipped: tick 1 (at 10) was still unread.
    expect(queued.map((x) => [x.tick, x.at, x.skipped])).toEqual([[1, 10, 0]]);
    expect([next.tick, next.at, next.skipped]).toEqual([4, 40, 2]);
    expect(t.stats()).toMatchObject({ ticks: 2, skippedTicks: 2 });
  });

  it('a process that never reads its ticker holds one tick, not thousands', async () => {
    const pid = t.rt.spawn(function* () {
      yield* startTicker(10, 'tick');
      yield* receive({ topic: 'go' });
      return yield* drain('tick');
    });
    const exit = t.rt.wait(pid);
    await t.advance(10_000);
    expect(t.stats()).toMatchObject({ ticks: 1, skippedTicks: 999 });
    t.rt.send(pid, 'go', null);
    const r = await exit;
    expect(r.kind).toBe('normal');
    const queued = (r as { value: Tick[] }).value;
    expect(queued.map((x) => [x.tick, x.skipped])).toEqual([[1, 0]]);
    expect(t.idle()).toEqual({ active: 0, pending: 0 });
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
    const handles: TickerHandle[] = [];
    const pid = t.rt.spawn(function* () {
      handles.push(yield* startTicker(30, 'a'), yield* startTicker(50, 'b'));
      for (;;) {
        const m = yield* receive<Tick>();
        got.push(`${m.topic}${m.payload.tick}@${m.payload.at}`);
      }
    });
    await t.advance(100);
    expect(got).toEqual(['a1@30', 'b1@50', 'a2@60', 'a3@90', 'b2@100']);
    expect(new Set(handles.map((h) => h.id)).size).toBe(2);
    expect(t.stats()).toMatchObject({ active: 2, tickers: 2 });
    t.rt.terminate(pid);
    expect(t.idle()).toEqual({ active: 0, pending: 0 });
  });

  it('stopping something that is not a live ticker fails with NO_SUCH_RESOURCE', async () => {
    const r = await t.rt.run(function* () {
      const fake = yield* attempt(stopTicker({ kind: 'ticker', id: 12345 }));
      const junk = yield* attempt(stopTicker(42 as unknown as TickerHandle));
      return { fake, junk };
    });
    for (const o of [r.fake, r.junk]) {
      expect(o.ok).toBe(false);
      expect((o as { error: NoSuchResourceError }).error.code).toBe('NO_SUCH_RESOURCE');
    }
  });
});

describe('ticker ownership', () => {
  /** Owns a ticker and records its ticks until told to give it away (or forever). */
  function* owner(_ctx: ProcessContext, got: Tick[], out: { handle?: TickerHandle }) {
    out.handle = yield* startTicker(10, 'tick');
    for (;;) {
      const m = yield* receive<Tick | Pid>();
      if (m.topic === 'give') {
        yield* transfer(out.handle, m.payload as Pid);
        const after = yield* attempt(stopTicker(out.handle));
        return after;
      }
      got.push(m.payload as Tick);
    }
  }

  it('another process holding a copy of the handle cannot stop it: NOT_OWNER, and it keeps ticking', async () => {
    const got: Tick[] = [];
    const out: { handle?: TickerHandle } = {};
    const pid = t.rt.spawn(owner, got, out);
    await t.advance(20);
    const r = await t.rt.run(function* () {
      return yield* attempt(stopTicker({ ...out.handle! }));
    });
    expect(r.ok).toBe(false);
    const err = (r as { error: NotOwnerError }).error;
    expect(err).toBeInstanceOf(NotOwnerError);
    expect(err.code).toBe('NOT_OWNER');
    expect(err.owner).toBe(pid);
    await t.advance(30);
    expect(got.map((x) => x.tick)).toEqual([1, 2, 3, 4, 5]);
    expect(t.stats().tickers).toBe(1);
    t.rt.terminate(pid);
    expect(t.idle()).toEqual({ active: 0, pending: 0 });
  });

  it('after transfer the new owner gets the ticks and can stop it; the old owner cannot', async () => {
    const got: Tick[] = [];
    const out: { handle?: TickerHandle } = {};
    const newGot: Tick[] = [];
    const heir = t.rt.spawn(function* () {
      const me = yield* self();
      const m = yield* receive<{ handle: TickerHandle; me: Pid }>({ topic: 'handle' });
      for (let i = 0; i < 2; i++) newGot.push((yield* receive<Tick>({ topic: 'tick' })).payload);
      yield* stopTicker(m.payload.handle);
      return me;
    });
    const old = t.rt.spawn(owner, got, out);
    const oldExit = t.rt.wait(old);
    const heirExit = t.rt.wait(heir);
    await t.advance(25);
    expect(got.map((x) => x.tick)).toEqual([1, 2]);
    t.rt.send(old, 'give', heir);
    await t.settle();
    const refused = await oldExit;
    expect(refused.kind).toBe('normal');
    const after = (refused as { value: Outcome<void> }).value;
    expect(after.ok).toBe(false);
    expect((after as { error: NotOwnerError }).error).toBeInstanceOf(NotOwnerError);
    expect((after as { error: NotOwnerError }).error.owner).toBe(heir);
    // The old owner ended, yet the ticker it gave away lives on with the heir.
    expect(t.stats().tickers).toBe(1);
    t.rt.send(heir, 'handle', { handle: out.handle!, me: heir });
    await t.advance(30);
    expect(await heirExit).toEqual({ kind: 'normal', value: heir });
    expect(newGot.map((x) => x.tick)).toEqual([3, 4]);
    expect(newGot[0]!.ticker).toEqual(out.handle);
    expect(got.map((x) => x.tick)).toEqual([1, 2]);
    expect(t.idle()).toEqual({ active: 0, pending: 0 });
    expect(t.rt.stats().resources.live).toBe(0);
  });
});

describe('ticks and the owner mailbox bound', () => {
  it('a full mailbox (policy error) refuses a tick: it is counted as skipped, nothing piles up', async () => {
    const clock = createVirtualClock();
    const rt = createRuntime({ plugins: [clockPlugin()], clock, mailbox: { capacity: 2, overflow: 'error' } });
    clock.onSettle(() => rt.whenIdle());
    await rt.start();
    try {
      const pid = rt.spawn(function* () {
        yield* startTicker(10, 'tick');
        yield* sleep(35);
        yield* receive({ topic: 'noise' });
        yield* receive({ topic: 'noise' });
        const queued = yield* drain('tick');
        const next = (yield* receive<Tick>({ topic: 'tick' })).payload;
        return { queued: queued.length, next: [next.tick, next.skipped] };
      });
      const exit = rt.wait(pid);
      await clock.advance(5);
      // Fill the mailbox with other messages: the ticks at 10, 20 and 30 find no room.
      expect(rt.send(pid, 'noise', 1)).toBe(true);
      expect(rt.send(pid, 'noise', 2)).toBe(true);
      await clock.advance(30);
      expect(clockStats({ rt })).toMatchObject({ ticks: 0, skippedTicks: 3 });
      expect(rt.stats().mailbox.refused).toBe(3);
      await clock.advance(10);
      expect(await exit).toEqual({ kind: 'normal', value: { queued: 0, next: [4, 3] } });
    } finally {
      await rt.stop();
    }
  });
});

describe('ticks and a dropOldest mailbox', () => {
  it('a tick the mailbox drops unread is counted as skipped and reported by the next tick', async () => {
    const clock = createVirtualClock();
    const rt = createRuntime({ plugins: [clockPlugin()], clock });
    clock.onSettle(() => rt.whenIdle());
    await rt.start();
    try {
      const pid = rt.spawnWith({ mailbox: { capacity: 1, overflow: 'dropOldest' } }, function* () {
        yield* startTicker(10, 'tick');
        yield* sleep(15);
        const noise = yield* receive<number>({ topic: 'noise' });
        const next = (yield* receive<Tick>({ topic: 'tick' })).payload;
        return { noise: noise.payload, next: [next.tick, next.skipped] };
      });
      const exit = rt.wait(pid);
      await clock.advance(12);
      // The unread tick 1 is the oldest message: this send evicts it.
      expect(rt.send(pid, 'noise', 7)).toBe(true);
      expect(rt.stats().mailbox.dropped).toBe(1);
      await clock.advance(10);
      expect(await exit).toEqual({ kind: 'normal', value: { noise: 7, next: [2, 1] } });
      expect(clockStats({ rt })).toMatchObject({ ticks: 2, skippedTicks: 1 });
    } finally {
      await rt.stop();
    }
  });
});
