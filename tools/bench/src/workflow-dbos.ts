/**
 * DBOS Transact (@dbos-inc/dbos-sdk) on a PostgreSQL 15 cluster this module starts in a temp
 * directory (fsync=on, synchronous_commit=on) on a free port, and stops again, failure or not.
 * Benchmark-only: nothing in `npm test` needs PostgreSQL.
 *
 * initdb refuses to run as root: as root, every PostgreSQL command runs as the `postgres` user
 * (runuser); otherwise as the current user.
 */
import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const PG_BIN = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin';

export interface PgCluster {
  readonly dir: string;
  readonly port: number;
  readonly url: string;
  /** CPU seconds used so far by the cluster: the postmaster, its children alive now, and those that ended (reaped). */
  cpuSeconds(): number;
  /** WAL flushes (fsyncs) so far, from pg_stat_wal; backends report them within about a second. */
  walSyncs(): number;
  stop(): void;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

function asPostgres(cmd: string, args: string[]): string[] {
  return process.getuid?.() === 0 ? ['runuser', '-u', 'postgres', '--', cmd, ...args] : [cmd, ...args];
}

function run(cmd: string, args: string[]): string {
  const [file, ...rest] = asPostgres(cmd, args);
  return execFileSync(file!, rest, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

export function postgresAvailable(): string | undefined {
  if (!existsSync(join(PG_BIN, 'initdb'))) return `no PostgreSQL binaries at ${PG_BIN} (set PG_BIN)`;
  return undefined;
}

const TICKS = 100; // USER_HZ on Linux

/** utime + stime of a process, and with `reaped` the cutime + cstime of its children that ended. */
function processCpu(pid: number, reaped = false): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime, stime, cutime, cstime are fields 14–17 (1-based); f starts at field 3.
    return (Number(f[11]) + Number(f[12]) + (reaped ? Number(f[13]) + Number(f[14]) : 0)) / TICKS;
  } catch {
    return 0;
  }
}

function childrenOf(pid: number): number[] {
  const out: number[] = [];
  for (const e of readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const stat = readFileSync(`/proc/${e}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(f[1]) === pid) out.push(Number(e));
    } catch {
      // Gone meanwhile.
    }
  }
  return out;
}

/** initdb + pg_ctl start in a fresh temp directory; the caller must call stop(). */
export async function startCluster(): Promise<PgCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'sy-pg-bench-'));
  const data = join(dir, 'data');
  if (process.getuid?.() === 0) {
    const pg = Number(run('id', ['-u']).trim());
    const gid = Number(run('id', ['-g']).trim());
    chownSync(dir, pg, gid);
  }
  let started = false;
  const stop = () => {
    try {
      if (started) run(join(PG_BIN, 'pg_ctl'), ['-D', data, '-m', 'fast', '-w', 'stop']);
    } finally {
      started = false;
      rmSync(dir, { recursive: true, force: true });
    }
  };
  try {
    run(join(PG_BIN, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '--no-instructions', '-E', 'UTF8', '--locale=C']);
    const port = await freePort();
    const opts = [`-p ${port}`, `-k ${dir}`, `-c listen_addresses=127.0.0.1`, '-c fsync=on', '-c synchronous_commit=on', '-c full_page_writes=on', '-c max_connections=200'];
    started = true;
    run(join(PG_BIN, 'pg_ctl'), ['-D', data, '-l', join(dir, 'log'), '-w', '-t', '60', '-o', opts.join(' '), 'start']);
    const pid = Number(readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n')[0]);
    const show = run(join(PG_BIN, 'psql'), ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', '-Atc', 'SHOW fsync; SHOW synchronous_commit; SHOW wal_sync_method', 'postgres']).trim().split('\n');
    if (show[0] !== 'on' || show[1] !== 'on') throw new Error(`PostgreSQL cluster is not durable: fsync=${show[0]}, synchronous_commit=${show[1]}`);
    return {
      dir,
      port,
      url: `postgresql://postgres@127.0.0.1:${port}/dbos_bench_sys`,
      cpuSeconds: () => processCpu(pid, true) + childrenOf(pid).reduce((s, c) => s + processCpu(c), 0),
      walSyncs: () => Number(run(join(PG_BIN, 'psql'), ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', '-Atc', 'SELECT wal_sync FROM pg_stat_wal', 'postgres']).trim()),
      stop,
    };
  } catch (error) {
    const log = join(dir, 'log');
    const tail = existsSync(log) && statSync(log).size > 0 ? `\n${readFileSync(log, 'utf8').slice(-2000)}` : '';
    try {
      stop();
    } catch {
      // Reported below.
    }
    throw new Error(`could not start PostgreSQL in ${dir}: ${(error as Error).message}${tail}`, { cause: error });
  }
}

export interface DbosBench {
  /** Runs `runs` workflows of `steps` steps concurrently; resolves with every result. */
  runWorkflows(runs: number, steps: number): Promise<number[]>;
  shutdown(): Promise<void>;
}

/** Launch DBOS against the cluster with one workflow of N trivial steps (`DBOS.runStep`). */
export async function launchDbos(url: string, poolSize: number): Promise<DbosBench> {
  const { DBOS } = await import('@dbos-inc/dbos-sdk');
  const stepsWf = DBOS.registerWorkflow(
    async (n: number): Promise<number> => {
      let sum = 0;
      for (let i = 0; i < n; i++) sum += await DBOS.runStep(async () => i, { name: 's' });
      return sum;
    },
    { name: 'steps' },
  );
  DBOS.setConfig({ name: 'switchyard-bench', systemDatabaseUrl: url, systemDatabasePoolSize: poolSize, logLevel: 'error' });
  await DBOS.launch();
  return {
    async runWorkflows(runs, steps) {
      const handles = await Promise.all(Array.from({ length: runs }, () => DBOS.startWorkflow(stepsWf)(steps)));
      return Promise.all(handles.map((h) => h.getResult()));
    },
    shutdown: () => DBOS.shutdown(),
  };
}
