/**
 * A quick probe for A/B runs of a kernel change (run it on each side, in separate processes):
 * the per-round ratios the issue-14 targets use for ping-pong, microtask dispatch, sync dispatch
 * and all() of 100, plus spawn+exit at 100k and stop() of 1M parked (BENCH_STOP_N). Pick groups by name:
 * `pp micro sync all spawn backlog stop` (default: all of them). Same method as dispatch.ts; fewer cases.
 * BENCH_ROUNDS (default 9), BENCH_N (default 100k).
 */
import { allEffect, allSwitchyard, backlogDrain, benchRuntime, dispatchCases, idleAndStop, pingPongNode, pingPongSwitchyard, spawnExit } from './dispatch.js';
import { fmtSpread, measureRounds, ratio } from './util.js';

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
  const us: number[] = [];
  for (let i = 0; i < 3; i++) us.push(await spawnExit(rt, 100_000));
  out.push(`spawn+exit 100k: ${us.map((u) => u.toFixed(3)).join(' / ')} µs per child`);
}
if (want('backlog')) {
  for (const topic of [false, true]) {
    const small = await backlogDrain(rt, 1_000, topic);
    const big = await backlogDrain(rt, 1_000_000, topic);
    out.push(`backlog ${topic ? 'by topic' : 'plain'}: 1k ${small.toFixed(3)} µs, 1M ${big.toFixed(3)} µs per message (${(big / small).toFixed(2)}×)`);
  }
}
await rt.stop();
if (want('stop')) {
  const size = Number(process.env.BENCH_STOP_N ?? 1_000_000);
  const r = await idleAndStop(size);
  out.push(`stop() of ${size.toLocaleString('en')} parked: ${r.stopMs.toFixed(0)} ms wall, ${r.stopCpuMs.toFixed(0)} ms CPU; heap per idle process ${r.bytes.toFixed(0)} B`);
}
console.log(out.join('\n'));
