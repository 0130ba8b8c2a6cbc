import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  BadPatternError,
  EventBus,
  EventBusError,
  InvalidArgumentError,
  InvalidEventError,
  TooManySubscribersError,
  createEventBus,
  type Event,
  type Subscription,
} from '../src/index.js';
import { ev, stateOf, systems, turn } from './helpers.js';

const buses: EventBus[] = [];
function bus(options?: ConstructorParameters<typeof EventBus>[0]): EventBus {
  const b = new EventBus(options);
  buses.push(b);
  return b;
}
afterEach(async () => {
  vi.restoreAllMocks();
  await Promise.all(buses.splice(0).map((b) => b.stop()));
});

async function take(sub: Subscription, n: number): Promise<Event[]> {
  const out: Event[] = [];
  for (let i = 0; i < n; i++) {
    const r = await sub.next();
    if (r.done) break;
    out.push(r.value);
  }
  return out;
}

describe('EventBus: subscribe and send', () => {
  it('createEventBus returns an EventBus', () => {
    const b = createEventBus();
    buses.push(b);
    expect(b).toBeInstanceOf(EventBus);
  });

  it('delivers matching events to a subscription, in send order, with data', async () => {
    const b = bus();
    const sub = await b.subscribe('orders');
    expect(sub.id).toBeTypeOf('number');
    b.send(ev('orders', 'created', 'o/1', { n: 1 }));
    b.send(ev('other'));
    b.send(ev('orders', 'paid', 'o/1'));
    const got = await take(sub, 2);
    expect(got).toEqual([ev('orders', 'created', 'o/1', { n: 1 }), ev('orders', 'paid', 'o/1')]);
    await b.flush();
    expect(b.stats()).toMatchObject({ subscribers: 1, sent: 3, delivered: 2, dropped: 0 });
  });

  it('filters by system pattern and kind pattern separately', async () => {
    const b = bus();
    const sub = await b.subscribe('registry.**', '(create|update)');
    for (const [system, kind] of [
      ['registry', 'create'],
      ['registry.entry', 'update'],
      ['registry.entry', 'delete'],
      ['process', 'create'],
      ['registry.a.b', 'create'],
    ] as const) {
      b.send(ev(system, kind));
    }
    await b.flush();
    await sub.close();
    const got: string[] = [];
    for await (const e of sub) got.push(`${e.system}/${e.kind}`);
    expect(got).toEqual([]); // close discards what was buffered
    const sub2 = await b.subscribe('registry.**', '(create|update)');
    b.send(ev('registry', 'create'));
    b.send(ev('registry.entry', 'delete'));
    b.send(ev('registry.a.b', 'create'));
    expect((await take(sub2, 2)).map((e) => `${e.system}/${e.kind}`)).toEqual(['registry/create', 'registry.a.b/create']);
  });

  it('treats an empty or missing kind, and an empty system, as "no filter"', async () => {
    const b = bus();
    const anyKind = await b.subscribe('a');
    const emptyKind = await b.subscribe('a', '');
    const everything = await b.subscribe('');
    b.send(ev('a', 'x'));
    b.send(ev('', ''));
    b.send(ev('b.c', 'y'));
    expect(systems(await take(anyKind, 1))).toEqual(['a']);
    expect(systems(await take(emptyKind, 1))).toEqual(['a']);
    expect(systems(await take(everything, 3))).toEqual(['a', '', 'b.c']);
  });

  it('applies the raw `*` rule to systems: non-empty, no dot', async () => {
    const b = bus();
    const sub = await b.subscribe('*');
    b.send(ev(''));
    b.send(ev('a.b'));
    b.send(ev('a'));
    expect(systems(await take(sub, 1))).toEqual(['a']);
    await b.flush();
    expect(b.stats().delivered).toBe(1);
  });

  it('delivers one copy per subscription even for overlapping patterns', async () => {
    const b = bus();
    const subs = await Promise.all(['a.b', 'a.*', 'a.**', '**', '(a|x).b', ''].map((p) => b.subscribe(p)));
    b.send(ev('a.b'));
    await b.flush();
    expect(b.stats().delivered).toBe(6);
    for (const s of subs) expect(systems(await take(s, 1))).toEqual(['a.b']);
  });

  it('reaches a subscription with every event sent after subscribe() was called, even before it resolved', async () => {
    const b = bus();
    b.send(ev('a', 'before'));
    const p = b.subscribe('a');
    b.send(ev('a', 'after'));
    const sub = await p;
    expect((await take(sub, 1)).map((e) => e.kind)).toEqual(['after']);
  });

  it('keeps each subscriber in send order across many events and publishers', async () => {
    const b = bus({ bufferSize: 1024 });
    const one = await b.subscribe('p.*');
    const two = await b.subscribe('p.**', undefined, { bufferSize: 1024 });
    for (let i = 0; i < 500; i++) {
      b.send(ev('p.x', String(i)));
      b.send(ev('p.y', String(i)));
    }
    const a = await take(one, 1000);
    const c = await take(two, 1000);
    const expected = Array.from({ length: 500 }, (_, i) => [`p.x/${i}`, `p.y/${i}`]).flat();
    expect(a.map((e) => `${e.system}/${e.kind}`)).toEqual(expected);
    expect(c.map((e) => `${e.system}/${e.kind}`)).toEqual(expected);
  });

  it('lets two pending next() calls take successive events', async () => {
    const b = bus();
    const sub = await b.subscribe('a');
    const first = sub.next();
    const second = sub.next();
    b.send(ev('a', '1'));
    b.send(ev('a', '2'));
    expect((await first).value?.kind).toBe('1');
    expect((await second).value?.kind).toBe('2');
  });
});

describe('EventBus: the dispatcher loop', () => {
  it('send never blocks or delivers synchronously: it only queues', async () => {
    const b = bus();
    const seen: string[] = [];
    const sub = await b.subscribe('a');
    expect(b.send(ev('a'))).toBe(true);
    expect(b.stats()).toMatchObject({ queued: 1, sent: 0 });
    seen.push('after send');
    await b.flush();
    expect(b.stats()).toMatchObject({ queued: 0, sent: 1, delivered: 1 });
    expect(seen).toEqual(['after send']);
    expect(systems(await take(sub, 1))).toEqual(['a']);
  });

  it('wakes once for many enqueued actions', async () => {
    const b = bus();
    await b.subscribe('a', undefined, { overflow: 'dropNewest' });
    const spy = vi.spyOn(globalThis, 'queueMicrotask');
    for (let i = 0; i < 100; i++) b.send(ev('a'));
    const subscribed = b.subscribe('b');
    const unsubscribed = b.unsubscribe(12345);
    expect(spy).toHaveBeenCalledTimes(1);
    await b.flush();
    expect(spy).toHaveBeenCalledTimes(1);
    await expect(subscribed).resolves.toBeDefined();
    await expect(unsubscribed).resolves.toBe(false);
  });

  it('swaps two queue arrays: steady-state sends allocate no new queue array', async () => {
    const b = bus({ bufferSize: 4096 });
    await b.subscribe('a', undefined, { overflow: 'dropNewest' });
    const internals = (b as unknown as { dispatcher: { queue: unknown[]; spare: unknown[] } }).dispatcher;
    for (let i = 0; i < 100; i++) b.send(ev('a'));
    await b.flush();
    const arrays = new Set([internals.queue, internals.spare]);
    expect(arrays.size).toBe(2);
    for (let round = 0; round < 20; round++) {
      for (let i = 0; i < 100; i++) b.send(ev('a'));
      expect(arrays.has(internals.queue)).toBe(true);
      await b.flush();
      expect(arrays.has(internals.queue)).toBe(true);
      expect(arrays.has(internals.spare)).toBe(true);
    }
    // The processed batch keeps no references to events.
    expect(internals.spare.filter((x) => typeof x === 'object' && x !== null)).toEqual([]);
  });

  it('lets handlers publish from inside a delivery; their events come after', async () => {
    const b = bus();
    const sub = await b.subscribe('**');
    const relay = await b.subscribe('in');
    b.send(ev('in'));
    const r = await relay.next();
    b.send(ev('out', r.value!.kind));
    expect(systems(await take(sub, 2))).toEqual(['in', 'out']);
  });

  it('flush resolves after everything queued before it', async () => {
    const b = bus();
    const sub = await b.subscribe('a', undefined, { bufferSize: 64 });
    for (let i = 0; i < 50; i++) b.send(ev('a'));
    await b.flush();
    expect(b.stats().delivered).toBe(50);
    expect((await take(sub, 50)).length).toBe(50);
  });
});

describe('EventBus: unsubscribe and close', () => {
  it('unsubscribe(id) resolves true once applied, ends the channel, and false for an unknown id', async () => {
    const b = bus();
    const sub = await b.subscribe('a');
    const pending = sub.next();
    expect(await b.unsubscribe(sub.id)).toBe(true);
    expect(await pending).toEqual({ value: undefined, done: true });
    expect(await b.unsubscribe(sub.id)).toBe(false);
    expect(b.stats().subscribers).toBe(0);
    b.send(ev('a'));
    await b.flush();
    expect(b.stats().delivered).toBe(0);
  });

  it('close() ends the channel at once and resolves when the bus removed it', async () => {
    const b = bus();
    const sub = await b.subscribe('a');
    b.send(ev('a'));
    await b.flush();
    const closing = sub.close();
    expect(sub.closed).toBe(true);
    expect(await sub.next()).toEqual({ value: undefined, done: true });
    await closing;
    expect(b.stats().subscribers).toBe(0);
    await expect(sub.close()).resolves.toBeUndefined();
  });

  it('breaking out of for-await closes the subscription', async () => {
    const b = bus();
    const sub = await b.subscribe('a');
    b.send(ev('a', '1'));
    b.send(ev('a', '2'));
    for await (const e of sub) {
      expect(e.kind).toBe('1');
      break;
    }
    await b.flush();
    expect(b.stats().subscribers).toBe(0);
  });
});

describe('EventBus: limits and validation', () => {
  it('refuses subscribers beyond maxSubscribers with an error naming the cap', async () => {
    const b = bus({ maxSubscribers: 2 });
    const a = await b.subscribe('a');
    await b.subscribe('b');
    const err = await b.subscribe('c').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TooManySubscribersError);
    expect(err).toMatchObject({ code: 'TOO_MANY_SUBSCRIBERS', limit: 2 });
    expect((err as Error).message).toMatch(/"c".*2 subscribers.*maxSubscribers/);
    await a.close();
    await expect(b.subscribe('c')).resolves.toBeDefined();
  });

  it('defaults to 4096 subscribers', async () => {
    const b = bus();
    await Promise.all(Array.from({ length: 4096 }, (_, i) => b.subscribe(`s${i}`)));
    await expect(b.subscribe('one.more')).rejects.toThrow(/4096/);
  });

  it('rejects non-string patterns with BAD_PATTERN naming which one', async () => {
    const b = bus();
    await expect(b.subscribe(1 as unknown as string)).rejects.toThrow(BadPatternError);
    await expect(b.subscribe(1 as unknown as string)).rejects.toThrow(/system pattern must be a string, got 1/);
    await expect(b.subscribe('a', null as unknown as string)).rejects.toThrow(/kind pattern must be a string, got null/);
  });

  it('rejects bad subscription options', async () => {
    const b = bus();
    for (const bufferSize of [0, -1, 1.5, Number.NaN, 2 ** 30]) {
      await expect(b.subscribe('a', undefined, { bufferSize })).rejects.toThrow(/bufferSize must be an integer from 1/);
    }
    await expect(b.subscribe('a', undefined, { bufferSize: '4' as unknown as number })).rejects.toThrow(InvalidArgumentError);
    await expect(b.subscribe('a', undefined, { overflow: 'fifo' as 'block' })).rejects.toThrow(
      /overflow must be 'block', 'dropOldest' or 'dropNewest', got "fifo"/,
    );
    await expect(b.subscribe('a', undefined, { signal: {} as AbortSignal })).rejects.toThrow(/signal must be an AbortSignal/);
    await expect(b.subscribe('a', undefined, null as unknown as object)).rejects.toThrow(/options must be an object/);
    expect(b.stats().subscribers).toBe(0);
  });

  it('rejects bad bus options', () => {
    expect(() => new EventBus({ maxSubscribers: 0 })).toThrow(/maxSubscribers must be a positive integer, got 0/);
    expect(() => new EventBus({ bufferSize: 0 })).toThrow(/bufferSize/);
    expect(() => new EventBus({ overflow: 'x' as 'block' })).toThrow(/overflow/);
    expect(() => new EventBus({ onError: 1 as unknown as () => void })).toThrow(/onError must be a function/);
  });

  it('uses the bus defaults for bufferSize and overflow', async () => {
    const b = bus({ bufferSize: 2, overflow: 'dropNewest' });
    const sub = await b.subscribe('a');
    for (let i = 0; i < 5; i++) b.send(ev('a'));
    await b.flush();
    expect(sub.dropped).toBe(3);
  });

  it('send throws InvalidEventError for a malformed event, naming the field', () => {
    const b = bus();
    expect(() => b.send(null as unknown as Event)).toThrow(/send expects an event object, got null/);
    expect(() => b.send({ system: 1, kind: 'k', path: 'p' } as unknown as Event)).toThrow(InvalidEventError);
    expect(() => b.send({ system: 'a', kind: undefined, path: 'p' } as unknown as Event)).toThrow(/event.kind must be a string, got undefined/);
    expect(() => b.send({ system: 'a', kind: 'k' } as unknown as Event)).toThrow(/event.path must be a string/);
    expect(() => b.send(ev('a'), { signal: 'x' as unknown as AbortSignal })).toThrow(/send signal must be an AbortSignal/);
    try {
      b.send({ system: 'a' } as unknown as Event);
    } catch (e) {
      expect(e).toBeInstanceOf(EventBusError);
      expect((e as EventBusError).code).toBe('INVALID_EVENT');
    }
  });

  it('unsubscribe rejects a non-number id', async () => {
    await expect(bus().unsubscribe('1' as unknown as number)).rejects.toThrow(/subscription id must be a number/);
  });

  it('does not share state between two buses', async () => {
    const a = bus();
    const b = bus();
    const sa = await a.subscribe('x');
    const sb = await b.subscribe('x');
    expect(sa.id).toBe(sb.id);
    a.send(ev('x'));
    await a.flush();
    await b.flush();
    expect(a.stats().delivered).toBe(1);
    expect(b.stats().delivered).toBe(0);
    expect(await stateOf(sb.next())).toBe('pending');
  });

  it('yields to the event loop when a handler keeps sending, so timers and I/O run', async () => {
    const b = bus();
    let immediateRan = false;
    const echo = await b.subscribe('echo', undefined, { overflow: 'dropOldest' });
    // A consumer that answers every event with another one: an endless chain.
    const relay = (async () => {
      for await (const e of echo) {
        if (immediateRan) break;
        b.send(e);
      }
    })();
    setImmediate(() => {
      immediateRan = true;
    });
    b.send(ev('echo'));
    await relay;
    expect(immediateRan).toBe(true);
    await turn();
  });
});
