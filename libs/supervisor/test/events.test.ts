import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Event } from '@switchyard/eventbus';
import { startSupervisor } from '../src/index.js';
import { child, env, type Env } from './harness.js';

let e: Env;
beforeEach(async () => {
  e = await env();
});
afterEach(async () => {
  await e.close();
});

async function collect(e: Env): Promise<{ events: Event[]; done: () => Promise<Event[]> }> {
  const events: Event[] = [];
  const sub = await e.rt.bus.subscribe('supervisor', '', { bufferSize: 1024 });
  const reading = (async () => {
    for await (const ev of sub) events.push(ev);
  })();
  return {
    events,
    done: async () => {
      await e.rt.bus.flush();
      await sub.close();
      await reading;
      return events;
    },
  };
}

describe('events on the bus (system "supervisor", path = the supervisor PID)', () => {
  it('every start, exit, restart and the intensity shutdown', async () => {
    const { trace, rt } = e;
    const c = await collect(e);
    const sup = await startSupervisor(rt, { children: [child(trace, 'a'), child(trace, 'b')] });
    await e.t.settle();
    const a1 = trace.pid('a');
    const b1 = trace.pid('b');
    await e.crash('a', 'boom');
    const a2 = trace.pid('a');
    await e.crash('a', 'boom');
    await rt.wait(sup.pid).catch(() => undefined);
    const events = await c.done();
    expect(events.every((ev) => ev.system === 'supervisor' && ev.path === sup.pid)).toBe(true);
    const brief = events.map((ev) => {
      const d = ev.data as { id?: string; pid?: string; reason?: { kind: string }; bySupervisor?: boolean; restarts?: number };
      return [ev.kind, d.id, d.pid, d.reason?.kind, d.bySupervisor, d.restarts].filter((x) => x !== undefined);
    });
    expect(brief).toEqual([
      ['child.start', 'a', a1],
      ['child.start', 'b', b1],
      ['child.exit', 'a', a1, 'error', false],
      ['child.restart', 'a', a2, 1],
      ['child.exit', 'a', a2, 'error', false],
      ['intensity', 'a'],
      ['child.exit', 'b', b1, 'cancelled', true],
      ['stop'],
    ]);
    expect(events.find((ev) => ev.kind === 'intensity')?.data).toEqual({ maxRestarts: 1, periodMs: 5000, id: 'a' });
    expect(events.at(-1)?.data).toEqual({ reason: 'intensity' });
  });

  it('tools can watch one kind with a pattern (kinds are dotted: "child.*" is every child event)', async () => {
    const { rt } = e;
    const seen: string[] = [];
    const sub = await rt.bus.subscribe('supervisor', 'child.(start_failed|restart)', { bufferSize: 64 });
    const reading = (async () => {
      for await (const ev of sub) seen.push(ev.kind);
    })();
    await startSupervisor(rt, { children: [{ id: 'x', start: { process: 'nope' } }] }).catch(() => undefined);
    await rt.bus.flush();
    await sub.close();
    await reading;
    expect(seen).toEqual(['child.start_failed']);
  });
});
