import { describe, expect, it } from 'vitest';
import { createTestRuntime } from '@switchyard/testing';
import { ArgumentError } from '@switchyard/runtime';
import { defineMachine, spawnMachine, stay } from '../src/index.js';

describe('polling without busy loops', () => {
  it('a unit that stays(100) runs exactly 11 times over 1000 virtual ms', async () => {
    await using t = await createTestRuntime();
    const at: number[] = [];
    const mod = defineMachine({ name: 'poll', queues: { startup: { start: (u) => (at.push(u.now), stay(100)) } } });
    const m = spawnMachine(t.rt, mod);
    await t.advance(1000);
    expect(at).toEqual([0, 100, 200, 300, 400, 500, 600, 700, 800, 900, 1000]);
    // Between deadlines the machine blocks in receive(): one timer pending, nothing ready.
    expect(m.inspect()).toMatchObject({ state: 'waiting', waitingOn: { kind: 'timer', until: 1100 } });
    expect(t.clock.pending).toBe(1);
    // The work per run is bounded: a turn for others (race of receive and self) and one
    // blocking receive; no spinning between deadlines.
    const dispatched = t.rt.stats().dispatched;
    await t.advance(1000);
    expect(at).toHaveLength(21);
    expect(t.rt.stats().dispatched - dispatched).toBeLessThanOrEqual(10 * 3);
  });

  it('an idle machine runs nothing and holds no timer', async () => {
    await using t = await createTestRuntime();
    let runs = 0;
    const mod = defineMachine({ name: 'idle', idle: true, queues: { job: { start: () => (runs++, null) } } });
    const m = spawnMachine(t.rt, mod);
    await t.settle();
    const dispatched = t.rt.stats().dispatched;
    await t.advance(60_000);
    expect(runs).toBe(0);
    expect(t.clock.pending).toBe(0);
    expect(t.rt.stats().dispatched).toBe(dispatched);
    expect(m.inspect()).toMatchObject({ state: 'idle', waitingOn: { kind: 'event' }, lanes: [] });
    m.post('job', undefined);
    await t.settle();
    expect(runs).toBe(1);
  });

  it('returning its own status polls once per pollMs', async () => {
    await using t = await createTestRuntime();
    const at: number[] = [];
    const mod = defineMachine({ name: 'poll', queues: { startup: { start: (u) => (at.push(u.now), at.length < 4 ? 'start' : null) } } });
    spawnMachine(t.rt, mod, { pollMs: 25 });
    await t.advance(1000);
    expect(at).toEqual([0, 25, 50, 75]);
  });

  it('a staying lane does not hold back other lanes', async () => {
    await using t = await createTestRuntime();
    const log: string[] = [];
    const mod = defineMachine({
      name: 'two',
      queues: {
        startup: { start: (u) => (log.push(`watch@${u.now}`), stay(300)) },
        job: { start: (u) => (log.push(`job@${u.now}`), null) },
      },
    });
    const m = spawnMachine(t.rt, mod);
    await t.advance(100);
    m.post('job', undefined);
    await t.advance(250);
    expect(log).toEqual(['watch@0', 'job@100', 'watch@300']);
  });

  it('stay() refuses a negative or non-numeric delay', () => {
    expect(() => stay(-1)).toThrow(ArgumentError);
    expect(() => stay(-1)).toThrow(expect.objectContaining({ code: 'BAD_ARGUMENT', argument: 'ms' }));
    expect(() => stay(Number.NaN)).toThrow('stay(): ms must be a number >= 0, got NaN');
    expect(() => stay('5' as never)).toThrow('stay(): ms must be a number >= 0, got "5"');
  });
});
