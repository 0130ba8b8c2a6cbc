import { getEventListeners } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { AbortedError, EventBus, type Event, type Subscription } from '../src/index.js';
import { ev, stateOf } from './helpers.js';

const buses: EventBus[] = [];
function bus(options?: ConstructorParameters<typeof EventBus>[0]): EventBus {
  const b = new EventBus(options);
  buses.push(b);
  return b;
}
afterEach(async () => {
  await Promise.all(buses.splice(0).map((b) => b.stop()));
});

async function kinds(sub: Subscription, n: number): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const r = await sub.next();
    if (r.done) break;
    out.push(r.value.kind);
  }
  return out;
}

function numbered(system: string, n: number, from = 0): Event[] {
  return Array.from({ length: n }, (_, i) => ev(system, String(from + i)));
}

describe('overflow: block (back-pressure)', () => {
  it('makes the loop wait for room; later actions stay queued in order; nothing is lost', async () => {
    const b = bus();
    const slow = await b.subscribe('a', undefined, { bufferSize: 2 });
    for (const e of numbered('a', 5)) b.send(e);
    const lateSub = b.subscribe('late');
    const flushed = b.flush();
    expect(await stateOf(flushed)).toBe('pending');
    expect(await stateOf(lateSub)).toBe('pending');
    expect(b.stats()).toMatchObject({ delivered: 2, dropped: 0 });
    expect(await kinds(slow, 5)).toEqual(['0', '1', '2', '3', '4']);
    await flushed;
    await lateSub;
    expect(slow.dropped).toBe(0);
    expect(b.stats()).toMatchObject({ delivered: 5, dropped: 0 });
  });

  it('holds back other subscribers of later events too (one loop, one order)', async () => {
    const b = bus();
    const slow = await b.subscribe('a', undefined, { bufferSize: 1 });
    const fast = await b.subscribe('**', undefined, { bufferSize: 100 });
    b.send(ev('a', '0'));
    b.send(ev('a', '1'));
    b.send(ev('b', '2'));
    await stateOf(b.flush());
    // 'b' is queued behind the blocked delivery of '1'.
    expect(fast.closed).toBe(false);
    const early = await kinds(fast, 1);
    expect(early).toEqual(['0']);
    expect(await kinds(slow, 2)).toEqual(['0', '1']);
    expect(await kinds(fast, 2)).toEqual(['1', '2']);
  });

  it('closing the blocking subscriber releases the loop', async () => {
    const b = bus();
    const slow = await b.subscribe('a', undefined, { bufferSize: 1 });
    const other = await b.subscribe('a', undefined, { bufferSize: 10 });
    for (const e of numbered('a', 3)) b.send(e);
    const flushed = b.flush();
    expect(await stateOf(flushed)).toBe('pending');
    await slow.close();
    await flushed;
    expect(await kinds(other, 3)).toEqual(['0', '1', '2']);
  });

  it("an event's own signal stops the rest of its delivery while the loop is blocked", async () => {
    const b = bus();
    const full = await b.subscribe('a', undefined, { bufferSize: 1 });
    b.send(ev('a', 'filler'));
    await b.flush();
    const ac = new AbortController();
    expect(b.send(ev('a', 'stuck'), { signal: ac.signal })).toBe(true);
    b.send(ev('a', 'next'));
    const flushed = b.flush();
    expect(await stateOf(flushed)).toBe('pending');
    expect(getEventListeners(ac.signal, 'abort')).toHaveLength(1);
    ac.abort();
    // The loop moves on to 'next', which waits for room in turn.
    expect(await kinds(full, 2)).toEqual(['filler', 'next']);
    await flushed;
    expect(getEventListeners(ac.signal, 'abort')).toHaveLength(0);
  });

  it('an event whose signal already aborted is not sent', async () => {
    const b = bus();
    const sub = await b.subscribe('a');
    const ac = new AbortController();
    ac.abort();
    expect(b.send(ev('a'), { signal: ac.signal })).toBe(false);
    const ac2 = new AbortController();
    b.send(ev('a', 'aborted-in-queue'), { signal: ac2.signal });
    ac2.abort();
    b.send(ev('a', 'kept'));
    expect(await kinds(sub, 1)).toEqual(['kept']);
    expect(b.stats().sent).toBe(1);
  });

  it('a delivered event with a signal leaves no listener behind', async () => {
    const b = bus();
    const sub = await b.subscribe('a');
    const ac = new AbortController();
    b.send(ev('a'), { signal: ac.signal });
    await b.flush();
    expect(getEventListeners(ac.signal, 'abort')).toHaveLength(0);
    expect(await kinds(sub, 1)).toEqual(['k']);
  });
});

describe('overflow: drop policies', () => {
  it('dropNewest keeps the oldest events and counts the rest', async () => {
    const b = bus();
    const sub = await b.subscribe('a', undefined, { bufferSize: 2, overflow: 'dropNewest' });
    for (const e of numbered('a', 5)) b.send(e);
    await b.flush();
    expect(sub.dropped).toBe(3);
    expect(b.stats()).toMatchObject({ delivered: 2, dropped: 3 });
    expect(await kinds(sub, 2)).toEqual(['0', '1']);
  });

  it('dropOldest keeps the newest events and counts the evicted', async () => {
    const b = bus();
    const sub = await b.subscribe('a', undefined, { bufferSize: 2, overflow: 'dropOldest' });
    for (const e of numbered('a', 5)) b.send(e);
    await b.flush();
    expect(sub.dropped).toBe(3);
    expect(b.stats()).toMatchObject({ delivered: 5, dropped: 3 });
    expect(await kinds(sub, 2)).toEqual(['3', '4']);
  });

  it('a dropping subscriber never holds back the others', async () => {
    const b = bus();
    await b.subscribe('a', undefined, { bufferSize: 1, overflow: 'dropNewest' });
    const reader = await b.subscribe('a', undefined, { bufferSize: 100 });
    for (const e of numbered('a', 50)) b.send(e);
    await b.flush();
    expect((await kinds(reader, 50)).length).toBe(50);
  });
});

describe('subscription signal', () => {
  it('aborting removes the subscriber, ends its channel and removes the listener', async () => {
    const b = bus();
    const ac = new AbortController();
    const sub = await b.subscribe('a', undefined, { signal: ac.signal });
    expect(getEventListeners(ac.signal, 'abort')).toHaveLength(1);
    const pending = sub.next();
    ac.abort();
    expect(await pending).toEqual({ value: undefined, done: true });
    await b.flush();
    expect(b.stats().subscribers).toBe(0);
    expect(getEventListeners(ac.signal, 'abort')).toHaveLength(0);
    b.send(ev('a'));
    await b.flush();
    expect(b.stats().delivered).toBe(0);
  });

  it('aborting the subscriber the loop is blocked on releases the loop', async () => {
    const b = bus();
    const ac = new AbortController();
    await b.subscribe('a', undefined, { bufferSize: 1, signal: ac.signal });
    for (const e of numbered('a', 3)) b.send(e);
    const flushed = b.flush();
    expect(await stateOf(flushed)).toBe('pending');
    ac.abort();
    await flushed;
    expect(b.stats().subscribers).toBe(0);
  });

  it('closing removes the abort listener', async () => {
    const b = bus();
    const ac = new AbortController();
    const sub = await b.subscribe('a', undefined, { signal: ac.signal });
    await sub.close();
    expect(getEventListeners(ac.signal, 'abort')).toHaveLength(0);
  });

  it('a signal aborted before the subscription applies rejects it with ABORTED', async () => {
    const b = bus();
    const ac = new AbortController();
    ac.abort(new Error('gone'));
    const err = await b.subscribe('a', undefined, { signal: ac.signal }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AbortedError);
    expect(err).toMatchObject({ code: 'ABORTED' });
    expect((err as Error).message).toMatch(/subscribe to "a" was aborted/);
    expect(((err as Error).cause as Error).message).toBe('gone');
    expect(b.stats().subscribers).toBe(0);
    expect(getEventListeners(ac.signal, 'abort')).toHaveLength(0);
  });
});
