import { getEventListeners } from 'node:events';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Awaiter, BusClosedError, EventBus, EventRouter, Subscriber } from '../src/index.js';
import { ev, stateOf, turn } from './helpers.js';

afterEach(() => {
  vi.useRealTimers();
});

function immediates(): number {
  return process.getActiveResourcesInfo().filter((r) => r === 'Immediate').length;
}

describe('EventBus.stop', () => {
  it('is idempotent and resolves when the loop has ended', async () => {
    const b = new EventBus();
    const first = b.stop();
    expect(b.stop()).toBe(first);
    expect(b.closed).toBe(true);
    await first;
    await expect(b.stop()).resolves.toBeUndefined();
  });

  it('fails queued subscribes with "bus is closed", completes queued unsubscribes, drops queued sends', async () => {
    const b = new EventBus();
    const sub = await b.subscribe('a', undefined, { bufferSize: 64 });
    const other = await b.subscribe('b');
    b.send(ev('a', 'queued'));
    const subscribing = b.subscribe('c');
    const unsubscribing = b.unsubscribe(other.id);
    const flushing = b.flush();
    const stopped = b.stop();
    const err = await subscribing.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BusClosedError);
    expect(err).toMatchObject({ code: 'BUS_CLOSED' });
    expect((err as Error).message).toContain('bus is closed');
    expect((err as Error).message).toContain('"c"');
    await expect(unsubscribing).resolves.toBe(true);
    await flushing;
    await stopped;
    expect(await sub.next()).toEqual({ value: undefined, done: true });
    expect(b.stats()).toMatchObject({ subscribers: 0, sent: 0, delivered: 0 });
  });

  it('refuses work after stop without throwing', async () => {
    const b = new EventBus();
    await b.stop();
    await expect(b.subscribe('a')).rejects.toThrow(/bus is closed/);
    expect(b.send(ev('a'))).toBe(false);
    await expect(b.unsubscribe(1)).resolves.toBe(false);
    await expect(b.flush()).resolves.toBeUndefined();
  });

  it('ends channels after the events they already hold; pending readers get done', async () => {
    const b = new EventBus();
    const full = await b.subscribe('a');
    const idle = await b.subscribe('b');
    b.send(ev('a', '1'));
    b.send(ev('a', '2'));
    await b.flush();
    const waiting = idle.next();
    await b.stop();
    expect(await waiting).toEqual({ value: undefined, done: true });
    const seen: string[] = [];
    for await (const e of full) seen.push(e.kind);
    expect(seen).toEqual(['1', '2']);
    expect(full.closed).toBe(true);
    await expect(full.close()).resolves.toBeUndefined();
  });

  it('abandons a delivery the loop is blocked on', async () => {
    const b = new EventBus();
    const stuck = await b.subscribe('a', undefined, { bufferSize: 1 });
    for (let i = 0; i < 3; i++) b.send(ev('a', String(i)));
    const flushing = b.flush();
    expect(await stateOf(flushing)).toBe('pending');
    await b.stop();
    await flushing;
    const seen: string[] = [];
    for await (const e of stuck) seen.push(e.kind);
    expect(seen).toEqual(['0']);
  });

  it('can be called from inside a handler', async () => {
    const b = new EventBus();
    let stopping: Promise<void> | undefined;
    const sub = await Subscriber.start(b, 'a', undefined, () => {
      stopping = b.stop();
    });
    b.send(ev('a'));
    b.send(ev('a'));
    await sub.done;
    await stopping;
    expect(b.stats().delivered).toBe(1);
  });

  it('leaves no listener, timer, immediate or promise of the bus pending', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] });
    const b = new EventBus();
    const subSignal = new AbortController();
    const sendSignal = new AbortController();
    const routerSignal = new AbortController();
    const channel = await b.subscribe('a', undefined, { signal: subSignal.signal, bufferSize: 1 });
    const handler = await Subscriber.start(b, 'a', undefined, async () => undefined, { signal: subSignal.signal });
    const router = new EventRouter(b, { signal: routerSignal.signal }).on('r', undefined, () => undefined);
    await router.start();
    const waiter = await new Awaiter(b, 'a', 'reply').prepare('p', { signal: subSignal.signal });
    const waiting = waiter.wait();
    expect(vi.getTimerCount()).toBe(1);
    // Block the loop on the channel, with a signalled event in flight.
    b.send(ev('a', 'x'));
    b.send(ev('a', 'y'), { signal: sendSignal.signal });
    const flushing = b.flush();
    const reading = channel.next();
    const queuedSubscribe = b.subscribe('late').catch((e: unknown) => e);

    await b.stop();

    const pending = [flushing, reading, queuedSubscribe, handler.done, waiting.catch(() => undefined)];
    for (const p of pending) expect(await stateOf(p)).not.toBe('pending');
    await expect(waiting).rejects.toThrow(/bus is closed/);
    expect(vi.getTimerCount()).toBe(0);
    expect(getEventListeners(subSignal.signal, 'abort')).toHaveLength(0);
    expect(getEventListeners(sendSignal.signal, 'abort')).toHaveLength(0);
    await router.stop();
    expect(getEventListeners(routerSignal.signal, 'abort')).toHaveLength(0);
    await turn(); // lets the helper's own probes (stateOf) fire
    expect(immediates()).toBe(0);
    const internals = (b as unknown as { dispatcher: { byId: Map<number, unknown>; wakeBlocked: unknown; scheduled: boolean } })
      .dispatcher;
    expect(internals.byId.size).toBe(0);
    expect(internals.wakeBlocked).toBeNull();
    expect(internals.scheduled).toBe(false);
  });

  it('ends a loop that was yielding to the event loop without leaving an immediate', async () => {
    const b = new EventBus();
    const sub = await b.subscribe('echo', undefined, { overflow: 'dropOldest' });
    let rounds = 0;
    const relay = (async () => {
      for await (const e of sub) {
        rounds++;
        b.send(e);
      }
    })();
    b.send(ev('echo'));
    while (rounds < 200) await turn();
    await b.stop();
    await relay;
    await Promise.resolve();
    expect(immediates()).toBe(0);
  });
});
