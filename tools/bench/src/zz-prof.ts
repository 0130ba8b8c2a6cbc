import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRuntime } from '@switchyard/runtime';
import { streamPlugin } from '@switchyard/plugin-stream';
import { cloudStoragePlugin, downloadObject, uploadObject } from '@switchyard/plugin-cloudstorage';
const dir = mkdtempSync(join(tmpdir(), 'sy-prof-'));
const rt = createRuntime({ plugins: [streamPlugin(), cloudStoragePlugin({ storages: { files: { type: 'directory', root: dir } } })] });
await rt.start();
const size = Number(process.env.SIZE ?? 1024), n = Number(process.env.N ?? 2000);
const b = Buffer.alloc(size, 5);
const c0 = process.cpuUsage(); const t0 = performance.now();
await rt.run(function* () {
  for (let i = 0; i < n; i++) {
    yield* uploadObject('files', `k${i % 16}`, b);
    const { data } = yield* downloadObject('files', `k${i % 16}`, { maxBytes: size });
    if (data.length !== size) throw new Error('x');
  }
});
const c = process.cpuUsage(c0);
console.log('cpu ms/op', ((c.user + c.system) / 1000 / n).toFixed(3), 'user', (c.user/1000/n).toFixed(3), 'sys', (c.system/1000/n).toFixed(3), 'wall ms/op', ((performance.now() - t0) / n).toFixed(3));
await rt.stop(); rmSync(dir, { recursive: true, force: true });
