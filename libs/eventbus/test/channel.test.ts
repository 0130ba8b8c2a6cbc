import { describe, expect, it } from 'vitest';
import {
  Channel,
  PUSH_CLOSED,
  PUSH_DROPPED,
  PUSH_EVICTED,
  PUSH_FULL,
  PUSH_OK,
  policyCode,
  type ChannelConsumer,
} from '../src/channel.js';
import type { Event } from '../src/index.js';
import { ev, stateOf } from './helpers.js';

const BLOCK = policyCode('block', 0);
const DROP_OLDEST = policyCode('dropOldest', 0);
const DROP_NEWEST = policyCode('dropNewest', 0);

class Probe extends Channel {
  rooms = 0;
  protected override roomAvailable(): void {
    this.rooms++;
  }
}

async function drain(ch: Channel, n: number): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const r = await ch.next();
    if (r.done) break;
    out.push(r.value.system);
  }
  return out;
}

describe('Channel', () => {
  it('buffers pushes in order, growing and wrapping the ring', async () => {
    const ch = new Channel(1, 40, BLOCK);
    for (let i = 0; i < 5; i++) expect(ch.push(ev(`e${i}`))).toBe(PUSH_OK);
    expect(await drain(ch, 3)).toEqual(['e0', 'e1', 'e2']);
    for (let i = 5; i < 40; i++) expect(ch.push(ev(`e${i}`))).toBe(PUSH_OK);
    expect(ch.buffered).toBe(37);
    const rest = await drain(ch, 37);
    expect(rest).toEqual(Array.from({ length: 37 }, (_, i) => `e${i + 3}`));
  });

  it('hands an event straight to a waiting reader', async () => {
    const ch = new Channel(1, 1, BLOCK);
    const a = ch.next();
    const b = ch.next();
    expect(ch.push(ev('a'))).toBe(PUSH_OK);
    expect(ch.push(ev('b'))).toBe(PUSH_OK);
    expect(ch.buffered).toBe(0);
    expect((await a).value?.system).toBe('a');
    expect((await b).value?.system).toBe('b');
  });

  it('block: reports FULL, and signals room when a reader takes an event', async () => {
    const ch = new Probe(1, 2, BLOCK);
    ch.push(ev('a'));
    ch.push(ev('b'));
    expect(ch.push(ev('c'))).toBe(PUSH_FULL);
    expect(ch.dropped).toBe(0);
    expect(ch.rooms).toBe(0);
    await ch.next();
    expect(ch.rooms).toBe(1);
    expect(ch.push(ev('c'))).toBe(PUSH_OK);
    expect(await drain(ch, 2)).toEqual(['b', 'c']);
  });

  it('dropNewest: refuses the new event and counts it', async () => {
    const ch = new Channel(1, 2, DROP_NEWEST);
    ch.push(ev('a'));
    ch.push(ev('b'));
    expect(ch.push(ev('c'))).toBe(PUSH_DROPPED);
    expect(ch.dropped).toBe(1);
    expect(await drain(ch, 2)).toEqual(['a', 'b']);
  });

  it('dropOldest: evicts the oldest buffered event and counts it', async () => {
    const ch = new Channel(1, 2, DROP_OLDEST);
    ch.push(ev('a'));
    ch.push(ev('b'));
    expect(ch.push(ev('c'))).toBe(PUSH_EVICTED);
    expect(ch.push(ev('d'))).toBe(PUSH_EVICTED);
    expect(ch.dropped).toBe(2);
    expect(await drain(ch, 2)).toEqual(['c', 'd']);
  });

  it('end(discard) drops the buffer, ends waiting readers and refuses pushes', async () => {
    const ch = new Channel(1, 4, BLOCK);
    const waiting = new Channel(2, 4, BLOCK);
    const pending = waiting.next();
    ch.push(ev('a'));
    ch.end(true);
    waiting.end(true);
    expect(await ch.next()).toEqual({ value: undefined, done: true });
    expect(await pending).toEqual({ value: undefined, done: true });
    expect(ch.push(ev('b'))).toBe(PUSH_CLOSED);
    expect(ch.closed).toBe(true);
  });

  it('end(drain) lets the reader take what is buffered, then ends', async () => {
    const ch = new Channel(1, 4, BLOCK);
    ch.push(ev('a'));
    ch.push(ev('b'));
    ch.end(false);
    expect(ch.closed).toBe(false);
    expect(ch.push(ev('c'))).toBe(PUSH_CLOSED);
    expect(await drain(ch, 5)).toEqual(['a', 'b']);
    expect(ch.closed).toBe(true);
  });

  it('wakes a blocked pusher when it ends', () => {
    const ch = new Probe(1, 1, BLOCK);
    ch.push(ev('a'));
    expect(ch.push(ev('b'))).toBe(PUSH_FULL);
    ch.end(true);
    expect(ch.rooms).toBe(1);
  });

  it('is its own async iterator; return() ends it', async () => {
    const ch = new Channel(1, 4, BLOCK);
    expect(ch[Symbol.asyncIterator]()).toBe(ch);
    ch.push(ev('a'));
    ch.push(ev('b'));
    const seen: string[] = [];
    for await (const e of ch) {
      seen.push(e.system);
      break;
    }
    expect(seen).toEqual(['a']);
    expect(ch.closed).toBe(true);
  });

  describe('with a consumer', () => {
    function recorder(async = false): ChannelConsumer & { seen: string[]; errors: unknown[]; ended: number; active: number; maxActive: number } {
      const r = {
        seen: [] as string[],
        errors: [] as unknown[],
        ended: 0,
        active: 0,
        maxActive: 0,
        handle(e: Event): unknown {
          r.seen.push(e.system);
          if (e.system.startsWith('throw')) throw new Error(e.system);
          if (!async) return undefined;
          r.active++;
          r.maxActive = Math.max(r.maxActive, r.active);
          return Promise.resolve().then(() => {
            r.active--;
            if (e.system.startsWith('reject')) throw new Error(e.system);
          });
        },
        fail(error: unknown) {
          r.errors.push((error as Error).message);
        },
        end() {
          r.ended++;
        },
      };
      return r;
    }

    it('calls a sync consumer directly, without buffering', () => {
      const ch = new Channel(1, 1, BLOCK);
      const r = recorder();
      ch.attach(r);
      for (let i = 0; i < 5; i++) expect(ch.push(ev(`e${i}`))).toBe(PUSH_OK);
      expect(r.seen).toEqual(['e0', 'e1', 'e2', 'e3', 'e4']);
      expect(ch.buffered).toBe(0);
    });

    it('first takes what was buffered before it was attached', () => {
      const ch = new Channel(1, 4, BLOCK);
      ch.push(ev('a'));
      ch.push(ev('b'));
      const r = recorder();
      ch.attach(r);
      ch.push(ev('c'));
      expect(r.seen).toEqual(['a', 'b', 'c']);
    });

    it('runs an async consumer one call at a time, in order, buffering meanwhile', async () => {
      const ch = new Channel(1, 8, BLOCK);
      const r = recorder(true);
      ch.attach(r);
      for (let i = 0; i < 6; i++) ch.push(ev(`e${i}`));
      expect(r.seen).toEqual(['e0']);
      expect(ch.buffered).toBe(5);
      while (r.seen.length < 6 || r.active > 0) await Promise.resolve();
      expect(r.seen).toEqual(['e0', 'e1', 'e2', 'e3', 'e4', 'e5']);
      expect(r.maxActive).toBe(1);
    });

    it('reports throws and rejections and goes on', async () => {
      const ch = new Channel(1, 8, BLOCK);
      const r = recorder(true);
      ch.attach(r);
      ch.push(ev('throw-1'));
      ch.push(ev('reject-2'));
      ch.push(ev('ok'));
      await stateOf(Promise.resolve());
      expect(r.seen).toEqual(['throw-1', 'reject-2', 'ok']);
      expect(r.errors).toEqual(['throw-1', 'reject-2']);
    });

    it('calls end() once, after the running call settles', async () => {
      const ch = new Channel(1, 8, BLOCK);
      const r = recorder(true);
      ch.attach(r);
      ch.push(ev('a'));
      ch.push(ev('b'));
      ch.end(true);
      expect(r.ended).toBe(0);
      await stateOf(Promise.resolve());
      expect(r.ended).toBe(1);
      expect(r.seen).toEqual(['a']);
      ch.end(true);
      expect(r.ended).toBe(1);
    });

    it('refuses next() and a second reader', async () => {
      const ch = new Channel(7, 1, BLOCK);
      ch.attach(recorder());
      await expect(ch.next()).rejects.toThrow(/subscription 7 is consumed by a handler/);
      expect(() => ch.attach(recorder())).toThrow(/already has a reader/);
    });
  });
});
