import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Mailbox, type OnTaken } from '../src/mailbox.js';
import { EVENTS_TOPIC, type Message } from '../src/types.js';

/**
 * The mailbox's storage (chunks of 1024 slots, tombstones, a link column per chunk for the topic
 * index, compaction) against a plain array of what waits. Bulk operations carry the mailbox
 * across chunk boundaries and past the compaction threshold.
 */

interface Ref {
  topic: string;
  payload: number | undefined;
  /** Arrival number (what onTaken reports). */
  n: number;
  from?: string;
  tracked: boolean;
}

type Op =
  | { kind: 'push'; topic: string; count: number; from: boolean; tracked: boolean }
  | { kind: 'take'; topic: string | undefined; count: number }
  | { kind: 'evict'; count: number };

const FEW = ['a', 'b', 'c', EVENTS_TOPIC];
// More topics than a chunk numbers (8): chunks switch to a topic per slot.
const MANY = [...FEW, ...Array.from({ length: 10 }, (_, i) => `t${i}`)];

const opsOf = (TOPICS: string[]): fc.Arbitrary<Op> => fc.oneof(
  fc.record({
    kind: fc.constant('push' as const),
    topic: fc.constantFrom(...TOPICS),
    count: fc.oneof(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 500, max: 2500 })),
    from: fc.boolean(),
    tracked: fc.boolean(),
  }),
  fc.record({
    kind: fc.constant('take' as const),
    topic: fc.constantFrom(undefined, ...TOPICS),
    count: fc.oneof(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 300, max: 2500 })),
  }),
  fc.record({ kind: fc.constant('evict' as const), count: fc.integer({ min: 1, max: 50 }) }),
);
const opArb = fc.oneof(fc.array(opsOf(FEW), { minLength: 1, maxLength: 25 }), fc.array(opsOf(MANY), { minLength: 1, maxLength: 25 }));

describe('mailbox storage against a plain queue', () => {
  it('keeps arrival order, topic order, counts and onTaken reports through chunk boundaries, tombstones and compaction', () => {
    fc.assert(
      fc.property(opArb, fc.boolean(), (ops, discardAtEnd) => {
        const mb = new Mailbox(Infinity, 'error');
        const ref: Ref[] = [];
        const reports: string[] = [];
        const expected: string[] = [];
        let next = 0;
        const onTaken =
          (n: number): OnTaken =>
          (taken) =>
            void reports.push(`${n}:${taken}`);
        const refTake = (topic: string | undefined): Ref | undefined => {
          const i = topic === undefined ? (ref.length > 0 ? 0 : -1) : ref.findIndex((m) => m.topic === topic);
          return i < 0 ? undefined : ref.splice(i, 1)[0];
        };
        for (const op of ops) {
          if (op.kind === 'push') {
            for (let k = 0; k < op.count; k++) {
              const n = next++;
              const from = op.from && !op.tracked ? `{local|${n}}` : undefined;
              // Every seventh payload is undefined: a slot's emptiness does not depend on its payload.
              const payload = n % 7 === 3 ? undefined : n;
              ref.push(from === undefined ? { topic: op.topic, payload, n, tracked: op.tracked } : { topic: op.topic, payload, n, from, tracked: op.tracked });
              mb.push(op.topic, payload, from, op.tracked ? onTaken(n) : null, op.topic === EVENTS_TOPIC);
            }
          } else if (op.kind === 'take') {
            for (let k = 0; k < op.count; k++) {
              const want = refTake(op.topic);
              const got = mb.take(op.topic);
              if (want === undefined) {
                expect(got).toBeUndefined();
                break;
              }
              const msg: Message = want.from === undefined ? { topic: want.topic, payload: want.payload } : { topic: want.topic, payload: want.payload, from: want.from };
              expect(got).toEqual(msg);
              if (want.tracked) expected.push(`${want.n}:true`);
            }
          } else {
            for (let k = 0; k < op.count; k++) {
              const i = ref.findIndex((m) => m.topic !== EVENTS_TOPIC);
              expect(mb.evictOldest()).toBe(i >= 0);
              if (i < 0) break;
              const [gone] = ref.splice(i, 1);
              if (gone!.tracked) expected.push(`${gone!.n}:false`);
            }
          }
          expect(mb.size).toBe(ref.length);
          expect(mb.free).toBe(Infinity);
          // Storage stays within about twice what waits (tombstones are compacted), and is nothing when empty.
          if (ref.length === 0) expect(mb.slots).toBe(0);
          else expect(mb.slots).toBeLessThanOrEqual(2 * ref.length + 5 * 1024);
          expect(reports).toEqual(expected);
        }
        if (discardAtEnd) {
          mb.discard();
          for (const m of ref) if (m.tracked) expected.push(`${m.n}:false`);
          ref.length = 0;
        } else {
          // Drain in arrival order: tombstones are stepped over.
          for (const want of ref.splice(0)) {
            const got = mb.take();
            expect(got?.topic).toBe(want.topic);
            expect(got?.payload).toBe(want.payload);
            if (want.tracked) expected.push(`${want.n}:true`);
          }
          expect(mb.take()).toBeUndefined();
        }
        expect(reports).toEqual(expected);
        expect(mb.size).toBe(0);
        expect(mb.slots).toBe(0);
      }),
      { numRuns: 80 },
    );
  });
});

describe('mailbox storage edges', () => {
  it('a plain receive steps over tombstones spanning whole chunks', () => {
    const mb = new Mailbox(Infinity, 'error');
    mb.push('keep', 'first', undefined, null, false);
    for (let i = 0; i < 5000; i++) mb.push('gone', i, undefined, null, false);
    mb.push('keep', 'last', undefined, null, false);
    for (let i = 0; i < 5000; i++) expect(mb.take('gone')?.payload).toBe(i);
    expect(mb.take()?.payload).toBe('first');
    // 5000 tombstones stand between the two: one take steps over them all.
    expect(mb.take()?.payload).toBe('last');
    expect(mb.size).toBe(0);
    expect(mb.slots).toBe(0);
  });

  it('a selective receive after many plain ones (index built late) finds each topic in order', () => {
    const mb = new Mailbox(Infinity, 'error');
    for (let i = 0; i < 4000; i++) mb.push(i % 3 === 0 ? 'x' : 'y', i, undefined, null, false);
    for (let i = 0; i < 2500; i++) expect(mb.take()?.payload).toBe(i);
    // The index is built now, over messages 2500..3999 in chunks 2 and 3.
    const xs: number[] = [];
    for (let m = mb.take('x'); m !== undefined; m = mb.take('x')) xs.push(m.payload as number);
    expect(xs).toEqual(Array.from({ length: 1500 }, (_, k) => 2500 + k).filter((i) => i % 3 === 0));
    // The index stays: new messages join it, and plain and selective takes mix.
    mb.push('x', 'new-x', undefined, null, false);
    expect(mb.take()?.payload).toBe(2500);
    expect(mb.take('x')?.payload).toBe('new-x');
    expect(mb.size).toBe(1500 - xs.length - 1);
  });

  it('capacity counts waiting messages, not tombstones; system messages are not counted against it', () => {
    const mb = new Mailbox(3, 'error');
    mb.push('a', 1, undefined, null, false);
    mb.push('b', 2, undefined, null, false);
    mb.push('c', 3, undefined, null, false);
    expect(mb.full).toBe(true);
    expect(mb.take('b')?.payload).toBe(2);
    expect(mb.full).toBe(false);
    expect(mb.free).toBe(1);
    mb.push(EVENTS_TOPIC, 'exit', undefined, null, true);
    expect(mb.free).toBe(1);
    expect(mb.size).toBe(3);
    // dropOldest's eviction skips system messages and tombstones.
    mb.push('d', 4, undefined, null, false);
    expect(mb.evictOldest()).toBe(true);
    expect([mb.take(), mb.take(), mb.take(), mb.take()].map((m) => m?.payload)).toEqual([3, 'exit', 4, undefined]);
  });

  it('lets go of its chunks once drained, and a queue that never empties does not grow', () => {
    const mb = new Mailbox(Infinity, 'error');
    for (let i = 0; i < 100_000; i++) mb.push('t', i, undefined, null, false);
    expect(mb.slots).toBeGreaterThanOrEqual(100_000);
    for (let i = 0; i < 100_000; i++) mb.take();
    expect(mb.slots).toBe(0);
    // A rolling queue of ~10 messages: at most two chunks and a spare, however many pass.
    for (let i = 0; i < 10; i++) mb.push('t', i, undefined, null, false);
    let inOrder = true;
    for (let i = 10; i < 200_000; i++) {
      mb.push('t', i, undefined, null, false);
      if (mb.take()?.payload !== i - 10) inOrder = false;
    }
    expect(inOrder).toBe(true);
    expect(mb.slots).toBeLessThanOrEqual(3 * 1024);
    // One old message never taken while 200k others are taken by topic: tombstones are compacted away.
    const stuck = new Mailbox(Infinity, 'error');
    stuck.push('old', 'stuck', undefined, null, false);
    let byTopic = true;
    for (let i = 0; i < 200_000; i++) {
      stuck.push('t', i, undefined, null, false);
      if (stuck.take('t')?.payload !== i) byTopic = false;
    }
    expect(byTopic).toBe(true);
    expect(stuck.slots).toBeLessThanOrEqual(4 * 1024);
    expect(stuck.take()?.payload).toBe('stuck');
  });

  it('compaction in the middle of a selective drain keeps order, senders, onTaken and the index', () => {
    const mb = new Mailbox(Infinity, 'error');
    const reports: number[] = [];
    // 10,000 messages, one in four 'a' (tracked), the rest 'b' (with a sender).
    for (let i = 0; i < 10_000; i++) {
      if (i % 4 === 0) mb.push('a', i, undefined, () => reports.push(i), false);
      else mb.push('b', i, `{local|${i}}`, null, false);
    }
    // Taking 'b' leaves tombstones between the 'a's; past ~6000 of them the live messages are copied together.
    for (let i = 1; i < 9000; i++) {
      if (i % 4 === 0) continue;
      expect(mb.take('b')).toEqual({ topic: 'b', payload: i, from: `{local|${i}}` });
    }
    expect(mb.slots).toBeLessThan(10_000);
    mb.push('b', 'late', undefined, null, false);
    const rest: unknown[] = [];
    for (let m = mb.take(); m !== undefined; m = mb.take()) rest.push(m.payload);
    const as = Array.from({ length: 2500 }, (_, k) => 4 * k);
    const bs = Array.from({ length: 1000 }, (_, k) => 9000 + k).filter((i) => i % 4 !== 0);
    expect(rest).toEqual([...as.filter((i) => i < 9000), ...[...as.filter((i) => i >= 9000), ...bs].sort((x, y) => x - y), 'late']);
    expect(reports).toEqual(as);
  });

  it('chunks with more topics than they number keep a topic per slot, through growth, gaps and reuse', () => {
    const mb = new Mailbox(Infinity, 'error');
    const topicOf = (i: number) => `t${i % 20}`;
    const waiting: number[] = [];
    for (let round = 0; round < 3; round++) {
      for (let i = round * 3000; i < (round + 1) * 3000; i++) {
        mb.push(topicOf(i), i, undefined, null, false);
        waiting.push(i);
      }
      // Take every message of t3 and t7 (gaps everywhere), then half of what is left in order.
      for (const t of ['t3', 't7']) {
        for (let m = mb.take(t); m !== undefined; m = mb.take(t)) {
          expect(m.topic).toBe(t);
          expect(waiting.splice(waiting.indexOf(m.payload as number), 1)).toEqual([m.payload]);
        }
      }
      for (let k = waiting.length >> 1; k > 0; k--) {
        const m = mb.take()!;
        const want = waiting.shift()!;
        expect(m).toEqual({ topic: topicOf(want), payload: want });
      }
    }
    for (const want of waiting) expect(mb.take()).toEqual({ topic: topicOf(want), payload: want });
    expect(mb.take()).toBeUndefined();
    expect(mb.slots).toBe(0);
  });

  it('an onTaken that delivers to the same mailbox sees it consistent', () => {
    const mb = new Mailbox(Infinity, 'error');
    let n = 0;
    const refill: OnTaken = (taken) => {
      if (taken && n < 3000) mb.push('t', ++n, undefined, refill, false);
    };
    mb.push('other', 'o', undefined, null, false);
    mb.push('t', ++n, undefined, refill, false);
    let sum = 0;
    for (let m = mb.take('t'); m !== undefined; m = mb.take('t')) sum += m.payload as number;
    expect(sum).toBe((3000 * 3001) / 2);
    expect(mb.take()?.payload).toBe('o');
    expect(mb.size).toBe(0);
  });
});
