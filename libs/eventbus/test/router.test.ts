import { getEventListeners } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { EventBus, EventRouter, TooManySubscribersError } from '../src/index.js';
import { ev } from './helpers.js';

const buses: EventBus[] = [];
function bus(options?: ConstructorParameters<typeof EventBus>[0]): EventBus {
  const b = new EventBus(options);
  buses.push(b);
  return b;
}
afterEach(async () => {
  await Promise.all(buses.splice(0).map((b) => b.stop()));
});

describe('EventRouter', () => {
  it('routes events to every matching handler and stops them together', async () => {
    const b = bus();
    const seen: string[] = [];
    const router = new EventRouter(b)
      .on('registry', 'create', (e) => void seen.push(`create:${e.path}`))
      .on('registry', '*', (e) => void seen.push(`any:${e.kind}`))
      .on('process.**', undefined, (e) => void seen.push(`process:${e.system}`));
    expect(router.size).toBe(3);
    expect(router.running).toBe(false);
    await router.start();
    expect(router.running).toBe(true);
    expect(b.stats().subscribers).toBe(3);
    b.send(ev('registry', 'create', 'r/1'));
    b.send(ev('registry', 'delete', 'r/2'));
    b.send(ev('process.lua', 'exit'));
    b.send(ev('http', 'exit'));
    await b.flush();
    expect(seen.sort()).toEqual(['any:create', 'any:delete', 'create:r/1', 'process:process.lua']);
    await router.stop();
    expect(router.running).toBe(false);
    expect(b.stats().subscribers).toBe(0);
    b.send(ev('registry', 'create'));
    await b.flush();
    expect(seen).toHaveLength(4);
  });

  it('start and stop are idempotent; a stopped router cannot restart', async () => {
    const b = bus();
    const router = new EventRouter(b).on('a', undefined, () => undefined);
    const s1 = router.start();
    expect(router.start()).toBe(s1);
    await s1;
    expect(b.stats().subscribers).toBe(1);
    const t1 = router.stop();
    expect(router.stop()).toBe(t1);
    await t1;
    await expect(router.start()).rejects.toMatchObject({ code: 'ROUTER_STATE' });
  });

  it('refuses routes once started', async () => {
    const router = new EventRouter(bus()).on('a', undefined, () => undefined);
    await router.start();
    expect(() => router.on('b', undefined, () => undefined)).toThrow(/cannot add a route for "b": the router has already started/);
  });

  it('validates routes when they are added', () => {
    const router = new EventRouter(bus());
    expect(() => router.on(5 as unknown as string, undefined, () => undefined)).toThrow(/pattern must be a string/);
    expect(() => router.on('a', undefined, null as unknown as () => void)).toThrow(/route handler for "a" must be a function/);
    expect(() => new EventRouter(bus(), { signal: {} as AbortSignal })).toThrow(/AbortSignal/);
  });

  it('starts all or nothing: a failing route closes those already started', async () => {
    const b = bus({ maxSubscribers: 2 });
    const router = new EventRouter(b)
      .on('a', undefined, () => undefined)
      .on('b', undefined, () => undefined)
      .on('c', undefined, () => undefined);
    await expect(router.start()).rejects.toBeInstanceOf(TooManySubscribersError);
    expect(b.stats().subscribers).toBe(0);
    expect(router.running).toBe(false);
  });

  it('stops when its signal aborts, and removes its listener on stop', async () => {
    const b = bus();
    const ac = new AbortController();
    const router = new EventRouter(b, { signal: ac.signal }).on('a', undefined, () => undefined);
    await router.start();
    expect(getEventListeners(ac.signal, 'abort')).toHaveLength(1);
    ac.abort();
    await router.stop();
    expect(b.stats().subscribers).toBe(0);
    expect(getEventListeners(ac.signal, 'abort')).toHaveLength(0);

    const ac2 = new AbortController();
    ac2.abort();
    const late = new EventRouter(b, { signal: ac2.signal }).on('a', undefined, () => undefined);
    await expect(late.start()).rejects.toMatchObject({ code: 'ABORTED' });
  });

  it('passes handler errors to its onError and applies its buffer options', async () => {
    const b = bus();
    const errors: string[] = [];
    const router = new EventRouter(b, {
      onError: (err, e) => errors.push(`${(err as Error).message}@${e.kind}`),
      bufferSize: 1,
      overflow: 'dropNewest',
    }).on('a', undefined, (e) => {
      if (e.kind === 'bad') throw new Error('boom');
    });
    await router.start();
    b.send(ev('a', 'bad'));
    b.send(ev('a', 'good'));
    await b.flush();
    expect(errors).toEqual(['boom@bad']);
    await router.stop();
  });
});
