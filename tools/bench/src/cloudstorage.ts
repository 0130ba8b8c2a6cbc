/**
 * Cloud storage through the plugin, side by side with the same work done by hand:
 *  - s3: 1 KiB put+get per second and 8 / 64 MiB put+get MB/s, `yield* uploadObject()` +
 *    `downloadObject()` vs `S3Client.send(Put/GetObjectCommand)` against one s3rver. s3rver runs in a
 *    child process, so the CPU time of this process is the client's alone; the server's CPU and wall
 *    time are reported next to it.
 *  - directory: the directory backend vs two floors: bare `fs` (writeFile + readFile of the one file)
 *    and `fs` doing what the backend guarantees (MD5 ETag, data written to a temp file and renamed,
 *    the old metadata read for the preconditions and to remove a replaced data file, a JSON
 *    metadata file written to a temp file and renamed; get reads the metadata, then the data).
 *
 * Equal work: both sides put the same Buffer with the same client config (checksums only when
 * required), the same Content-Type, empty user metadata, an abort signal and the length; both get
 * the whole body into memory; every result is checked (bytes equal, ETag = MD5 of the body).
 * Rates are per CPU second of this process (process.cpuUsage); the case order rotates each round;
 * ratios are taken within each round and reported as median and spread (min–max).
 *
 *   npm run bench:cloudstorage -w tools/bench
 *   (BENCH_HUGE=0 skips the 64 MiB rows; BENCH_ONLY=s3 or BENCH_ONLY=directory runs one half)
 */
import { fork } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { mkdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { createRuntime } from '@switchyard/runtime';
import { streamPlugin } from '@switchyard/plugin-stream';
import { cloudStoragePlugin, downloadObject, uploadObject } from '@switchyard/plugin-cloudstorage';
import { gc, isMain, median, table } from './util.js';

const ROUNDS = 5;
const body = (n: number) => {
  const b = randomBytes(n);
  return { b, etag: `"${createHash('md5').update(b).digest('hex')}"` };
};
const SMALL = body(1024);
const LARGE = body(8 * 1024 * 1024);
const HUGE = body(process.env.BENCH_HUGE === '0' ? 0 : 64 * 1024 * 1024);

interface Case {
  readonly name: string;
  /** Runs `n` put+get pairs and checks every result (throws on a wrong one). */
  readonly run: (n: number) => Promise<void>;
}

interface Sample {
  readonly cpu: number;
  readonly wall: number;
  readonly server: number;
}

const cpuSeconds = (u: NodeJS.CpuUsage) => (u.user + u.system) / 1e6;

function check(got: Uint8Array, etag: string, want: { b: Buffer; etag: string }, where: string): void {
  if (etag !== want.etag) throw new Error(`${where}: ETag ${etag}, want ${want.etag}`);
  if (got.byteLength !== want.b.byteLength || Buffer.compare(Buffer.from(got.buffer, got.byteOffset, got.byteLength), want.b) !== 0) {
    throw new Error(`${where}: wrong body (${got.byteLength} bytes)`);
  }
}

const fmt = (x: number) => (x >= 1e4 ? `${(x / 1e3).toFixed(1)} k` : x >= 100 ? x.toFixed(0) : x.toFixed(1));

/** Per-round rates per CPU second of this process and per wall second; one warm-up pass; order rotated. */
async function rounds(cases: readonly Case[], n: number, serverCpu: () => Promise<number>): Promise<Map<string, Sample[]>> {
  for (const c of cases) await c.run(Math.max(1, Math.ceil(n / 4)));
  const out = new Map<string, Sample[]>(cases.map((c) => [c.name, []]));
  for (let r = 0; r < ROUNDS; r++) {
    for (let k = 0; k < cases.length; k++) {
      const c = cases[(k + r) % cases.length]!;
      gc();
      const s0 = await serverCpu();
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      await c.run(n);
      const wall = (performance.now() - t0) / 1000;
      const cpu = cpuSeconds(process.cpuUsage(c0));
      const server = (await serverCpu()) - s0;
      out.get(c.name)!.push({ cpu: n / cpu, wall: n / wall, server: server / n });
    }
  }
  return out;
}

/** One row per case: CPU rate, CPU ratio against each base, wall rate, wall ratio against the first base, server CPU. */
function rows(label: string, r: Map<string, Sample[]>, bases: readonly string[], unit: string, scale: number, withServer: boolean): string[][] {
  const ratio = (xs: Sample[], base: string, f: (s: Sample) => number) => {
    if (!r.has(base)) return '–';
    const b = r.get(base)!;
    const q = xs.map((x, i) => f(x) / f(b[i]!));
    return `${median(q).toFixed(2)} (${Math.min(...q).toFixed(2)}–${Math.max(...q).toFixed(2)})`;
  };
  return [...r].map(([name, xs]) => [
    `${label}, ${name}`,
    `${fmt(median(xs.map((x) => x.cpu)) * scale)} ${unit}`,
    ...bases.map((b) => (name === b ? '1.00' : ratio(xs, b, (s) => s.cpu))),
    `${fmt(median(xs.map((x) => x.wall)) * scale)} ${unit}`,
    name === bases[0] ? '1.00' : ratio(xs, bases[0]!, (s) => s.wall),
    ...(withServer ? [`${(median(xs.map((x) => x.server)) * 1000).toFixed(2)} ms`] : []),
  ]);
}

export async function runCloudStorageBench(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'sy-bench-cloud-'));
  const child = fork(new URL('./s3rver-child.mjs', import.meta.url), [join(dir, 's3rver'), 'bench'], { execArgv: ['--openssl-legacy-provider'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const [first] = (await once(child, 'message')) as [{ port: number }];
  const serverCpu = async () => {
    child.send('cpu');
    const [m] = (await once(child, 'message')) as [{ cpu: NodeJS.CpuUsage }];
    return cpuSeconds(m.cpu);
  };
  const endpoint = `http://127.0.0.1:${first.port}`;
  const credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
  // The plugin's `compatible: true` client config.
  const raw = new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials, requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' });
  const root = join(dir, 'objects');
  const plain = join(dir, 'plain');
  const same = join(dir, 'same');
  await mkdir(plain, { recursive: true });
  await mkdir(same, { recursive: true });
  const rt = createRuntime({
    plugins: [
      streamPlugin(),
      cloudStoragePlugin({
        storages: {
          s3: { type: 's3', bucket: 'bench', endpoint, region: 'us-east-1', forcePathStyle: true, compatible: true, credentials },
          files: { type: 'directory', root },
        },
      }),
    ],
  });
  await rt.start();
  try {
    const plugin = (storage: string, w: { b: Buffer; etag: string }): Case['run'] => (n) =>
      rt.run(function* () {
        for (let i = 0; i < n; i++) {
          const put = yield* uploadObject(storage, `k${i % 16}`, w.b);
          const { data, info } = yield* downloadObject(storage, `k${i % 16}`, { maxBytes: w.b.length });
          if (put.etag !== info.etag) throw new Error(`plugin ${storage}: put ETag ${put.etag}, get ETag ${info.etag}`);
          check(data, info.etag, w, `plugin ${storage}`);
        }
      });
    const rawS3 = (w: { b: Buffer; etag: string }): Case['run'] => async (n) => {
      const ac = new AbortController();
      for (let i = 0; i < n; i++) {
        const key = `raw${i % 16}`;
        const put = await raw.send(
          new PutObjectCommand({ Bucket: 'bench', Key: key, Body: w.b, ContentLength: w.b.length, ContentType: 'application/octet-stream', Metadata: {} }),
          { abortSignal: ac.signal },
        );
        const out = await raw.send(new GetObjectCommand({ Bucket: 'bench', Key: key }), { abortSignal: ac.signal });
        if (put.ETag !== out.ETag) throw new Error(`raw s3: put ETag ${put.ETag}, get ETag ${out.ETag}`);
        const got = await out.Body!.transformToByteArray();
        if (got.length !== w.b.length) console.error("DBG", i, out.ContentLength, out.$metadata, got.length);
        check(got, out.ETag ?? "", w, "raw s3");
      }
    };
    const fsBare = (w: { b: Buffer; etag: string }): Case['run'] => async (n) => {
      for (let i = 0; i < n; i++) {
        const p = join(plain, `k${i % 16}`);
        await writeFile(p, w.b);
        check(await readFile(p), w.etag, w, 'fs bare');
      }
    };
    // What the directory backend guarantees, done by hand: the floor of its on-disk format.
    const fsSame = (w: { b: Buffer; etag: string }): Case['run'] => async (n) => {
      for (let i = 0; i < n; i++) {
        const base = join(same, `k${i % 16}`);
        const md5 = createHash('md5').update(w.b).digest('hex');
        const temp = `${base}!t${randomBytes(8).toString('hex')}`;
        await writeFile(temp, w.b, { flag: 'wx' });
        const old = await readFile(`${base}!m`, 'utf8').then((s) => JSON.parse(s) as { md5: string }, () => null);
        await rename(temp, `${base}!d${md5}`);
        const meta = { v: 1, size: w.b.length, md5, etag: `"${md5}"`, lastModified: Date.now(), contentType: 'application/octet-stream', metadata: {} };
        const metaTemp = `${base}!t${randomBytes(8).toString('hex')}`;
        await writeFile(metaTemp, JSON.stringify(meta), { flag: 'wx' });
        await rename(metaTemp, `${base}!m`);
        if (old !== null && old.md5 !== md5) await unlink(`${base}!d${old.md5}`);
        const m = JSON.parse(await readFile(`${base}!m`, 'utf8')) as { md5: string; etag: string };
        check(await readFile(`${base}!d${m.md5}`), m.etag, w, 'fs same');
      }
    };
    const none = async () => 0;
    const s3 = (w: { b: Buffer; etag: string }, n: number) => rounds([{ name: 'plugin', run: plugin('s3', w) }, { name: 'raw S3Client', run: rawS3(w) }], n, serverCpu);
    const files = (w: { b: Buffer; etag: string }, n: number) =>
      rounds([{ name: 'plugin → directory', run: plugin('files', w) }, { name: 'fs same guarantees', run: fsSame(w) }, { name: 'fs bare', run: fsBare(w) }], n, none);
    const MiB = (w: { b: Buffer }) => w.b.length / (1024 * 1024);
    const only = process.env.BENCH_ONLY; // 's3' or 'directory' for a partial run while profiling
    const s3Rows: string[][] = [];
    if (only !== 'directory') s3Rows.push(...rows('1 KiB', await s3(SMALL, 40), ['raw S3Client'], 'put+get/s', 1, true));
    if (only !== 'directory') s3Rows.push(...rows('8 MiB', await s3(LARGE, 6), ['raw S3Client'], 'MB/s', MiB(LARGE), true));
    if (only !== 'directory' && HUGE.b.length > 0) s3Rows.push(...rows('64 MiB', await s3(HUGE, 2), ['raw S3Client'], 'MB/s', MiB(HUGE), true));
    const dirRows: string[][] = [];
    const bases = ['fs same guarantees', 'fs bare'];
    if (only !== 's3') dirRows.push(...rows('1 KiB', await files(SMALL, 300), bases, 'put+get/s', 1, false));
    if (only !== 's3') dirRows.push(...rows('8 MiB', await files(LARGE, 6), bases, 'MB/s', MiB(LARGE), false));
    if (only !== 's3' && HUGE.b.length > 0) dirRows.push(...rows('64 MiB', await files(HUGE, 1), bases, 'MB/s', MiB(HUGE), false));
    return [
      'S3 (s3rver in a child process): put + get per CPU second of the bench process (the client), per wall second, and the server\'s CPU per put + get.',
      '',
      table(['case', 'client CPU rate', 'vs raw (median, min–max)', 'wall rate', 'wall vs raw', 's3rver CPU / op'], s3Rows),
      '',
      'Directory backend: put + get per CPU second, against fs doing the same guarantees and against bare fs.',
      '',
      table(['case', 'CPU rate', 'vs fs same guarantees', 'vs fs bare', 'wall rate', 'wall vs fs same'], dirRows),
    ].join('\n');
  } finally {
    await rt.stop();
    raw.destroy();
    child.send('close');
    await once(child, 'exit');
    rmSync(dir, { recursive: true, force: true });
  }
}

if (isMain(import.meta.url)) console.log(await runCloudStorageBench());
