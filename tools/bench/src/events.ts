/**
 * Event bus throughput, side by side with EventEmitter2 (wildcard mode, delimiter '.')
 * and mitt where it applies. The unit is *delivered* events per second: events that
 * reached a subscriber's handler (or were read from a channel), not send calls.
 * Also heap bytes per idle subscription.
 *
 *   node --expose-gc --conditions=@switchyard/source --import tsx tools/bench/src/events.ts
 */
import { EventBus, Subscriber, type Event, type Subscription } from '@switchyard/eventbus';
import EventEmitter2Module from 'eventemitter2';
import mitt from 'mitt';
import { fmtRate, gc, isMain, measure, table, type Case } from './util.js';

// eventemitter2 is CJS; its constructor is the default export (or its `EventEmitter2` property).
const EventEmitter2 = ((EventEmitter2Module as unknown as { EventEmitter2?: unknown }).EventEmitter2 ??
  EventEmitter2Module) as typeof EventEmitter2Module;

/** Sends per flush: the bus batches them into one loop wake-up, as a busy publisher would. */
const CHUNK = 1024;

interface Scenario {
  readonly name: string;
  /** Subscriber patterns. `system` is what Switchyard and EE2 subscribe to. */
  readonly patterns: readonly string[];
  /** The name every send uses. */
  readonly emit: string;
  /** How many subscribers each send reaches. */
  readonly fanout: number;
  /** mitt has exact names only; set when every pattern is exact. */
  readonly mitt: boolean;
  /** Delivered events per measured round; smaller for cases where EE2 is slow. */
  readonly n: number;
  readonly nSlow: number;
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

const SCENARIOS: readonly Scenario[] = [
  {
    name: '(1) 20 subscribers, exact name',
    patterns: range(20).map(() => 'orders.created'),
    emit: 'orders.created',
    fanout: 20,
    mitt: true,
    n: 2_000_000,
    nSlow: 2_000_000,
  },
  {
    name: '(2) 20 subscribers on `event.*`',
    patterns: range(20).map(() => 'event.*'),
    emit: 'event.created',
    fanout: 20,
    mitt: false,
    n: 2_000_000,
    nSlow: 2_000_000,
  },
  {
    name: '(3) 1,000 distinct `svcN.*`, one matching',
    patterns: range(1000).map((i) => `svc${i}.*`),
    emit: 'svc500.created',
    fanout: 1,
    mitt: false,
    n: 1_000_000,
    nSlow: 1_000_000,
  },
  {
    name: '(4) 1,000 distinct `a.**.svcN`, one matching',
    patterns: range(1000).map((i) => `a.**.svc${i}`),
    emit: 'a.x.svc500',
    fanout: 1,
    mitt: false,
    n: 1_000_000,
    nSlow: 600,
  },
  {
    name: '(5) 10,000 subscribers (mixed exact, `*`, `**` patterns), one matching',
    // A quarter each: `svcN.created`, `svcN.*`, `**.svcN`, `a.**.svcN`; 'svc4001.x' matches only `svc4001.*`.
    patterns: range(10_000).map((i) =>
      i % 4 === 0 ? `svc${i}.created` : i % 4 === 1 ? `svc${i}.*` : i % 4 === 2 ? `**.svc${i}` : `a.**.svc${i}`,
    ),
    emit: 'svc4001.x',
    fanout: 1,
    mitt: false,
    n: 1_000_000,
    nSlow: 60,
  },
  {
    name: '(5b) 10,000 subscribers on distinct exact names, one matching',
    patterns: range(10_000).map((i) => `svc${i}.created`),
    emit: 'svc4001.created',
    fanout: 1,
    mitt: true,
    n: 1_000_000,
    nSlow: 1_000_000,
  },
];

interface Setup {
  readonly case: Case;
  close(): Promise<void>;
}

async function switchyardCase(s: Scenario): Promise<Setup> {
  const bus = new EventBus({ maxSubscribers: 20_000 });
  let delivered = 0;
  const handler = (): void => {
    delivered++;
  };
  await Promise.all(s.patterns.map((p) => Subscriber.start(bus, p, undefined, handler)));
  const event: Event = { system: s.emit, kind: 'k', path: 'p' };
  return {
    case: {
      name: 'Switchyard (Subscriber)',
      run: async (n) => {
        const sends = Math.ceil(n / s.fanout);
        const before = delivered;
        for (let i = 0; i < sends; ) {
          const end = Math.min(sends, i + CHUNK);
          for (; i < end; i++) bus.send(event);
          await bus.flush();
        }
        if (delivered - before !== sends * s.fanout) throw new Error(`${s.name}: Switchyard delivered ${delivered - before}`);
      },
    },
    close: () => bus.stop(),
  };
}

/** Channels read with `for await`: the async-iterator path, for contrast with the callback path. */
async function switchyardChannelCase(s: Scenario): Promise<Setup> {
  const bus = new EventBus({ maxSubscribers: 20_000 });
  let consumed = 0;
  const subs: Subscription[] = await Promise.all(s.patterns.map((p) => bus.subscribe(p, undefined, { bufferSize: 256 })));
  for (const sub of subs) {
    void (async () => {
      for await (const _ of sub) consumed++;
    })();
  }
  const event: Event = { system: s.emit, kind: 'k', path: 'p' };
  return {
    case: {
      name: 'Switchyard (channel, for await)',
      run: async (n) => {
        const sends = Math.ceil(n / s.fanout);
        const target = consumed + sends * s.fanout;
        for (let i = 0; i < sends; ) {
          const end = Math.min(sends, i + CHUNK);
          for (; i < end; i++) bus.send(event);
          await bus.flush();
        }
        while (consumed < target) await new Promise<void>((r) => setImmediate(r));
      },
    },
    close: () => bus.stop(),
  };
}

function ee2Case(s: Scenario): Setup {
  const ee = new EventEmitter2({ wildcard: true, delimiter: '.', maxListeners: 0 });
  let delivered = 0;
  const handler = (): void => {
    delivered++;
  };
  for (const p of s.patterns) ee.on(p, handler);
  const event: Event = { system: s.emit, kind: 'k', path: 'p' };
  return {
    case: {
      name: 'EventEmitter2 (wildcard)',
      run: (n) => {
        const sends = Math.ceil(n / s.fanout);
        const before = delivered;
        for (let i = 0; i < sends; i++) ee.emit(s.emit, event);
        if (delivered - before !== sends * s.fanout) throw new Error(`${s.name}: EventEmitter2 delivered ${delivered - before}`);
      },
    },
    close: async () => {
      ee.removeAllListeners();
    },
  };
}

function mittCase(s: Scenario): Setup {
  const emitter = mitt<Record<string, Event>>();
  let delivered = 0;
  const handler = (): void => {
    delivered++;
  };
  for (const p of s.patterns) emitter.on(p, handler);
  const event: Event = { system: s.emit, kind: 'k', path: 'p' };
  return {
    case: {
      name: 'mitt',
      run: (n) => {
        const sends = Math.ceil(n / s.fanout);
        for (let i = 0; i < sends; i++) emitter.emit(s.emit, event);
      },
    },
    close: async () => {
      emitter.all.clear();
    },
  };
}

interface Row {
  readonly scenario: string;
  readonly switchyard: number;
  readonly channel: number | undefined;
  readonly ee2: number;
  readonly mitt: number | undefined;
}

async function runScenario(s: Scenario, withChannel: boolean): Promise<Row> {
  const sy = await switchyardCase(s);
  const ee = ee2Case(s);
  const mi = s.mitt ? mittCase(s) : undefined;
  const ch = withChannel ? await switchyardChannelCase(s) : undefined;
  try {
    const fast = [sy.case, ...(mi ? [mi.case] : []), ...(ch ? [ch.case] : [])];
    // EE2 runs with the same n when it is fast enough to share interleaved rounds.
    const results =
      s.nSlow === s.n
        ? await measure([...fast, ee.case], s.n)
        : [...(await measure(fast, s.n)), ...(await measure([ee.case], s.nSlow))];
    const rate = (name: string): number | undefined => results.find((r) => r.name === name)?.opsPerSec;
    return {
      scenario: s.name,
      switchyard: rate(sy.case.name)!,
      channel: ch ? rate(ch.case.name) : undefined,
      ee2: rate(ee.case.name)!,
      mitt: mi ? rate(mi.case.name) : undefined,
    };
  } finally {
    await Promise.all([sy.close(), ee.close(), mi?.close(), ch?.close()]);
  }
}

function heapUsed(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

interface MemoryResult {
  readonly channel: number;
  readonly subscriber: number;
  readonly ee2: number;
  readonly mitt: number;
}

/** Heap bytes per idle subscription, over 10,000 of them on distinct exact names. */
async function measureMemory(count = 10_000): Promise<MemoryResult> {
  const names = range(count).map((i) => `svc${i}.created`);
  const perSub = async (make: () => Promise<unknown> | unknown): Promise<number> => {
    const h0 = heapUsed();
    const keep = await make();
    const h1 = heapUsed();
    if (keep === undefined) throw new Error('nothing kept');
    return (h1 - h0) / count;
  };
  const buses: EventBus[] = [];
  const channel = await perSub(async () => {
    const bus = new EventBus({ maxSubscribers: count });
    buses.push(bus);
    return Promise.all(names.map((n) => bus.subscribe(n)));
  });
  const noop = (): void => undefined;
  const subscriber = await perSub(async () => {
    const bus = new EventBus({ maxSubscribers: count });
    buses.push(bus);
    return Promise.all(names.map((n) => Subscriber.start(bus, n, undefined, noop)));
  });
  const ee2 = await perSub(() => {
    const ee = new EventEmitter2({ wildcard: true, delimiter: '.', maxListeners: 0 });
    for (const n of names) ee.on(n, () => undefined);
    return ee;
  });
  const mittBytes = await perSub(() => {
    const emitter = mitt<Record<string, unknown>>();
    for (const n of names) emitter.on(n, () => undefined);
    return emitter;
  });
  await Promise.all(buses.map((b) => b.stop()));
  return { channel, subscriber, ee2, mitt: mittBytes };
}

function ratio(a: number, b: number): string {
  return `${(a / b).toFixed(a / b >= 10 ? 0 : 2)}×`;
}

export async function runEventBench(): Promise<string> {
  const rows: Row[] = [];
  for (const s of SCENARIOS) rows.push(await runScenario(s, s === SCENARIOS[0]));
  const mem = await measureMemory();
  const throughput = table(
    ['scenario (delivered events/s)', 'Switchyard', 'EventEmitter2', 'mitt', 'Switchyard / EE2', 'Switchyard / mitt'],
    rows.map((r) => [
      r.channel === undefined ? r.scenario : `${r.scenario} (channel, for await: ${fmtRate(r.channel)})`,
      fmtRate(r.switchyard),
      fmtRate(r.ee2),
      r.mitt === undefined ? 'n/a' : fmtRate(r.mitt),
      ratio(r.switchyard, r.ee2),
      r.mitt === undefined ? 'n/a' : ratio(r.switchyard, r.mitt),
    ]),
  );
  const memory = table(
    ['heap bytes per idle subscription (10,000, distinct exact names)', 'bytes'],
    [
      ['Switchyard channel subscription', mem.channel.toFixed(0)],
      ['Switchyard Subscriber', mem.subscriber.toFixed(0)],
      ['EventEmitter2 listener (wildcard tree)', mem.ee2.toFixed(0)],
      ['mitt handler', mem.mitt.toFixed(0)],
    ],
  );
  return `${throughput}\n\n${memory}`;
}

if (isMain(import.meta.url)) {
  const t0 = performance.now();
  console.log(await runEventBench());
  console.log(`\n(bench took ${((performance.now() - t0) / 1000).toFixed(1)} s)`);
}
