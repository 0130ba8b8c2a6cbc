/**
 * Durable workflows: steps per second through the SQLite journal (one workflow, and 100
 * concurrent) at synchronous=FULL and NORMAL, beside the disk's own fsync time; replay cost
 * per step; recovery time of 10,000 open runs. Durable throughput is bounded by fsync (waiting,
 * not CPU), so those rates are per wall-clock second; CPU per step is shown beside them.
 *
 * DBOS Transact (@dbos-inc/dbos-sdk) runs the same workflow (N steps, each a trivial function
 * returning a value, DBOS.runStep) on a PostgreSQL 15 cluster the benchmark starts and stops
 * (fsync=on, synchronous_commit=on: one WAL flush per commit, as our synchronous=FULL). Its
 * database work runs in PostgreSQL's processes, so the comparison is per wall-clock second;
 * both CPU figures are shown. Without PostgreSQL the table says why and shows ours alone.
 *
 *   npm run bench:workflow -w tools/bench
 *   BENCH_WORKFLOW_ONLY=steps|replay|recovery npm run bench:workflow -w tools/bench
 */
import { closeSync, fsyncSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRuntime, receive, type Runtime } from '@switchyard/runtime';
import { defineWorkflow, replayHistories, sideEffect, workflowClient, workflowPlugin, type WorkflowClient } from '@switchyard/plugin-workflow';
import { gc, isMain, median, table } from './util.js';
import { launchDbos, postgresAvailable, startCluster, type DbosBench, type PgCluster } from './workflow-dbos.js';

const ROUNDS = 3;

const steps = defineWorkflow('steps', function* (_ctx, n: number) {
  let sum = 0;
  for (let i = 0; i < n; i++) sum += yield* sideEffect('s', () => i);
  return sum;
});

const parked = defineWorkflow('parked', function* (_ctx, n: number) {
  let sum = 0;
  for (let i = 0; i < n; i++) sum += yield* sideEffect('s', () => i);
  yield* receive({ topic: 'go' });
  return sum;
});

const expected = (n: number) => (n * (n - 1)) / 2;

interface Env {
  rt: Runtime;
  client: WorkflowClient;
  dir: string;
  file: string;
}

async function open(dir: string, synchronous: 'FULL' | 'NORMAL', owner = 'bench'): Promise<Env> {
  const file = join(dir, 'wf.db');
  const rt = createRuntime({ plugins: [workflowPlugin({ file, workflows: [steps, parked], synchronous, owner, leaseMs: 600_000 })] });
  await rt.start();
  const client = workflowClient(rt);
  await client.ready();
  return { rt, client, dir, file };
}

function fresh(): string {
  return mkdtempSync(join(tmpdir(), 'sy-wf-bench-'));
}

function check(got: unknown, want: number, what: string): void {
  if (got !== want) throw new Error(`${what}: result ${String(got)}, expected ${want}`);
}

interface Sample {
  wallMs: number;
  cpuMs: number;
}

async function timed(fn: () => Promise<void>): Promise<Sample> {
  gc();
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await fn();
  const wallMs = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return { wallMs, cpuMs: (c.user + c.system) / 1000 };
}

interface StepCase {
  name: string;
  sync: 'FULL' | 'NORMAL';
  runs: number;
  stepsPerRun: number;
}

async function stepCase(c: StepCase): Promise<Sample & { commits: number }> {
  const dir = fresh();
  const env = await open(dir, c.sync);
  try {
    // Start outside the timing: a start is its own commit.
    const ids: string[] = [];
    const starts: Promise<string>[] = [];
    const stats = () => env.rt.stats().plugins.workflow as { commits: number };
    const c0 = stats().commits;
    const t = await timed(async () => {
      for (let i = 0; i < c.runs; i++) starts.push(env.client.start(steps, c.stepsPerRun));
      ids.push(...(await Promise.all(starts)));
      const results = await Promise.all(ids.map((id) => env.client.result(id)));
      for (const r of results) check(r, expected(c.stepsPerRun), c.name);
    });
    return { ...t, commits: stats().commits - c0 };
  } finally {
    await env.rt.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

const FSYNCS = 50;

/** Median ms of `write` + fsyncSync, appending `bytes` each time (a WAL commit appends a page or more). */
function fsyncMs(dir: string, bytes = 1, n = FSYNCS): number {
  const fd = openSync(join(dir, `probe-${bytes}`), 'w');
  const buf = Buffer.alloc(bytes, 120);
  try {
    const xs: number[] = [];
    for (let i = 0; i < n; i++) {
      const t0 = performance.now();
      writeSync(fd, buf);
      fsyncSync(fd);
      xs.push(performance.now() - t0);
    }
    return median(xs);
  } finally {
    closeSync(fd);
  }
}

function fsyncs(dir: string): string {
  return `${fsyncMs(dir, 1).toFixed(2)} ms (1 byte), ${fsyncMs(dir, 4096).toFixed(2)} ms (4 KiB append)`;
}

/** Recovery: `runs` open runs of `stepsEach` recorded steps, parked in receive; time until every one has replayed. */
async function recovery(runs: number, stepsEach: number): Promise<{ ms: number; cpuMs: number; perStepUs: number }> {
  const dir = fresh();
  try {
    const env = await open(dir, 'NORMAL');
    const ids = await Promise.all(Array.from({ length: runs }, () => env.client.start(parked, stepsEach)));
    // Let every run reach its receive and commit.
    for (let i = 0; i < 50; i++) {
      await env.rt.whenIdle();
      await new Promise((r) => setImmediate(r));
    }
    await env.rt.stop();
    const s = await timed(async () => {
      const again = await open(dir, 'NORMAL');
      const live = (again.rt.stats().plugins.workflow as { loaded: number }).loaded;
      if (live !== runs) throw new Error(`recovery loaded ${live} runs, expected ${runs}`);
      env.rt = again.rt;
      env.client = again.client;
    });
    // Check: the recovered runs finish with the right results.
    await Promise.all(ids.slice(0, 10).map((id) => env.client.signal(id, 'go')));
    for (const id of ids.slice(0, 10)) check(await env.client.result(id), expected(stepsEach), 'recovered run');
    await env.rt.stop();
    return { ms: s.wallMs, cpuMs: s.cpuMs, perStepUs: (s.cpuMs * 1000) / (runs * stepsEach) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Pure replay (no runtime, no handler) of one closed run of `n` steps, per step. */
async function replayPerStep(n: number): Promise<number> {
  const dir = fresh();
  try {
    const env = await open(dir, 'NORMAL');
    check(await env.client.execute(steps, n), expected(n), 'replay source');
    await env.rt.stop();
    const samples: number[] = [];
    // One untimed replay first: the timed ones measure optimised code, as a long-running replayer does.
    replayHistories({ file: env.file, workflows: [steps] });
    for (let r = 0; r < ROUNDS; r++) {
      const s = await timed(async () => {
        const report = replayHistories({ file: env.file, workflows: [steps] });
        if (report.checked !== 1 || report.failures.length !== 0) throw new Error('replay failed');
      });
      samples.push((s.cpuMs * 1000) / n);
    }
    return median(samples);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

interface Rates {
  wall: number[];
  cpuUs: number[];
  /** DBOS only: the PostgreSQL cluster's CPU per step. */
  pgCpuUs: number[];
  /** Ours only: journal commits per step. */
  commitsPerStep: number[];
}

interface DbosSide {
  bench: DbosBench;
  cluster: PgCluster;
}

/** Start PostgreSQL and DBOS, or say exactly why not. */
async function startDbos(): Promise<DbosSide | string> {
  const missing = postgresAvailable();
  if (missing !== undefined) return missing;
  let cluster: PgCluster;
  try {
    cluster = await startCluster();
  } catch (error) {
    return (error as Error).message;
  }
  try {
    // DBOS's default pool (10 connections): 100 concurrent workflows ran faster with it here than with 50.
    const bench = await launchDbos(cluster.url, Number(process.env.DBOS_POOL ?? 10));
    return { bench, cluster };
  } catch (error) {
    cluster.stop();
    return `DBOS failed to launch: ${(error as Error).message}`;
  }
}

const settleStats = () => new Promise((r) => setTimeout(r, 1200));

async function dbosCase(side: DbosSide, c: StepCase): Promise<Sample & { pgCpuMs: number; walSyncs: number }> {
  await settleStats();
  const w0 = side.cluster.walSyncs();
  const pg0 = side.cluster.cpuSeconds();
  const t = await timed(async () => {
    const results = await side.bench.runWorkflows(c.runs, c.stepsPerRun);
    for (const r of results) check(r, expected(c.stepsPerRun), c.name);
  });
  const pgCpuMs = (side.cluster.cpuSeconds() - pg0) * 1000;
  // Outside the timing: PostgreSQL's backends report their WAL flushes within about a second.
  await settleStats();
  return { ...t, pgCpuMs, walSyncs: side.cluster.walSyncs() - w0 };
}

function spread(xs: readonly number[], digits = 0): string {
  return `${Math.min(...xs).toFixed(digits)}–${Math.max(...xs).toFixed(digits)}`;
}

function load(): string {
  return loadavg()
    .map((x) => x.toFixed(2))
    .join(', ');
}

export async function runWorkflowBench(): Promise<string> {
  const loadBefore = load();
  const dir = fresh();
  const fsyncBefore = fsyncs(dir);
  const only = process.env.BENCH_WORKFLOW_ONLY; // 'steps' | 'recovery' | 'replay' (default: all)
  const cases: (StepCase & { dbos?: boolean })[] = [
    { name: '1 workflow, FULL', sync: 'FULL', runs: 1, stepsPerRun: 200 },
    { name: '1 workflow, NORMAL', sync: 'NORMAL', runs: 1, stepsPerRun: 5000 },
    { name: '100 concurrent, FULL', sync: 'FULL', runs: 100, stepsPerRun: 20 },
    { name: '100 concurrent, NORMAL', sync: 'NORMAL', runs: 100, stepsPerRun: 100 },
    { name: 'DBOS: 1 workflow', sync: 'FULL', runs: 1, stepsPerRun: 200, dbos: true },
    { name: 'DBOS: 100 concurrent', sync: 'FULL', runs: 100, stepsPerRun: 20, dbos: true },
  ];
  const out: string[] = ['## Durable workflows (plugins/workflow, SQLite journal) beside DBOS Transact', ''];
  let dbosNote = '';
  if (only === undefined || only === 'steps') {
    const side = await startDbos();
    const dbos = typeof side === 'string' ? undefined : side;
    if (typeof side === 'string') dbosNote = `DBOS Transact not run: ${side}`;
    // Stop the cluster on Ctrl-C too.
    const onSignal = () => {
      dbos?.cluster.stop();
      process.exit(130);
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    try {
      const active = cases.filter((c) => !c.dbos || dbos !== undefined);
      const rates = new Map<string, Rates>(active.map((c) => [c.name, { wall: [], cpuUs: [], pgCpuUs: [], commitsPerStep: [] }]));
      const ratios = { seq: [] as number[], conc: [] as number[] };
      // The sequential FULL case against the disk measured just before it, in the same round.
      const perFsync: { stepMs: number; fsyncMs: number }[] = [];
      await stepCase({ ...cases[1]!, stepsPerRun: 500 }); // warm-up
      if (dbos !== undefined) await dbos.bench.runWorkflows(10, 10);
      for (let r = 0; r < ROUNDS; r++) {
        const round = new Map<string, number>();
        // Rotate the order each round so drift hits every case alike.
        for (let k = 0; k < active.length; k++) {
          const c = active[(k + r) % active.length]!;
          const n = c.runs * c.stepsPerRun;
          const x = rates.get(c.name)!;
          if (c.dbos) {
            const s = await dbosCase(dbos!, c);
            x.wall.push((n / s.wallMs) * 1000);
            x.cpuUs.push((s.cpuMs * 1000) / n);
            x.pgCpuUs.push((s.pgCpuMs * 1000) / n);
            x.commitsPerStep.push(s.walSyncs / n);
          } else {
            const probe = c.runs === 1 && c.sync === 'FULL' ? fsyncMs(dir, 4096, 20) : 0;
            const s = await stepCase(c);
            if (probe > 0) perFsync.push({ stepMs: s.wallMs / n, fsyncMs: probe });
            x.wall.push((n / s.wallMs) * 1000);
            x.cpuUs.push((s.cpuMs * 1000) / n);
            x.commitsPerStep.push(s.commits / n);
          }
          round.set(c.name, x.wall[x.wall.length - 1]!);
        }
        if (dbos !== undefined) {
          ratios.seq.push(round.get('1 workflow, FULL')! / round.get('DBOS: 1 workflow')!);
          ratios.conc.push(round.get('100 concurrent, FULL')! / round.get('DBOS: 100 concurrent')!);
        }
      }
      const rows = active.map((c) => {
        const x = rates.get(c.name)!;
        return [
          c.name,
          `${c.runs} × ${c.stepsPerRun}`,
          median(x.wall).toFixed(0),
          spread(x.wall),
          median(x.cpuUs).toFixed(1),
          c.dbos ? median(x.pgCpuUs).toFixed(0) : '–',
          median(x.commitsPerStep).toFixed(3),
        ];
      });
      out.push(table(['case', 'runs × steps', 'steps/s (wall, median)', 'spread', 'bench-process CPU µs/step', 'PostgreSQL CPU µs/step', 'fsyncs/step (ours: commits; DBOS: pg_stat_wal wal_sync)'], rows), '');
      const bound = perFsync.map((x) => x.stepMs / x.fsyncMs);
      out.push(
        `1 workflow, FULL: ${median(perFsync.map((x) => x.stepMs)).toFixed(2)} ms per step against ${median(perFsync.map((x) => x.fsyncMs)).toFixed(2)} ms per 4 KiB append + fsync measured just before it; per-round ratio ${median(bound).toFixed(2)} (${spread(bound, 2)}) fsyncs per step`,
        '',
      );
      if (dbos !== undefined) {
        out.push(
          table(
            ['ours (FULL) / DBOS, steps per wall second', 'median of per-round ratios', 'spread'],
            [
              ['1 sequential workflow', `${median(ratios.seq).toFixed(2)}×`, spread(ratios.seq, 2)],
              ['100 concurrent workflows', `${median(ratios.conc).toFixed(2)}×`, spread(ratios.conc, 2)],
            ],
          ),
          '',
        );
      }
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      if (dbos !== undefined) {
        try {
          await dbos.bench.shutdown();
        } finally {
          dbos.cluster.stop();
        }
      }
    }
  }
  const measures: string[][] = [];
  if (only === undefined || only === 'replay') {
    const replay = await replayPerStep(20_000);
    measures.push(['replay, µs per step (replayHistories, CPU)', replay.toFixed(2)]);
  }
  if (only === undefined || only === 'recovery') {
    const rec = await recovery(10_000, 2);
    measures.push(
      ['recovery of 10,000 open runs (2 steps each, parked in receive), wall ms', rec.ms.toFixed(0)],
      ["recovery of 10,000 open runs, CPU ms (the process's own work)", rec.cpuMs.toFixed(0)],
      ['recovery, CPU µs per replayed step', rec.perStepUs.toFixed(2)],
    );
  }
  if (measures.length > 0) out.push(table(['measure', 'value'], measures), '');
  const fsyncAfter = fsyncs(dir);
  rmSync(dir, { recursive: true, force: true });
  out.push(`load average (1, 5, 15 min): ${loadBefore} at the start, ${load()} at the end`, '');
  out.push(`the disk's fsync in the temp directory (median of ${FSYNCS} × write + fsyncSync): ${fsyncBefore} before; ${fsyncAfter} after`);
  if (dbosNote !== '') out.push('', dbosNote);
  return out.join('\n');
}

if (isMain(import.meta.url)) {
  console.log(await runWorkflowBench());
}
