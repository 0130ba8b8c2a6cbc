import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatPid } from '../src/pid.js';
import type { Proc } from '../src/proc.js';
import { ProcTable, serialOf } from '../src/proctable.js';

/** A stand-in process: the table reads only `pid`. */
const proc = (node: string, serial: number) => ({ pid: formatPid(node, serial) }) as Proc;

describe('serialOf', () => {
  it('reads the serial back from any formatted PID and refuses what is not one', () => {
    fc.assert(
      fc.property(fc.constantFrom('local', 'x', 'node-x.1', 'a@b'), fc.maxSafeInteger().filter((n) => n >= 0 && n < 2 ** 52), (node, serial) => {
        expect(serialOf(formatPid(node, serial))).toBe(serial);
      }),
    );
    for (const bad of ['', 'billing.worker', '{local|0x}', '{local|0x0002A}', '{local|0x0002a', '{local|0x0002g}', '{local|0x00000000000001}']) {
      expect(serialOf(bad)).toBe(-1);
    }
  });
});

describe('ProcTable', () => {
  // Spawn (a fresh serial, sometimes far ahead so serials wrap the slots), end a live process,
  // look up live, ended and foreign PIDs: always what a Map of the same processes says.
  const op = fc.oneof(
    fc.record({ kind: fc.constant('spawn' as const), skip: fc.oneof(fc.constant(1), fc.integer({ min: 1, max: 5000 })) }),
    fc.record({ kind: fc.constant('end' as const), pick: fc.nat() }),
    fc.record({ kind: fc.constant('look' as const), pick: fc.nat(), foreign: fc.boolean() }),
  );

  it('agrees with a Map of the same processes, and lists them oldest first', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 600 }), fc.integer({ min: 0, max: 200 }), (ops, burst) => {
        const table = new ProcTable();
        const model = new Map<string, Proc>();
        const ended: Proc[] = [];
        let serial = 0;
        // A burst first (the table grows), then the random run (it may shrink again).
        for (let i = 0; i < burst; i++) {
          const p = proc('local', ++serial);
          table.add(p);
          model.set(p.pid, p);
        }
        for (const o of ops) {
          if (o.kind === 'spawn') {
            serial += o.skip;
            const p = proc('local', serial);
            table.add(p);
            model.set(p.pid, p);
          } else if (o.kind === 'end') {
            const live = [...model.values()];
            if (live.length === 0) continue;
            const p = live[o.pick % live.length]!;
            expect(table.delete(p)).toBe(true);
            model.delete(p.pid);
            ended.push(p);
            expect(table.delete(p)).toBe(false);
          } else {
            const live = [...model.values()];
            const p = live.length > 0 && !o.foreign ? live[o.pick % live.length]! : ended[o.pick % Math.max(1, ended.length)];
            if (p === undefined) continue;
            const pid = o.foreign ? p.pid.replace('{local|', '{other|') : p.pid;
            expect(table.get(pid)).toBe(model.get(pid));
            expect(table.has(pid)).toBe(model.has(pid));
          }
          expect(table.size).toBe(model.size);
        }
        for (const [pid, p] of model) expect(table.get(pid)).toBe(p);
        // A PID equal in content but another string object finds the process too.
        for (const pid of model.keys()) expect(table.get(`${pid.slice(0, 3)}${pid.slice(3)}`)?.pid).toBe(pid);
        const order = (ps: Proc[]) => ps.map((p) => serialOf(p.pid));
        expect(order(table.values())).toEqual(order([...model.values()]).sort((a, b) => a - b));
      }),
      { numRuns: 200 },
    );
  });

  it('keeps a process whose slot is taken by a long-lived one (serials a table size apart)', () => {
    const table = new ProcTable();
    const elder = proc('local', 1);
    table.add(elder);
    const young = [65, 129, 193].map((s) => proc('local', s));
    for (const p of young) table.add(p);
    expect((table as unknown as { overflow: Map<string, Proc> | null }).overflow?.size).toBe(3);
    for (const p of [elder, ...young]) expect(table.get(p.pid)).toBe(p);
    expect(table.values()).toEqual([elder, ...young]);
    expect(table.delete(elder)).toBe(true);
    for (const p of young) expect(table.get(p.pid)).toBe(p);
    expect(table.get(elder.pid)).toBeUndefined();
    for (const p of young) table.delete(p);
    expect(table.size).toBe(0);
    expect((table as unknown as { overflow: unknown }).overflow).toBeNull();
  });

  it('gives back its slots once a burst has ended, and refuses what is not a PID', () => {
    const table = new ProcTable();
    // Past 2^20 slots a slot takes six hex digits, more than the PIDs of the first 2^20 serials have.
    const ps = Array.from({ length: 600_000 }, (_, i) => proc('local', i + 1));
    for (const p of ps) table.add(p);
    const grown = (table as unknown as { slots: unknown[] }).slots.length;
    expect(grown).toBeGreaterThan(2 ** 20);
    for (const i of [0, 1, 299_999, 599_999]) expect(table.get(ps[i]!.pid)).toBe(ps[i]);
    expect(table.values().length).toBe(600_000);
    for (const p of ps) table.delete(p);
    expect(table.size).toBe(0);
    expect((table as unknown as { slots: unknown[] }).slots.length).toBeLessThanOrEqual(128);
    for (const v of [undefined, 42, 'billing.worker', '{local|0x00001}', {}]) expect(table.get(v)).toBeUndefined();
  });
});
