/**
 * A quick probe for A/B runs of a kernel change (run it on each side, in separate processes):
 * the per-round ratios the issue-14 targets use for ping-pong, microtask dispatch, sync dispatch
 * and all() of 100, plus spawn+exit at 100k, the mailbox backlog drain (1k vs 1M, BENCH_BACKLOG_ROUNDS
 * rounds) and stop() of 1M parked (BENCH_STOP_N). Pick groups by name:
 * `pp micro sync all spawn backlog stop` (default: all of them). Same method as dispatch.ts; fewer cases.
 * BENCH_ROUNDS (default 9), BENCH_N (default 100k).
 */
import { allEffect, allSwitchyard, backlogDrain, benchRuntime, dispatchCases, idleAndStop, pingPongNode, pingPongSwitchyard, spawnExit } from './dispatch.js';
import { PerformanceObserver } from 'node:perf_hooks';
import { fmtSpread, measureRounds, median, ratio } from './util.js';

/** Wall ms spent in GC while `f` runs (GC pauses the main thread, so this is CPU of this process too). */
let gcMs = 0;
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) gcMs += e.duration;
}).observe({ entryTypes: ['gc'] });
async function withGc<T>(f: () => Promise<T>): Promise<{ value: T; gc: number; cpu: number }> {
  await new Promise((r) => setImmediate(r));
  const g0 = gcMs;
  const c0 = process.cpuUsage();
  const value = await f();
  const c = process.cpuUsage(c0);
  await new Promise((r) => setImmediate(r));
  return { value, gc: gcMs - g0, cpu: (c.user + c.system) / 1000 };
}

const rounds = Number(process.env.BENCH_ROUNDS ?? 9);
const n = Number(process.env.BENCH_N ?? 100_000);
const only = process.argv.slice(2);
const want = (k: string) => only.length === 0 || only.includes(k);
const rt = await benchRuntime();
const byName = new Map(dispatchCases(rt).map((c) => [c.name, c]));
const out: string[] = [];
if (want('pp')) {
  const r = await measureRounds([{ name: 'sy', run: pingPongSwitchyard(rt) }, { name: 'node', run: pingPongNode }], n / 4, rounds);
  out.push(`ping-pong / Node mailbox: ${fmtSpread(ratio(r, 'sy', 'node'))}`);
}
if (want('micro')) {
  const r = await measureRounds([byName.get('Switchyard microtask handler, yield*')!, byName.get('Effect.gen + Effect.promise')!], n, rounds);
  out.push(`microtask / Effect.promise: ${fmtSpread(ratio(r, 'Switchyard microtask handler, yield*', 'Effect.gen + Effect.promise'))}`);
}
if (want('sync')) {
  const r = await measureRounds([byName.get('Switchyard sync, yield*')!, byName.get('Effect.gen + Effect.sync')!, byName.get('FLOOR: object literals + Map of handlers')!], n, rounds);
  out.push(`sync / Effect.sync: ${fmtSpread(ratio(r, 'Switchyard sync, yield*', 'Effect.gen + Effect.sync'))}; of FLOOR ${fmtSpread(ratio(r, 'Switchyard sync, yield*', 'FLOOR: object literals + Map of handlers'))}`);
}
if (want('all')) {
  const r = await measureRounds([{ name: 'sy', run: allSwitchyard(rt) }, { name: 'eff', run: allEffect }], n / 100, rounds);
  out.push(`all() of 100 / Effect.all: ${fmtSpread(ratio(r, 'sy', 'eff'))}`);
}
if (want('spawn')) {
  // spawnExit() is already the median of three timed runs.
  const size = Number(process.env.BENCH_SPAWN_N ?? 100_000);
  const r = await withGc(() => spawnExit(rt, size));
  out.push(`spawn+exit ${size.toLocaleString('en')}: ${r.value.toFixed(3)} µs per child (median of 3); GC ${((100 * r.gc) / r.cpu).toFixed(0)}% of the CPU time`);
}
if (want('backlog')) {
  // BENCH_BACKLOG_ROUNDS rounds (default 5); in each, 1k and 1M back to back, the order swapped every round.
  const backlogRounds = Number(process.env.BENCH_BACKLOG_ROUNDS ?? 5);
  for (const topic of [false, true]) {
    const small: number[] = [];
    const big: number[] = [];
    const gcSmall: number[] = [];
    const gcBig: number[] = [];
    for (let r = 0; r < backlogRounds; r++) {
      for (const size of r % 2 === 0 ? [1_000, 1_000_000] : [1_000_000, 1_000]) {
        const m = await withGc(() => backlogDrain(rt, size, topic));
        (size === 1_000 ? small : big).push(m.value);
        (size === 1_000 ? gcSmall : gcBig).push((100 * m.gc) / m.cpu);
      }
    }
    const ratios = big.map((b, i) => b / small[i]!);
    const s = { median: median(ratios), min: Math.min(...ratios), max: Math.max(...ratios) };
    out.push(
      `backlog ${topic ? 'by topic' : 'plain'}: 1k ${median(small).toFixed(3)} µs (GC ${median(gcSmall).toFixed(0)}%), ` +
        `1M ${median(big).toFixed(3)} µs (GC ${median(gcBig).toFixed(0)}%) per message (medians of ${backlogRounds}); 1M / 1k per round ${fmtSpread(s)}`,
    );
  }
}
await rt.stop();
if (want('stop')) {
  const size = Number(process.env.BENCH_STOP_N ?? 1_000_000);
  const r = await idleAndStop(size);
  out.push(`stop() of ${size.toLocaleString('en')} parked: ${r.stopMs.toFixed(0)} ms wall, ${r.stopCpuMs.toFixed(0)} ms CPU; heap per idle process ${r.bytes.toFixed(0)} B`);
}
console.log(out.join('\n'));
