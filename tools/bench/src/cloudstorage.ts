/**
 * Cloud storage through the plugin, side by side with the raw clients:
 *  - s3: small-object put+get per second and large-object MB/s, `yield* uploadObject()` /
 *    `downloadObject()` vs `S3Client.send(Put/GetObjectCommand)`, both against one s3rver in this process;
 *  - directory: the same through the directory backend vs `fs.writeFile` + `fs.readFile`
 *    (small) and `fs.copyFile` + `fs.readFile` (large).
 *
 * Rates are per CPU second of this process (process.cpuUsage): s3rver runs in this process too, so
 * its cost is in both sides alike. The case order rotates each round; ratios are taken within each
 * round and reported as median and spread (min–max). Every result is checked.
 *
 *   node --expose-gc --openssl-legacy-provider --conditions=@switchyard/source --import tsx tools/bench/src/cloudstorage.ts
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';
import { createRuntime } from '@switchyard/runtime';
import { streamPlugin } from '@switchyard/plugin-stream';
import { cloudStoragePlugin, downloadObject, uploadObject } from '@switchyard/plugin-cloudstorage';
import { gc, isMain, median, table } from './util.js';

const ROUNDS = 5;
const SMALL = Buffer.alloc(1024, 7);
const LARGE = Buffer.alloc(8 * 1024 * 1024, 9);

interface Case {
  readonly name: string;
  /** Runs `n` operations and checks every result (throws on a wrong one). */
  readonly run: (n: number) => Promise<void>;
}

function cpuSeconds(since: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(since);
  return (d.user + d.system) / 1e6;
}

/** Per-round rates per CPU second, one warm-up pass, case order rotated each round. */
async function rounds(cases: readonly Case[], n: number): Promise<Map<string, number[]>> {
  for (const c of cases) await c.run(Math.ceil(n / 4));
  const cpu = new Map<string, number[]>(cases.map((c) => [c.name, []]));
  for (let r = 0; r < ROUNDS; r++) {
    for (let k = 0; k < cases.length; k++) {
      const c = cases[(k + r) % cases.length]!;
      gc();
      const c0 = process.cpuUsage();
      await c.run(n);
      cpu.get(c.name)!.push(n / cpuSeconds(c0));
    }
  }
  return cpu;
}

const fmt = (x: number) => (x >= 1e4 ? `${(x / 1e3).toFixed(1)} k` : x >= 100 ? x.toFixed(0) : x.toFixed(1));

function rows(r: Map<string, number[]>, base: string, unit: string, scale = 1): string[][] {
  const b = r.get(base)!;
  return [...r].map(([name, xs]) => {
    const ratios = xs.map((x, i) => x / b[i]!);
    const spread = name === base ? '1.00' : `${median(ratios).toFixed(2)} (${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)})`;
    return [name, `${fmt(median(xs) * scale)} ${unit}`, spread];
  });
}

function check(got: Uint8Array, want: Buffer, where: string): void {
  if (got.byteLength !== want.byteLength || Buffer.compare(Buffer.from(got.buffer, got.byteOffset, got.byteLength), want) !== 0) {
    throw new Error(`${where}: wrong body (${got.byteLength} bytes)`);
  }
}

export async function runCloudStorageBench(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'sy-bench-cloud-'));
  const server = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory: join(dir, 's3rver'), configureBuckets: [{ name: 'bench' }] });
  const { port } = await server.run();
  const endpoint = `http://127.0.0.1:${port}`;
  const credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
  const raw = new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials, requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' });
  const root = join(dir, 'objects');
  const plain = join(dir, 'plain');
  await mkdir(plain, { recursive: true });
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
  const src = join(dir, 'large.src');
  await writeFile(src, LARGE);
  try {
    const plugin = (storage: string, body: Buffer): Case['run'] => (n) =>
      rt.run(function* () {
        for (let i = 0; i < n; i++) {
          yield* uploadObject(storage, `k${i % 16}`, body);
          const { data } = yield* downloadObject(storage, `k${i % 16}`, { maxBytes: body.length });
          check(data, body, `plugin ${storage}`);
        }
      });
    const rawS3 = (body: Buffer): Case['run'] => async (n) => {
      for (let i = 0; i < n; i++) {
        await raw.send(new PutObjectCommand({ Bucket: 'bench', Key: `raw${i % 16}`, Body: body, ContentLength: body.length }));
        const out = await raw.send(new GetObjectCommand({ Bucket: 'bench', Key: `raw${i % 16}` }));
        check(await out.Body!.transformToByteArray(), body, 'raw s3');
      }
    };
    const fsSmall: Case['run'] = async (n) => {
      for (let i = 0; i < n; i++) {
        await writeFile(join(plain, `k${i % 16}`), SMALL);
        check(await readFile(join(plain, `k${i % 16}`)), SMALL, 'fs');
      }
    };
    const fsLarge: Case['run'] = async (n) => {
      for (let i = 0; i < n; i++) {
        await copyFile(src, join(plain, `big${i % 4}`));
        check(await readFile(join(plain, `big${i % 4}`)), LARGE, 'fs copy');
      }
    };
    const mb = LARGE.length / (1024 * 1024);
    const smallS3 = await rounds([{ name: 'plugin → s3rver', run: plugin('s3', SMALL) }, { name: 'raw S3Client → s3rver', run: rawS3(SMALL) }], 40);
    const largeS3 = await rounds([{ name: 'plugin → s3rver', run: plugin('s3', LARGE) }, { name: 'raw S3Client → s3rver', run: rawS3(LARGE) }], 2);
    const smallDir = await rounds([{ name: 'plugin → directory', run: plugin('files', SMALL) }, { name: 'fs writeFile + readFile', run: fsSmall }], 200);
    const largeDir = await rounds([{ name: 'plugin → directory', run: plugin('files', LARGE) }, { name: 'fs copyFile + readFile', run: fsLarge }], 4);
    return [
      'Small objects (1 KiB), put + get per CPU second:',
      '',
      table(['case', 'put+get / CPU s', 'vs base (median, min–max)'], [...rows(smallS3, 'raw S3Client → s3rver', '/s'), ...rows(smallDir, 'fs writeFile + readFile', '/s')]),
      '',
      `Large objects (${mb} MiB), put + get, MB per CPU second:`,
      '',
      table(['case', 'MB / CPU s', 'vs base (median, min–max)'], [...rows(largeS3, 'raw S3Client → s3rver', 'MB/s', mb), ...rows(largeDir, 'fs copyFile + readFile', 'MB/s', mb)]),
    ].join('\n');
  } finally {
    await rt.stop();
    raw.destroy();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (isMain(import.meta.url)) console.log(await runCloudStorageBench());
