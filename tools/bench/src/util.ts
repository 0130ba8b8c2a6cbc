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
