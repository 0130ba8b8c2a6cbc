/**
 * The wire codec: encode + decode of a typical 1 KB object, side by side with the floor
 * (JSON.stringify + JSON.parse of the same object) and with superjson, the usual peer for
 * "JSON plus Date, Map, Set, bigint, undefined". Rates are per process-CPU second, the order
 * of the cases rotates each round, and each case's rate is also given as a ratio to the floor
 * measured in the same round (median and spread over the rounds).
 */
import { isDeepStrictEqual } from 'node:util';
import { decode, decodeValue, encode, encodeValue, type JsonValue } from '@switchyard/codec';
import superjson from 'superjson';
import { fmtRate, gc, isMain, median, table } from './util.js';

/** An order as a service would send it: about 1 KB of JSON. */
function plainOrder(i: number) {
  return {
    id: `ord_${i.toString(36).padStart(8, '0')}`,
    type: 'order.created',
    createdAt: '2026-11-30T12:34:56.789Z',
    customer: { id: 'cus_4f9a2c', name: 'Ada Lovelace', email: 'ada@example.com', tier: 'gold', marketingOptIn: false },
    shipping: { line1: '12 Analytical Engine Way', city: 'London', postcode: 'NW1 2DB', country: 'GB' },
    items: Array.from({ length: 5 }, (_, k) => ({ sku: `SKU-${1000 + k}`, title: `Brass gear, size ${k}`, qty: k + 1, unitPrice: 1999 + k * 250, discount: k % 2 ? 0.1 : null })),
    totals: { subtotal: 24980, tax: 4996, shipping: 499, total: 30475, currency: 'GBP' },
    tags: ['priority', 'gift', 'repeat-customer'],
    attempt: 1,
    trace: { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', sampled: true },
  };
}

/** The same order as a program holds it: Dates, bigint money, bytes, a Map, an absent field. */
function richOrder(i: number) {
  const p = plainOrder(i);
  return {
    ...p,
    createdAt: new Date(p.createdAt),
    items: p.items.map((it) => ({ ...it, unitPrice: BigInt(it.unitPrice), discount: it.discount ?? undefined })),
    totals: { ...p.totals, total: BigInt(p.totals.total) },
    signature: new Uint8Array(32).fill(i & 0xff),
    attributes: new Map<string, unknown>([['channel', 'web'], ['coupon', undefined], ['firstOrderAt', new Date(0)]]),
    tags: new Set(p.tags),
  };
}

interface Case {
  readonly name: string;
  readonly value: unknown;
  /** One round trip; returns the decoded value (checked before timing). */
  readonly trip: (v: unknown) => unknown;
}

function cpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

function runCase(c: Case, n: number): number {
  // Read something from every result so that no round trip can be optimised away.
  let sink = 0;
  for (let i = 0; i < n; i++) sink += (c.trip(c.value) as { attempt: number }).attempt;
  if (sink !== n) throw new Error(`${c.name}: a round trip lost data`);
  return sink;
}

export async function runCodecBench(n = 20_000, rounds = 7): Promise<string> {
  const plain = plainOrder(7);
  const rich = richOrder(7);
  const plainBytes = Buffer.byteLength(JSON.stringify(plain));
  const richBytes = Buffer.byteLength(encode(rich));
  const cases: Case[] = [
    { name: '(a) floor: JSON.stringify + JSON.parse, plain', value: plain, trip: (v) => JSON.parse(JSON.stringify(v)) },
    { name: '(b) codec encode + decode, plain', value: plain, trip: (v) => decode(encode(v)) },
    { name: '(c) codec encodeValue + decodeValue, plain', value: plain, trip: (v) => decodeValue(encodeValue(v)) },
    { name: '(d) superjson stringify + parse, plain', value: plain, trip: (v) => superjson.parse(superjson.stringify(v)) },
    { name: '(e) codec encode + decode, rich', value: rich, trip: (v) => decode(encode(v)) },
    { name: '(f) superjson stringify + parse, rich', value: rich, trip: (v) => superjson.parse(superjson.stringify(v)) },
    { name: '(g) codec encodeValue + JSON text + decodeValue, rich', value: rich, trip: (v) => decodeValue(JSON.parse(JSON.stringify(encodeValue(v))) as JsonValue) },
  ];
  // Every result is checked once before timing: a fast wrong answer is no result.
  for (const c of cases) {
    if (!isDeepStrictEqual(c.trip(c.value), c.value)) throw new Error(`${c.name}: the round trip is not deep-equal to its input`);
    runCase(c, Math.max(1, n >> 2));
  }

  const rates = new Map<string, number[]>(cases.map((c) => [c.name, []]));
  const ratios = new Map<string, number[]>(cases.map((c) => [c.name, []]));
  for (let r = 0; r < rounds; r++) {
    const order = cases.map((_, k) => cases[(k + r) % cases.length]!);
    const thisRound = new Map<string, number>();
    for (const c of order) {
      gc();
      runCase(c, Math.max(1, n >> 4));
      const t0 = cpuSeconds();
      runCase(c, n);
      const rate = n / (cpuSeconds() - t0);
      thisRound.set(c.name, rate);
      rates.get(c.name)!.push(rate);
    }
    const floor = thisRound.get(cases[0]!.name)!;
    for (const c of cases) ratios.get(c.name)!.push(thisRound.get(c.name)! / floor);
  }

  const rows = cases.map((c) => {
    const rs = ratios.get(c.name)!;
    return [c.name, fmtRate(median(rates.get(c.name)!)), `${(median(rs) * 100).toFixed(1)}%`, `${(Math.min(...rs) * 100).toFixed(0)}–${(Math.max(...rs) * 100).toFixed(0)}%`];
  });
  return [
    `Round trips per CPU second (${n.toLocaleString('en')} per case per round, ${rounds} rounds, order rotated each round).`,
    `Plain object: ${plainBytes} bytes of JSON; rich object: ${richBytes} bytes on the wire.`,
    '',
    table(['case', 'round trips / CPU s', 'of floor (median)', 'of floor (spread)'], rows),
  ].join('\n');
}

if (isMain(import.meta.url)) {
  const n = Number(process.argv[2] ?? 20_000);
  console.log(await runCodecBench(n));
}
