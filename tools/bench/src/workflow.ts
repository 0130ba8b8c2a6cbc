/**
 * Durable workflows: steps per second through the SQLite journal (one workflow, and 100
 * concurrent) at synchronous=FULL and NORMAL, beside the disk's own fsync time; replay cost
 * per step; recovery time of 10,000 open runs. Durable throughput is bounded by fsync (waiting,
 * not CPU), so those rates are per wall-clock second; CPU per step is shown beside them.
 * DBOS Transact is not run here (no PostgreSQL cluster in this benchmark yet).
 *
 *   node --expose-gc --conditions=@switchyard/source --import tsx tools/bench/src/workflow.ts
 */
import { closeSync, fsyncSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRuntime, receive, type Runtime } from '@switchyard/runtime';
import { defineWorkflow, replayHistories, sideEffect, workflowClient, workflowPlugin, type WorkflowClient } from '@switchyard/plugin-workflow';
import { gc, isMain, median, table } from './util.js';

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

async function stepCase(c: StepCase): Promise<Sample> {
  const dir = fresh();
  const env = await open(dir, c.sync);
  try {
    // Start outside the timing: a start is its own commit.
    const ids: string[] = [];
    const starts: Promise<string>[] = [];
    const t = await timed(async () => {
      for (let i = 0; i < c.runs; i++) starts.push(env.client.start(steps, c.stepsPerRun));
      ids.push(...(await Promise.all(starts)));
      const results = await Promise.all(ids.map((id) => env.client.result(id)));
      for (const r of results) check(r, expected(c.stepsPerRun), c.name);
    });
    return t;
  } finally {
    await env.rt.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

function fsyncMs(dir: string, n = 50): number {
  const fd = openSync(join(dir, 'probe'), 'w');
  try {
    const t0 = performance.now();
    for (let i = 0; i < n; i++) {
      writeSync(fd, 'x');
      fsyncSync(fd);
    }
    return (performance.now() - t0) / n;
  } finally {
    closeSync(fd);
  }
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

export async function runWorkflowBench(): Promise<string> {
  const dir = fresh();
  const fsync = fsyncMs(dir);
  rmSync(dir, { recursive: true, force: true });
  const cases: StepCase[] = [
    { name: '1 workflow, FULL', sync: 'FULL', runs: 1, stepsPerRun: 200 },
    { name: '1 workflow, NORMAL', sync: 'NORMAL', runs: 1, stepsPerRun: 5000 },
    { name: '100 concurrent, FULL', sync: 'FULL', runs: 100, stepsPerRun: 20 },
    { name: '100 concurrent, NORMAL', sync: 'NORMAL', runs: 100, stepsPerRun: 100 },
  ];
  const rates = new Map<string, { wall: number[]; cpuUs: number[] }>(cases.map((c) => [c.name, { wall: [], cpuUs: [] }]));
  await stepCase({ ...cases[1]!, stepsPerRun: 500 }); // warm-up
  for (let r = 0; r < ROUNDS; r++) {
    // Rotate the order each round so drift hits every case alike.
    for (let k = 0; k < cases.length; k++) {
      const c = cases[(k + r) % cases.length]!;
      const s = await stepCase(c);
      const n = c.runs * c.stepsPerRun;
      rates.get(c.name)!.wall.push((n / s.wallMs) * 1000);
      rates.get(c.name)!.cpuUs.push((s.cpuMs * 1000) / n);
    }
  }
  const rows = cases.map((c) => {
    const x = rates.get(c.name)!;
    const med = median(x.wall);
    return [c.name, `${med.toFixed(0)}`, `${Math.min(...x.wall).toFixed(0)}–${Math.max(...x.wall).toFixed(0)}`, `${median(x.cpuUs).toFixed(1)}`];
  });
  const replay = await replayPerStep(20_000);
  const rec = await recovery(10_000, 2);
  return [
    '## Durable workflows (plugins/workflow, SQLite journal)',
    '',
    `fsync of one 1-byte write in the temp directory: ${fsync.toFixed(2)} ms`,
    '',
    table(['case', 'steps/s (wall, median)', 'spread', 'CPU µs/step'], rows),
    '',
    table(
      ['measure', 'value'],
      [
        ['replay, µs per step (replayHistories, CPU)', replay.toFixed(2)],
        ['recovery of 10,000 open runs (2 steps each), wall ms', rec.ms.toFixed(0)],
        ['recovery of 10,000 open runs, CPU ms (the process\'s own work)', rec.cpuMs.toFixed(0)],
        ['recovery, CPU µs per replayed step', rec.perStepUs.toFixed(2)],
      ],
    ),
    '',
    'DBOS Transact side by side: not run (needs a PostgreSQL cluster started by the benchmark; not done yet).',
  ].join('\n');
}

if (isMain(import.meta.url)) {
  console.log(await runWorkflowBench());
}
