import { afterEach, describe, expect, it, vi } from 'vitest';
import { EventBus, InvalidArgumentError, Subscriber, subscribeHandler, type Event } from '../src/index.js';
import { ev, stateOf } from './helpers.js';

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

describe('Subscriber', () => {
  it('calls a sync handler for each matching event, in order, from the loop itself', async () => {
    const b = bus();
    const seen: string[] = [];
    const sub = await Subscriber.start(b, 'orders.*', 'created', (e) => {
      seen.push(e.path);
    });
    expect(sub.id).toBeTypeOf('number');
    for (let i = 0; i < 100; i++) b.send(ev('orders.eu', i % 2 ? 'created' : 'paid', `o/${i}`));
    await b.flush();
    // Delivered by the time the loop finished the batch: no promise hop per event.
    expect(seen).toEqual(Array.from({ length: 50 }, (_, i) => `o/${2 * i + 1}`));
  });

  it('runs an async handler one call at a time, in send order', async () => {
    const b = bus({ bufferSize: 64 });
    let running = 0;
    let maxRunning = 0;
    const seen: string[] = [];
    const sub = await Subscriber.start(b, 'a', undefined, async (e) => {
      running++;
      maxRunning = Math.max(maxRunning, running);
      await new Promise((r) => setImmediate(r));
      seen.push(e.kind);
      running--;
    });
    for (let i = 0; i < 20; i++) b.send(ev('a', String(i)));
    await b.flush();
    await sub.close();
    await sub.done;
    expect(maxRunning).toBe(1);
    expect(seen).toEqual(['0']); // close discards what was still buffered
    const sub2 = await Subscriber.start(b, 'a', undefined, async (e) => {
      await Promise.resolve();
      seen.push(e.kind);
    });
    for (let i = 0; i < 20; i++) b.send(ev('a', String(i)));
    await b.flush();
    while (seen.length < 21) await new Promise((r) => setImmediate(r));
    expect(seen.slice(1)).toEqual(Array.from({ length: 20 }, (_, i) => String(i)));
    await sub2.close();
  });

  it('reports handler throws and rejections to onError with the event, and keeps going', async () => {
    const b = bus();
    const errors: Array<[string, string]> = [];
    const seen: string[] = [];
    const sub = await Subscriber.start(
      b,
      'a',
      undefined,
      (e) => {
        seen.push(e.kind);
        if (e.kind === 'throw') throw new Error('sync boom');
        if (e.kind === 'reject') return Promise.reject(new Error('async boom'));
        return undefined;
      },
      { onError: (err, e) => errors.push([(err as Error).message, e.kind]) },
    );
    b.send(ev('a', 'throw'));
    b.send(ev('a', 'reject'));
    b.send(ev('a', 'ok'));
    await b.flush();
    await new Promise((r) => setImmediate(r));
    expect(seen).toEqual(['throw', 'reject', 'ok']);
    expect(errors).toEqual([
      ['sync boom', 'throw'],
      ['async boom', 'reject'],
    ]);
    expect(sub.closed).toBe(false);
  });

  it('survives an onError that throws', async () => {
    const b = bus();
    const seen: string[] = [];
    await Subscriber.start(
      b,
      'a',
      undefined,
      (e) => {
        seen.push(e.kind);
        throw new Error('x');
      },
      {
        onError: () => {
          throw new Error('onError broke too');
        },
      },
    );
    b.send(ev('a', '1'));
    b.send(ev('a', '2'));
    await b.flush();
    expect(seen).toEqual(['1', '2']);
  });

  it("falls back to the bus's onError, then to console.error", async () => {
    const busErrors: string[] = [];
    const b = bus({ onError: (err) => busErrors.push((err as Error).message) });
    await Subscriber.start(b, 'a', undefined, () => {
      throw new Error('to the bus');
    });
    b.send(ev('a'));
    await b.flush();
    expect(busErrors).toEqual(['to the bus']);

    const quiet = bus();
    const spy = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    await Subscriber.start(quiet, 'a', undefined, () => {
      throw new Error('to the console');
    });
    quiet.send(ev('a', 'created', 'x/1'));
    await quiet.flush();
    expect(spy).toHaveBeenCalledTimes(1);
    expect(String(spy.mock.calls[0]![0])).toMatch(/system="a" kind="created" path="x\/1"/);
  });

  it('closes when its signal aborts; done resolves', async () => {
    const b = bus();
    const ac = new AbortController();
    const seen: string[] = [];
    const sub = await Subscriber.start(b, 'a', undefined, (e) => void seen.push(e.kind), { signal: ac.signal });
    b.send(ev('a', '1'));
    await b.flush();
    ac.abort();
    await sub.done;
    expect(sub.closed).toBe(true);
    b.send(ev('a', '2'));
    await b.flush();
    expect(seen).toEqual(['1']);
    expect(b.stats().subscribers).toBe(0);
  });

  it('done waits for the running handler call after close()', async () => {
    const b = bus();
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    let finished = false;
    const sub = await Subscriber.start(b, 'a', undefined, async () => {
      await gate;
      finished = true;
    });
    b.send(ev('a'));
    await b.flush();
    await sub.close();
    expect(await stateOf(sub.done)).toBe('pending');
    release();
    await sub.done;
    expect(finished).toBe(true);
  });

  it('applies the overflow policy while an async handler is busy', async () => {
    const b = bus();
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const seen: string[] = [];
    const sub = await Subscriber.start(
      b,
      'a',
      undefined,
      async (e: Event) => {
        seen.push(e.kind);
        await gate;
      },
      { bufferSize: 2, overflow: 'dropNewest' },
    );
    for (let i = 0; i < 6; i++) b.send(ev('a', String(i)));
    await b.flush();
    expect(sub.dropped).toBe(3);
    release();
    while (seen.length < 3) await new Promise((r) => setImmediate(r));
    expect(seen).toEqual(['0', '1', '2']);
  });

  it('lets a handler send events: they are queued, not delivered re-entrantly', async () => {
    const b = bus();
    const order: string[] = [];
    await Subscriber.start(b, '**', undefined, (e) => {
      order.push(`start ${e.system}`);
      if (e.system === 'ping') b.send(ev('pong'));
      order.push(`end ${e.system}`);
    });
    b.send(ev('ping'));
    await b.flush();
    await b.flush();
    expect(order).toEqual(['start ping', 'end ping', 'start pong', 'end pong']);
  });

  it('validates its handler and onError', async () => {
    const b = bus();
    await expect(Subscriber.start(b, 'a', undefined, 'nope' as unknown as () => void)).rejects.toThrow(InvalidArgumentError);
    await expect(Subscriber.start(b, 'a', undefined, () => undefined, { onError: 3 as unknown as () => void })).rejects.toThrow(
      /onError must be a function/,
    );
    expect(b.stats().subscribers).toBe(0);
  });

  it('subscribeHandler is Subscriber.start', async () => {
    const b = bus();
    const sub = await subscribeHandler(b, 'a', undefined, () => undefined);
    expect(sub).toBeInstanceOf(Subscriber);
  });
});
