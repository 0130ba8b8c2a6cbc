/**
 * Supervision, side by side with Erlang/OTP's supervisor on this machine (when `escript` is
 * installed): crash-to-restarted (a one_for_one supervisor restarting a worker that crashes as
 * soon as it is told to), and a dynamic supervisor starting and then terminating 100,000
 * children one call at a time (OTP: simple_one_for_one with supervisor:start_child and
 * terminate_child from a client process).
 *
 * Rates are per process-CPU second (process.cpuUsage here, erlang:statistics(runtime) there, the
 * emulator on one scheduler: +S 1), because the machine is shared and wall time says more about
 * the neighbours than about the code. Each round runs both sides, in an order rotated every
 * round; the table gives the median rate and the median and spread of the per-round ratios.
 *
 *   node --expose-gc --conditions=@switchyard/source --import tsx tools/bench/src/supervisor.ts
 */
import { spawnSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { createRuntime, receive, type Pid, type ProcessContext, type Runtime } from '@switchyard/runtime';
import {
  startDynamicChild,
  startLinkedDynamicSupervisor,
  startSupervisor,
  terminateChild,
  whichChildren,
  worker,
} from '@switchyard/supervisor';
import { fmtRate, gc, isMain, median, table } from './util.js';

const ROUNDS = 5;
const ESCRIPT = fileURLToPath(new URL('../erlang/supervisor.escript', import.meta.url));

interface Sample {
  /** Operations done. */
  readonly n: number;
  /** CPU milliseconds they took. */
  readonly cpuMs: number;
  /** Wall-clock milliseconds (on a busy machine, mostly the neighbours' doing). */
  readonly wallMs: number;
}

function cpu<T>(fn: () => Promise<T>): Promise<[T, number, number]> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  return fn().then((v) => {
    const c = process.cpuUsage(c0);
    return [v, (c.user + c.system) / 1000, performance.now() - t0];
  });
}

const rate = (s: Sample) => (s.n / s.cpuMs) * 1000;

// ---------------------------------------------------------------- Switchyard

/** The worker reports each incarnation through `up`, then crashes when told to. */
function* crasher(ctx: ProcessContext, up: (pid: Pid) => void) {
  up(ctx.pid);
  yield* receive({ topic: 'crash' });
  throw new Error('boom');
}

async function switchyardRestart(n: number): Promise<Sample> {
  const rt = createRuntime();
  await rt.start();
  let wake: ((pid: Pid) => void) | undefined;
  let current: Pid | undefined;
  const up = (pid: Pid) => {
    current = pid;
    wake?.(pid);
  };
  const sup = await startSupervisor(rt, { maxRestarts: Infinity, children: [worker('w', crasher, up)] });
  await rt.whenIdle();
  const first = current!;
  const [last, cpuMs, wallMs] = await cpu(async () => {
    let pid = first;
    for (let i = 0; i < n; i++) {
      const next = new Promise<Pid>((resolve) => (wake = resolve));
      rt.send(pid, 'crash', null);
      pid = await next;
    }
    return pid;
  });
  // Every crash was followed by a restart: a new PID, and the supervisor counted each one.
  const [row] = await sup.whichChildren();
  if (last === first || row?.pid !== last || row.restarts !== n) throw new Error(`restart bench: expected ${n} restarts, saw ${row?.restarts}`);
  await rt.stop();
  return { n, cpuMs, wallMs };
}

function* idle() {
  yield* receive({ topic: 'never' });
}

async function switchyardDynamic(n: number): Promise<{ start: Sample; stop: Sample }> {
  const rt: Runtime = createRuntime();
  await rt.start();
  const result = await rt.run(function* (ctx) {
    const sup = yield* startLinkedDynamicSupervisor(ctx, { strategy: 'dynamic', maxRestarts: Infinity, child: { start: idle } });
    const pids: Pid[] = new Array<Pid>(n);
    let c0 = process.cpuUsage();
    let t0 = performance.now();
    for (let i = 0; i < n; i++) pids[i] = yield* startDynamicChild(ctx, sup);
    let c = process.cpuUsage(c0);
    const startMs = (c.user + c.system) / 1000;
    const startWall = performance.now() - t0;
    if ((yield* whichChildren(ctx, sup)).length !== n) throw new Error('dynamic bench: not every child started');
    c0 = process.cpuUsage();
    t0 = performance.now();
    for (let i = 0; i < n; i++) yield* terminateChild(ctx, sup, pids[i]!);
    c = process.cpuUsage(c0);
    const stopMs = (c.user + c.system) / 1000;
    const stopWall = performance.now() - t0;
    if ((yield* whichChildren(ctx, sup)).length !== 0) throw new Error('dynamic bench: children left after terminating them all');
    return { startMs, stopMs, startWall, stopWall };
  });
  if (rt.stats().processes.live !== 1) throw new Error(`dynamic bench: ${rt.stats().processes.live} processes alive, expected only the supervisor`);
  await rt.stop();
  return { start: { n, cpuMs: result.startMs, wallMs: result.startWall }, stop: { n, cpuMs: result.stopMs, wallMs: result.stopWall } };
}

// ---------------------------------------------------------------- Erlang

function hasEscript(): boolean {
  return spawnSync('escript', ['-h'], { encoding: 'utf8' }).error === undefined;
}

function erlang(args: string[]): Map<string, Sample> {
  const r = spawnSync('escript', [ESCRIPT, ...args], { encoding: 'utf8', timeout: 300_000 });
  if (r.status !== 0) throw new Error(`escript ${args.join(' ')} failed: ${r.stderr || r.stdout}`);
  const out = new Map<string, Sample>();
  for (const line of r.stdout.trim().split('\n')) {
    const [name, n, cpuMs, wallMs] = line.trim().split(/\s+/);
    out.set(name!, { n: Number(n), cpuMs: Math.max(1, Number(cpuMs)), wallMs: Number(wallMs) });
  }
  return out;
}

// ---------------------------------------------------------------- rounds

export async function runSupervisorBench(restarts = 10_000, children = 100_000): Promise<string> {
  const withErlang = hasEscript();
  const rows = new Map<string, { sw: number[]; erl: number[]; swWall: number[]; erlWall: number[] }>();
  const add = (name: string, sw: Sample, erl: Sample | undefined) => {
    let r = rows.get(name);
    if (r === undefined) rows.set(name, (r = { sw: [], erl: [], swWall: [], erlWall: [] }));
    r.sw.push(rate(sw));
    r.swWall.push((sw.wallMs * 1000) / sw.n);
    if (erl !== undefined) {
      r.erl.push(rate(erl));
      r.erlWall.push((erl.wallMs * 1000) / erl.n);
    }
  };
  // Warm-up, so that the first round does not pay for the JIT.
  await switchyardRestart(Math.ceil(restarts / 10));
  await switchyardDynamic(Math.ceil(children / 10));
  for (let round = 0; round < ROUNDS; round++) {
    const sides: (() => Promise<void>)[] = [];
    let sw: { restart?: Sample; start?: Sample; stop?: Sample } = {};
    let erl: Map<string, Sample> = new Map();
    sides.push(async () => {
      gc();
      const restart = await switchyardRestart(restarts);
      gc();
      const dyn = await switchyardDynamic(children);
      sw = { restart, start: dyn.start, stop: dyn.stop };
    });
    if (withErlang) {
      sides.push(async () => {
        erl = new Map([...erlang(['restart', String(restarts)]), ...erlang(['dynamic', String(children)])]);
      });
    }
    // Rotate which side goes first.
    for (let i = 0; i < sides.length; i++) await sides[(i + round) % sides.length]!();
    add(`crash → restarted (one_for_one, ${restarts.toLocaleString('en')} crashes)`, sw.restart!, erl.get('restart'));
    add(`dynamic: start ${children.toLocaleString('en')} children`, sw.start!, erl.get('dynamic_start'));
    add(`dynamic: terminate ${children.toLocaleString('en')} children`, sw.stop!, erl.get('dynamic_stop'));
  }
  const body = [...rows].map(([name, r]) => {
    const sw = median(r.sw);
    const wall = `${median(r.swWall).toFixed(1)} µs`;
    if (!withErlang) return [name, fmtRate(sw), `${(1e6 / sw).toFixed(1)} µs`, wall, '—', '—'];
    const ratios = r.sw.map((x, i) => x / r.erl[i]!);
    const erl = median(r.erl);
    return [
      name,
      fmtRate(sw),
      `${(1e6 / sw).toFixed(1)} µs`,
      wall,
      `${fmtRate(erl)} (${(1e6 / erl).toFixed(1)} µs CPU, ${median(r.erlWall).toFixed(1)} µs wall)`,
      `${median(ratios).toFixed(2)}× (${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)})`,
    ];
  });
  return [
    `Operations per process-CPU second, median of ${ROUNDS} rounds (sides rotated each round).`,
    withErlang
      ? 'Erlang/OTP: the same work in `erl` on this machine (tools/bench/erlang/supervisor.escript, one scheduler).'
      : 'Erlang/OTP: **not measured — `escript` is not installed on this machine** (apt-get install erlang-base).',
    '',
    `Load average while measuring: ${loadavg().map((x) => x.toFixed(1)).join(' / ')} on ${cpus().length} cores (wall times are only indicative).`,
    '',
    table(['case', 'Switchyard (per CPU s)', 'CPU per op', 'wall per op', 'Erlang/OTP', 'Switchyard / OTP, CPU (spread)'], body),
  ].join('\n');
}

if (isMain(import.meta.url)) {
  const [restarts, children] = process.argv.slice(2).map(Number);
  console.log(await runSupervisorBench(restarts || undefined, children || undefined));
}
