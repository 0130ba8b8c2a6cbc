import { afterEach, describe, expect, it } from 'vitest';
import type { Event, OverflowPolicy } from '@switchyard/eventbus';
import { receive, ReceiveTimeoutError } from '@switchyard/runtime';
import { subscribe, type SubscriptionHandle } from '../src/index.js';
import { start, stopAll, turns, until } from './helpers.js';

afterEach(stopAll);

/** Subscribes, then reads nothing until told to; then reads `n` events and returns their paths. */
function* slow(_ctx: unknown, overflow: OverflowPolicy, n: number, out: { sub?: SubscriptionHandle }) {
  out.sub = yield* subscribe('load', undefined, { topic: 'load', bufferSize: 8, overflow });
  yield* receive({ topic: 'go' });
  const got: string[] = [];
  for (let i = 0; i < n; i++) got.push((yield* receive<Event>({ topic: 'load', timeout: 5000 })).payload.path);
  // Nothing more is queued or buffered.
  try {
    yield* receive({ topic: 'load', timeout: 20 });
    got.push('one more');
  } catch (e) {
    if (!(e instanceof ReceiveTimeoutError)) throw e;
  }
  return got;
}

const load = (i: number): Event => ({ system: 'load', kind: 'tick', path: String(i) });

describe('a slow subscriber with bufferSize 8', () => {
  it.each<[OverflowPolicy, string[]]>([
    // The event already in the mailbox is not recalled; the buffer keeps the newest 7.
    ['dropOldest', ['0', '993', '994', '995', '996', '997', '998', '999']],
    ['dropNewest', ['0', '1', '2', '3', '4', '5', '6', '7']],
  ])('%s: of 1000 events it keeps 8 and counts 992 drops', async (overflow, expected) => {
    const { rt, stats } = await start();
    const out: { sub?: SubscriptionHandle } = {};
    const pid = rt.spawn(slow, overflow, 8, out);
    const exit = rt.wait(pid);
    await until(() => stats().subscriptions === 1);
    for (let i = 0; i < 1000; i++) rt.bus.send(load(i));
    await until(() => rt.bus.stats().queued === 0);
    const id = out.sub!.id;
    expect(stats()[`subscription.${id}.dropped`]).toBe(992);
    expect(stats()).toMatchObject({ dropped: 992, delivered: 0, refused: 0, lost: 0 });
    // The bus handed the subscription 1000 events and kept only the unread 8 of them.
    expect(rt.bus.stats().dropped).toBe(992);
    rt.send(pid, 'go', null);
    expect(await exit).toEqual({ kind: 'normal', value: expected });
    expect(stats()).toMatchObject({ subscriptions: 0, delivered: 8, dropped: 992 });
  });

  it('block: the bus waits while 8 are unread, then delivers all 1000 in order, none lost', async () => {
    const { rt, stats } = await start();
    const out: { sub?: SubscriptionHandle } = {};
    const pid = rt.spawn(slow, 'block', 1000, out);
    const exit = rt.wait(pid);
    await until(() => stats().subscriptions === 1);
    for (let i = 0; i < 1000; i++) rt.bus.send(load(i));
    await until(() => rt.bus.stats().delivered === 8);
    const sentWhileHeld = rt.bus.stats().sent;
    await turns(10);
    // Held: one event in the mailbox, seven in the subscription's buffer, the ninth waiting in the
    // bus loop for room, the rest not yet dispatched.
    expect(rt.bus.stats().delivered).toBe(8);
    expect(rt.bus.stats().sent).toBe(sentWhileHeld);
    expect(sentWhileHeld).toBeLessThan(20);
    expect(stats()).toMatchObject({ delivered: 0, dropped: 0 });
    rt.send(pid, 'go', null);
    const r = await exit;
    expect(r).toEqual({ kind: 'normal', value: Array.from({ length: 1000 }, (_, i) => String(i)) });
    expect(stats()).toMatchObject({ subscriptions: 0, delivered: 1000, dropped: 0, refused: 0, lost: 0 });
    expect(rt.bus.stats().dropped).toBe(0);
  });

  it('block: a subscriber that ends while the bus waits for it releases the bus', async () => {
    const { rt, stats } = await start();
    const out: { sub?: SubscriptionHandle } = {};
    const pid = rt.spawn(slow, 'block', 1000, out);
    await until(() => stats().subscriptions === 1);
    for (let i = 0; i < 100; i++) rt.bus.send(load(i));
    await until(() => rt.bus.stats().delivered === 8);
    rt.terminate(pid);
    // The loop goes on: every event is dispatched (to no one).
    await until(() => rt.bus.stats().sent >= 100 && rt.bus.stats().queued === 0);
    expect(stats()).toMatchObject({ subscriptions: 0 });
    await until(() => rt.bus.stats().subscribers === 0);
  });
});

describe('the owner mailbox bound', () => {
  it('an event its full mailbox refuses (policy error) is counted as refused; later ones are delivered', async () => {
    const { rt, stats } = await start();
    let emptied = false;
    const pid = rt.spawnWith({ mailbox: { capacity: 1, overflow: 'error' } }, function* () {
      yield* subscribe('load', undefined, { topic: 'load', bufferSize: 8, overflow: 'block' });
      yield* receive({ topic: 'go' });
      yield* receive({ topic: 'noise' });
      emptied = true;
      return (yield* receive<Event>({ topic: 'load' })).payload.path;
    });
    const exit = rt.wait(pid);
    await until(() => stats().subscriptions === 1);
    // The mailbox holds one message: full.
    rt.send(pid, 'noise', 1);
    rt.bus.send(load(0));
    await until(() => rt.bus.stats().queued === 0 && stats().refused === 1);
    expect(stats()).toMatchObject({ refused: 1, delivered: 0 });
    expect(rt.stats().mailbox.refused).toBe(1);
    // 'go' goes straight to the waiting receive; then the process empties its mailbox and waits for an event.
    rt.send(pid, 'go', null);
    await until(() => emptied);
    rt.bus.send(load(1));
    expect(await exit).toEqual({ kind: 'normal', value: '1' });
    expect(stats()).toMatchObject({ refused: 1, delivered: 1 });
  });

  it('an event the mailbox drops unread (its own dropOldest) is counted as lost and frees the credit', async () => {
    const { rt, stats } = await start();
    let ready = false;
    const pid = rt.spawnWith({ mailbox: { capacity: 1, overflow: 'dropOldest' } }, function* () {
      yield* subscribe('load', undefined, { topic: 'load', bufferSize: 8 });
      yield* receive({ topic: 'go' });
      const noise = (yield* receive<number>({ topic: 'noise' })).payload;
      ready = true;
      return { noise, next: (yield* receive<Event>({ topic: 'load' })).payload.path };
    });
    const exit = rt.wait(pid);
    await until(() => stats().subscriptions === 1);
    rt.bus.send(load(0));
    await until(() => rt.bus.stats().delivered === 1);
    // Event 0 is the oldest message of a full mailbox: this send evicts it.
    expect(rt.send(pid, 'noise', 5)).toBe(true);
    expect(stats()).toMatchObject({ lost: 1, delivered: 0 });
    rt.send(pid, 'go', null);
    await until(() => ready);
    rt.bus.send(load(1));
    expect(await exit).toEqual({ kind: 'normal', value: { noise: 5, next: '1' } });
    expect(stats()).toMatchObject({ lost: 1, delivered: 1, dropped: 0 });
  });
});
