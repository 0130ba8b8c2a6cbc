import { fork } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { createRuntime } from '@switchyard/runtime';
import { streamPlugin } from '@switchyard/plugin-stream';
import { cloudStoragePlugin, downloadObject, uploadObject } from '@switchyard/plugin-cloudstorage';
const dir = mkdtempSync(join(tmpdir(), 'sy-prof-'));
const child = fork(new URL('./s3rver-child.mjs', import.meta.url), [join(dir, 's3rver'), 'bench'], { execArgv: ['--openssl-legacy-provider'] });
const [m] = (await once(child, 'message')) as [{ port: number }];
const endpoint = `http://127.0.0.1:${m.port}`;
const credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
const raw = new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials, requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' });
const rt = createRuntime({ plugins: [streamPlugin(), cloudStoragePlugin({ storages: { s3: { type: 's3', bucket: 'bench', endpoint, region: 'us-east-1', forcePathStyle: true, compatible: true, credentials } } })] });
await rt.start();
const size = Number(process.env.SIZE ?? 1024), n = Number(process.env.N ?? 200);
const b = Buffer.alloc(size, 5);
const plugin = (n: number) => rt.run(function* () {
  for (let i = 0; i < n; i++) {
    yield* uploadObject('s3', `k${i % 16}`, b);
    const { data } = yield* downloadObject('s3', `k${i % 16}`, { maxBytes: size });
    if (data.length !== size) throw new Error('x');
  }
});
const rawRun = async (n: number) => {
  const ac = new AbortController();
  for (let i = 0; i < n; i++) {
    await raw.send(new PutObjectCommand({ Bucket: 'bench', Key: `r${i % 16}`, Body: b, ContentLength: b.length, ContentType: 'application/octet-stream', Metadata: {} }), { abortSignal: ac.signal });
    const out = await raw.send(new GetObjectCommand({ Bucket: 'bench', Key: `r${i % 16}` }), { abortSignal: ac.signal });
    if ((await out.Body!.transformToByteArray()).length !== size) throw new Error('y');
  }
};
const f = process.env.MODE === 'raw' ? rawRun : plugin;
await f(Math.ceil(n / 4));
const c0 = process.cpuUsage(); const t0 = performance.now();
await f(n);
const c = process.cpuUsage(c0);
console.log(process.env.MODE ?? 'plugin', 'cpu ms/op', ((c.user + c.system) / 1000 / n).toFixed(3), 'user', (c.user/1000/n).toFixed(3), 'sys', (c.system/1000/n).toFixed(3), 'wall ms/op', ((performance.now() - t0) / n).toFixed(3));
await rt.stop(); raw.destroy(); child.send('close'); await once(child, 'exit'); rmSync(dir, { recursive: true, force: true });
