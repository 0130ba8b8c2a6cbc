/** Shared helpers for the side-by-side benchmarks: interleaved rounds, medians, tables. */

export interface Case {
  readonly name: string;
  /** Runs `n` operations; resolves when they are all done. */
  readonly run: (n: number) => Promise<void> | void;
}

export interface Measured {
  readonly name: string;
  /** Median operations per second over the rounds. */
  readonly opsPerSec: number;
}

/**
 * Runs every case once per round, interleaved (a b c, a b c, …), so that machine noise
 * hits all of them alike, and reports the median rate of each.
 */
export async function measure(cases: readonly Case[], n: number, rounds = 5): Promise<Measured[]> {
  for (const c of cases) await c.run(Math.max(1, Math.floor(n / 10)));
  const rates = new Map<string, number[]>(cases.map((c) => [c.name, []]));
  for (let r = 0; r < rounds; r++) {
    for (const c of cases) {
      gc();
      // A full GC throws away optimised code and inline caches: re-warm before timing.
      await c.run(Math.max(1, Math.floor(n / 20)));
      const t0 = performance.now();
      await c.run(n);
      const ms = performance.now() - t0;
      rates.get(c.name)!.push((n / ms) * 1000);
    }
  }
  return cases.map((c) => ({ name: c.name, opsPerSec: median(rates.get(c.name)!) }));
}

/** The median of `times` results of `run`, after one untimed call of it (a warm-up). */
export async function medianOfRuns(times: number, run: () => Promise<number>): Promise<number> {
  await run();
  const xs: number[] = [];
  for (let i = 0; i < times; i++) xs.push(await run());
  return median(xs);
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export function gc(): void {
  const g = (globalThis as { gc?: () => void }).gc;
  if (g) g();
}

export function fmtRate(x: number): string {
  if (x >= 1e6) return `${(x / 1e6).toFixed(2)} M/s`;
  if (x >= 1e3) return `${(x / 1e3).toFixed(1)} k/s`;
  return `${x.toFixed(0)} /s`;
}

export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/** True when this module is the script node was started with. */
export function isMain(metaUrl: string): boolean {
  const arg = process.argv[1];
  if (arg === undefined) return false;
  return metaUrl === new URL(`file://${arg.startsWith('/') ? arg : `${process.cwd()}/${arg}`}`).href;
}

/** Process CPU time (user + system) in ms since an earlier `process.cpuUsage()`. */
export function cpuMs(since: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(since);
  return (d.user + d.system) / 1000;
}

export interface RoundCase {
  readonly name: string;
  /** Runs `n` operations and returns what `check` verifies (by default: exactly `n`). */
  readonly run: (n: number) => unknown;
  /** True when the result shows the work really happened. Default: result === n. */
  readonly check?: (result: unknown, n: number) => boolean;
  /** Operations per run relative to the round's n (cases of different cost). Default 1. */
  readonly scale?: number;
}

/** Per-round rates (operations per process-CPU second) of every case. */
export interface Rounds {
  readonly names: readonly string[];
  readonly rates: ReadonlyMap<string, readonly number[]>;
}

export interface Spread {
  readonly median: number;
  readonly min: number;
  readonly max: number;
}

/**
 * Runs every case once per round, the order rotated by one each round so no case always
 * follows the same one, and records its rate per process-CPU second. Every result is checked.
 */
export async function measureRounds(cases: readonly RoundCase[], n: number, rounds = 7): Promise<Rounds> {
  const size = (c: RoundCase, k: number) => Math.max(1, Math.floor(k * (c.scale ?? 1)));
  const checkOf = (c: RoundCase, k: number, result: unknown) => {
    const ok = c.check ? c.check(result, k) : result === k;
    if (!ok) throw new Error(`${c.name}: wrong result ${String(result)} for n=${k}`);
  };
  for (const c of cases) checkOf(c, size(c, n / 10), await c.run(size(c, n / 10)));
  const rates = new Map<string, number[]>(cases.map((c) => [c.name, []]));
  for (let r = 0; r < rounds; r++) {
    for (let j = 0; j < cases.length; j++) {
      const c = cases[(j + r) % cases.length]!;
      gc();
      // A full GC can throw away optimized code (of classes it collected): re-warm before timing,
      // with a run as long as the timed one, so each case is timed at its steady state (a warm-up
      // of a twentieth timed the JIT catching up, which favoured the cases it reaches first).
      await c.run(size(c, n));
      const k = size(c, n);
      const t0 = process.cpuUsage();
      const result = await c.run(k);
      const ms = cpuMs(t0);
      checkOf(c, k, result);
      rates.get(c.name)!.push((k / Math.max(ms, 0.001)) * 1000);
    }
  }
  return { names: cases.map((c) => c.name), rates };
}

/** Median and min–max over rounds of rate(a) / rate(b), both measured in the same round. */
export function ratio(r: Rounds, a: string, b: string): Spread {
  const xa = r.rates.get(a);
  const xb = r.rates.get(b);
  if (!xa || !xb) throw new Error(`no case ${xa ? b : a}`);
  const rs = xa.map((x, i) => x / xb[i]!);
  return { median: median(rs), min: Math.min(...rs), max: Math.max(...rs) };
}

export function medianRate(r: Rounds, name: string): number {
  return median(r.rates.get(name)!);
}

export function fmtSpread(s: Spread, digits = 2): string {
  return `${s.median.toFixed(digits)} (${s.min.toFixed(digits)}–${s.max.toFixed(digits)})`;
}
