import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { httpPlugin, serverAddress } from '@switchyard/plugin-http';
import { describe, expect, it } from 'vitest';
import { downloadObject, headObject, presignedGetURL, presignedPutURL, presignedRoute, uploadObject } from '../src/index.js';
import { attempt, run } from './suite.js';
import { withDirectory, withStorage } from './harness.js';

const SECRET = 'a-test-secret-of-at-least-32-characters!';

async function withPresign() {
  const root = mkdtempSync(join(tmpdir(), 'sy-cloud-presign-'));
  let base = '';
  const h = await withStorage(
    { storages: { files: { type: 'directory', root } }, presign: { secret: SECRET, baseUrl: () => base } },
    'files',
    [httpPlugin({ server: { port: 0, host: '127.0.0.1', routes: [presignedRoute({ secret: SECRET })] } })],
    () => rmSync(root, { recursive: true, force: true }),
  );
  base = (await run(h, serverAddress())).url;
  return h;
}

describe('presigned URLs of directory storages', () => {
  it('serves GET and PUT to a plain HTTP client, and refuses tampered or mismatching requests', async () => {
    await using h = await withPresign();
    const s = h.storage;
    const { get, put } = await h.rt.run(function* () {
      yield* uploadObject(s, 'pub/hello world.txt', 'presigned hello', { contentType: 'text/plain' });
      const get = yield* presignedGetURL(s, 'pub/hello world.txt');
      const put = yield* presignedPutURL(s, 'up/new.txt', { contentType: 'text/plain', contentLength: 7, expiresIn: 60 });
      return { get, put };
    });
    const g = await fetch(get);
    expect(g.status).toBe(200);
    expect(g.headers.get('content-type')).toBe('text/plain');
    expect(await g.text()).toBe('presigned hello');
    expect(Number(new URL(get).searchParams.get('expires')) - Date.now() / 1000).toBeGreaterThan(850);

    expect((await fetch(get.replace('hello%20world', 'hello%20worle'))).status).toBe(403);
    expect((await fetch(get.replace(/signature=[^&]+/, 'signature=AAAA'))).status).toBe(403);
    expect((await fetch(get, { method: 'PUT', body: 'overwrite' })).status).toBe(403);
    expect((await fetch(put, { method: 'PUT', body: 'wrong', headers: { 'content-type': 'text/html' } })).status).toBe(403);
    expect(await run(h, headObject(s, 'up/new.txt'))).toBeNull();

    const p = await fetch(put, { method: 'PUT', body: 'via PUT', headers: { 'content-type': 'text/plain' } });
    expect(p.status).toBe(200);
    const back = await run(h, downloadObject(s, 'up/new.txt'));
    expect(Buffer.from(back.data).toString()).toBe('via PUT');
    expect(back.info.contentType).toBe('text/plain');

    await run(h, uploadObject(s, 'gone.txt', 'x'));
    const gone = await run(h, presignedGetURL(s, 'missing.txt'));
    expect((await fetch(gone)).status).toBe(404);
    expect(h.resources.count('stream')).toBe(0);
  });

  it('fails with STORAGE_NO_PRESIGN when presigning is not configured', async () => {
    await using h = await withDirectory();
    expect(await attempt(h, () => presignedGetURL(h.storage, 'k'))).toMatchObject({ code: 'STORAGE_NO_PRESIGN' });
  });
});
