import { getEventListeners } from 'node:events';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AwaitTimeoutError, Awaiter, DEFAULT_AWAIT_TIMEOUT_MS, EventBus } from '../src/index.js';
import { ev, stateOf } from './helpers.js';

const buses: EventBus[] = [];
function bus(): EventBus {
  const b = new EventBus();
  buses.push(b);
  return b;
}
afterEach(async () => {
  vi.useRealTimers();
  await Promise.all(buses.splice(0).map((b) => b.stop()));
});

function fakeTimers(): void {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
}

describe('Awaiter', () => {
  it('resolves with the first event for the prepared path, ignoring other paths', async () => {
    const b = bus();
    const awaiter = new Awaiter(b, 'registry', 'accept');
    const waiter = await awaiter.prepare('svc/1');
    b.send(ev('registry', 'accept', 'svc/2'));
    b.send(ev('registry', 'reject', 'svc/1'));
    b.send(ev('registry', 'accept', 'svc/1', { ok: true }));
    await expect(waiter.wait()).resolves.toEqual(ev('registry', 'accept', 'svc/1', { ok: true }));
    await b.flush();
    expect(b.stats().subscribers).toBe(0);
  });

  it('has no race: a reply sent right after prepare, before wait(), is caught', async () => {
    const b = bus();
    const waiter = await new Awaiter(b, 'svc', 'ready').prepare('x');
    // Trigger and reply happen before anyone waits.
    b.send(ev('svc', 'ready', 'x'));
    await b.flush();
    await expect(waiter.wait()).resolves.toMatchObject({ path: 'x' });
  });

  it('times out after 30 s by default, naming system, kind and path; its timer is cleared', async () => {
    fakeTimers();
    expect(DEFAULT_AWAIT_TIMEOUT_MS).toBe(30_000);
    const b = bus();
    const waiter = await new Awaiter(b, 'registry', 'accept').prepare('svc/9');
    const waiting = waiter.wait();
    expect(vi.getTimerCount()).toBe(1);
    vi.advanceTimersByTime(29_999);
    expect(await stateOf(waiting)).toBe('pending');
    vi.advanceTimersByTime(1);
    const err = await waiting.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AwaitTimeoutError);
    expect(err).toMatchObject({ code: 'AWAIT_TIMEOUT', system: 'registry', kind: 'accept', path: 'svc/9', timeoutMs: 30_000 });
    expect((err as Error).message).toBe(
      'timed out after 30000 ms waiting for an event system="registry" kind="accept" path="svc/9"',
    );
    expect(vi.getTimerCount()).toBe(0);
    await b.flush();
    expect(b.stats().subscribers).toBe(0);
  });

  it('takes a timeout per awaiter and per prepare', async () => {
    fakeTimers();
    const b = bus();
    const awaiter = new Awaiter(b, 'a', undefined, { timeoutMs: 50 });
    const w1 = await awaiter.prepare('p');
    const w2 = await awaiter.prepare('p', { timeoutMs: 500 });
    const r1 = w1.wait().catch((e: unknown) => e);
    const r2 = w2.wait();
    vi.advanceTimersByTime(50);
    expect(await r1).toMatchObject({ code: 'AWAIT_TIMEOUT', timeoutMs: 50, kind: '' });
    expect(await stateOf(r2)).toBe('pending');
    b.send(ev('a', 'any', 'p'));
    await expect(r2).resolves.toMatchObject({ path: 'p' });
    expect(vi.getTimerCount()).toBe(0);
  });

  it('clears its timer when the event arrives', async () => {
    fakeTimers();
    const b = bus();
    const waiter = await new Awaiter(b, 'a', 'k').prepare('p');
    const waiting = waiter.wait();
    expect(vi.getTimerCount()).toBe(1);
    b.send(ev('a', 'k', 'p'));
    await waiting;
    expect(vi.getTimerCount()).toBe(0);
    expect(waiter.wait()).toBe(waiting);
  });

  it('close() rejects a pending wait with WAITER_CLOSED and unsubscribes', async () => {
    fakeTimers();
    const b = bus();
    const waiter = await new Awaiter(b, 'a').prepare('p');
    const waiting = waiter.wait();
    await waiter.close();
    await expect(waiting).rejects.toMatchObject({ code: 'WAITER_CLOSED' });
    await expect(waiting).rejects.toThrow(/waiter for path "p" was closed/);
    expect(vi.getTimerCount()).toBe(0);
    expect(b.stats().subscribers).toBe(0);
  });

  it('rejects with ABORTED when its signal aborts, leaving no listener', async () => {
    fakeTimers();
    const b = bus();
    const ac = new AbortController();
    const waiter = await new Awaiter(b, 'a').prepare('p', { signal: ac.signal });
    const waiting = waiter.wait();
    ac.abort();
    await expect(waiting).rejects.toMatchObject({ code: 'ABORTED' });
    await b.flush();
    expect(getEventListeners(ac.signal, 'abort')).toHaveLength(0);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('rejects with BUS_CLOSED when the bus stops', async () => {
    const b = bus();
    const waiter = await new Awaiter(b, 'a').prepare('p');
    const waiting = waiter.wait();
    await b.stop();
    await expect(waiting).rejects.toMatchObject({ code: 'BUS_CLOSED' });
  });

  it('validates path and timeout', async () => {
    const b = bus();
    expect(() => new Awaiter(b, 'a', undefined, { timeoutMs: 0 })).toThrow(/timeoutMs must be an integer from 1/);
    expect(() => new Awaiter(b, 'a', undefined, { timeoutMs: 2 ** 31 })).toThrow(/timeoutMs/);
    await expect(new Awaiter(b, 'a').prepare(1 as unknown as string)).rejects.toThrow(/awaited path must be a string/);
    await expect(new Awaiter(b, 'a').prepare('p', { timeoutMs: -5 })).rejects.toThrow(/timeoutMs/);
    await expect(new Awaiter(b, 7 as unknown as string).prepare('p')).rejects.toThrow(/system pattern must be a string/);
  });

  it('waits without a timer when the timeout is Infinity', async () => {
    fakeTimers();
    const b = bus();
    const waiter = await new Awaiter(b, 'a', undefined, { timeoutMs: Infinity }).prepare('p');
    const waiting = waiter.wait();
    expect(vi.getTimerCount()).toBe(0);
    b.send(ev('a', 'k', 'p'));
    await expect(waiting).resolves.toMatchObject({ path: 'p' });
  });
});
