import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { clockPlugin } from '@switchyard/plugin-clock';
import { createRuntime } from '@switchyard/runtime';
import { openDatabase } from '@switchyard/sqlite';
import { build } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import { workflowClient, workflowPlugin } from '../src/index.js';
import { crashy, expectedSum } from './crash-workflow.js';
import { tempFile } from './helpers.js';

const here = dirname(fileURLToPath(import.meta.url));
const childJs = join(here, '.build', 'crash-child.mjs');
const SEEDS = 20;
const RUNS = 8;
const PARALLEL = 5;

beforeAll(async () => {
  // One bundle, so each child starts in plain Node without a TypeScript loader.
  await build({
    entryPoints: [join(here, 'crash-child.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    conditions: ['@switchyard/source'],
    external: ['better-sqlite3'],
    outfile: childJs,
    logLevel: 'silent',
  });
}, 30_000);

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Run the child until `delayMs` after it is ready, then SIGKILL it. */
function runAndKill(file: string, log: string, seed: number, delayMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [childJs, file, log, String(RUNS), String(seed)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    let timer: NodeJS.Timeout | undefined;
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      if (timer === undefined && d.toString().includes('ready')) timer = setTimeout(() => child.kill('SIGKILL'), delayMs);
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (signal === 'SIGKILL') resolve();
      else reject(new Error(`child exited with ${code} before the kill: ${err}`));
    });
  });
}

type Journaled = Map<string, string>;

function readJournal(file: string): Journaled {
  const db = openDatabase(file);
  try {
    const out: Journaled = new Map();
    for (const r of db.prepare('SELECT run, pos, value FROM wf_steps').all() as { run: string; pos: number; value: string }[]) out.set(`${r.run}/0/${r.pos}`, r.value);
    return out;
  } finally {
    db.close();
  }
}

function handlerSteps(file: string): string[] {
  const db = openDatabase(file);
  try {
    return (db.prepare("SELECT run, pos FROM wf_steps WHERE name LIKE 'step-%' OR name LIKE 'fan-%'").all() as { run: string; pos: number }[]).map((r) => `${r.run}/0/${r.pos}`);
  } finally {
    db.close();
  }
}

function countLines(log: string): Map<string, number> {
  const counts = new Map<string, number>();
  if (!existsSync(log)) return counts;
  for (const line of readFileSync(log, 'utf8').split('\n')) if (line !== '') counts.set(line, (counts.get(line) ?? 0) + 1);
  return counts;
}

async function recoverAndCheck(seed: number, file: string, log: string): Promise<number> {
  const open = openRuns(file);
  const before = readJournal(file);
  const ranBefore = countLines(log);

  const rt = createRuntime({ plugins: [clockPlugin(), workflowPlugin({ file, workflows: [crashy], owner: 'crash-node' })] });
  await rt.start();
  try {
    const client = workflowClient(rt);
    await client.ready();
    const runs = await client.list({ limit: 1000 });
    for (const run of runs) {
      const result = (await client.result(run.id)) as { n: number; sum: number; id: string };
      expect(result.sum, `seed ${seed} run ${run.id}`).toBe(expectedSum(result.n));
      const idStep = before.get(`${run.id}/0/1`);
      if (idStep !== undefined) expect(JSON.stringify(result.id), `seed ${seed} run ${run.id} uuid`).toBe(idStep);
    }
    expect((await client.list({ status: 'running' })).length).toBe(0);
  } finally {
    await rt.stop();
  }

  const after = readJournal(file);
  for (const [key, value] of before) expect(after.get(key), `seed ${seed}: ${key} changed`).toBe(value);
  const ranAfter = countLines(log);
  for (const [key, n] of ranAfter) {
    if (before.has(key)) expect(n, `seed ${seed}: recorded step ${key} ran again`).toBe(ranBefore.get(key));
    else expect(n, `seed ${seed}: step ${key} ran ${n} times`).toBeLessThanOrEqual((ranBefore.get(key) ?? 0) + 1);
  }
  // Every handler step journaled ran (a recorded value always comes from a handler run).
  for (const key of handlerSteps(file)) expect(ranAfter.has(key), `seed ${seed}: ${key} recorded but never ran`).toBe(true);
  return open;
}

function openRuns(file: string): number {
  if (!existsSync(file)) return 0;
  const db = openDatabase(file);
  try {
    return (db.prepare("SELECT count(*) AS n FROM wf_runs WHERE status = 'running'").get() as { n: number }).n;
  } finally {
    db.close();
  }
}

describe('crash: SIGKILL at random points', () => {
  it(`a new process finishes every run; recorded steps never run again, others at most once more; side-effect values never change (${SEEDS} seeds)`, async () => {
    const rng = mulberry32(0x5eed);
    const seeds = Array.from({ length: SEEDS }, (_, i) => ({ seed: i + 1, delay: Math.floor(rng() * 120), file: tempFile(`crash-${i + 1}.db`) }));
    let interrupted = 0;
    // Children start slowly on a busy machine: kill a few at a time, then recover each in this process.
    for (let i = 0; i < seeds.length; i += PARALLEL) {
      const batch = seeds.slice(i, i + PARALLEL);
      await Promise.all(batch.map((s) => runAndKill(s.file, `${s.file}.log`, s.seed, s.delay)));
      for (const s of batch) if ((await recoverAndCheck(s.seed, s.file, `${s.file}.log`)) > 0) interrupted++;
    }
    // The kills land mid-work: most seeds leave open runs for the new process.
    expect(interrupted).toBeGreaterThanOrEqual(SEEDS / 2);
  }, 120_000);
});
