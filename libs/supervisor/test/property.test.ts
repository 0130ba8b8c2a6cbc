// Property: for random crash schedules, what the supervisor does (which children end and start,
// in which order, and whether it gives up) equals a small reference model of its strategy.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { startDynamicSupervisor, startSupervisor, type RestartType } from '../src/index.js';
import { child, env, traced } from './harness.js';

type Reason = 'boom' | 'normal' | 'shutdown' | 'kill';
type StrategyName = 'one_for_one' | 'one_for_all' | 'rest_for_one' | 'dynamic';
interface Crash {
  readonly afterMs: number;
  readonly pick: number;
  readonly reason: Reason;
}
interface Case {
  readonly restarts: readonly RestartType[];
  readonly maxRestarts: number;
  readonly periodMs: number;
  readonly crashes: readonly Crash[];
}

interface MChild {
  readonly id: string;
  readonly restart: RestartType;
  running: boolean;
}

const label = (r: Reason) => (r === 'kill' ? 'killed' : r);
const abnormal = (r: Reason) => r === 'boom' || r === 'kill';

/** The reference model: OTP's rules written as plainly as possible. */
function model(strategy: StrategyName, c: Case): { log: string[]; alive: boolean; victims: string[]; children: [string, boolean][] } {
  let children: MChild[] = c.restarts.map((restart, i) => ({ id: `c${i}`, restart, running: true }));
  const log = children.map((x) => `start ${x.id}`);
  const victims: string[] = [];
  let times: number[] = [];
  let now = 0;
  let alive = true;
  for (const crash of c.crashes) {
    now += crash.afterMs;
    const running = children.filter((x) => x.running);
    if (running.length === 0) break;
    const victim = running[crash.pick % running.length]!;
    victims.push(victim.id);
    log.push(`down ${victim.id} ${label(crash.reason)}`);
    victim.running = false;
    if (victim.restart === 'temporary' || (victim.restart === 'transient' && !abnormal(crash.reason))) {
      if (victim.restart === 'temporary' || strategy === 'dynamic') children = children.filter((x) => x !== victim);
      continue;
    }
    times = times.filter((t) => t >= now - c.periodMs);
    times.push(now);
    if (times.length > c.maxRestarts) {
      const order = strategy === 'dynamic' ? children : [...children].reverse();
      for (const x of order) if (x.running) log.push(`down ${x.id} shutdown`);
      alive = false;
      break;
    }
    const i = children.indexOf(victim);
    const group = strategy === 'one_for_all' ? children : strategy === 'rest_for_one' ? children.slice(i) : [victim];
    for (const x of [...group].reverse()) {
      if (x !== victim && x.running) {
        log.push(`down ${x.id} shutdown`);
        x.running = false;
      }
    }
    const dropped = new Set(group.filter((x) => x !== victim && x.restart === 'temporary'));
    children = children.filter((x) => !dropped.has(x));
    for (const x of group) {
      if (dropped.has(x)) continue;
      log.push(`start ${x.id}`);
      x.running = true;
    }
  }
  return { log, alive, victims, children: children.map((x) => [x.id, x.running]) };
}

const caseArb = fc.record({
  restarts: fc.array(fc.constantFrom<RestartType>('permanent', 'permanent', 'transient', 'temporary'), { minLength: 1, maxLength: 5 }),
  maxRestarts: fc.integer({ min: 0, max: 4 }),
  periodMs: fc.integer({ min: 1, max: 3000 }),
  crashes: fc.array(
    fc.record({ afterMs: fc.integer({ min: 0, max: 1500 }), pick: fc.nat(20), reason: fc.constantFrom<Reason>('boom', 'normal', 'shutdown', 'kill') }),
    { maxLength: 10 },
  ),
});

async function real(strategy: StrategyName, c: Case) {
  const e = await env();
  try {
    const { trace, rt } = e;
    const handle =
      strategy === 'dynamic'
        ? await startDynamicSupervisor(rt, { strategy, maxRestarts: c.maxRestarts, periodMs: c.periodMs, child: { start: traced, restart: c.restarts[0] } })
        : await startSupervisor(rt, { strategy, maxRestarts: c.maxRestarts, periodMs: c.periodMs, children: c.restarts.map((r, i) => child(trace, `c${i}`, r)) });
    if (strategy === 'dynamic') {
      // One template for all: the restart type comes from the first entry; the model gets the same.
      for (let i = 0; i < c.restarts.length; i++) await (handle as Awaited<ReturnType<typeof startDynamicSupervisor<[typeof trace, string]>>>).startChild(trace, `c${i}`);
    }
    await e.t.settle();
    const expected = model(strategy, strategy === 'dynamic' ? { ...c, restarts: c.restarts.map(() => c.restarts[0]!) } : c);
    for (const [i, crash] of c.crashes.entries()) {
      if (!rt.isAlive(handle.pid)) break;
      await e.t.advance(crash.afterMs);
      const id = expected.victims[i];
      if (id === undefined) break;
      await e.crash(id, crash.reason);
    }
    const alive = rt.isAlive(handle.pid);
    const children = alive ? (await handle.whichChildren()).map((r) => [idOf(trace, r.pid), r.status === 'running'] as [string, boolean]) : [];
    return { log: trace.take(), alive, expected, children };
  } finally {
    await e.close();
  }
}

function idOf(trace: { pids: Map<string, string> }, pid: string | undefined): string {
  for (const [id, p] of trace.pids) if (p === pid) return id;
  return '?';
}

describe('random crash schedules follow the reference model', () => {
  for (const strategy of ['one_for_one', 'one_for_all', 'rest_for_one', 'dynamic'] as const) {
    it(strategy, async () => {
      await fc.assert(
        fc.asyncProperty(caseArb, async (c) => {
          const r = await real(strategy, c);
          expect(r.log).toEqual(r.expected.log);
          expect(r.alive).toBe(r.expected.alive);
          if (r.alive) {
            // Running children agree with the model (stopped ones have no PID to name them by).
            expect(r.children.filter(([, running]) => running).map(([id]) => id)).toEqual(r.expected.children.filter(([, running]) => running).map(([id]) => id));
          }
        }),
        { numRuns: 60 },
      );
    }, 60_000);
  }
});
