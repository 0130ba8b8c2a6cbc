import { readdirSync, rmSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { PassThrough } from 'node:stream';
import { receive } from '@switchyard/runtime';
import { adoptStream, type StreamHandle } from '@switchyard/plugin-stream';
import { describe, expect, it } from 'vitest';
import { cloudStoragePlugin, downloadObject, headObject, listObjects, uploadObject } from '../src/index.js';
import { attempt, run, storageSuite } from './suite.js';
import { pause, withDirectory } from './harness.js';

storageSuite('directory', () => withDirectory(), { conditionals: true });

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...filesUnder(p));
    else out.push(p);
  }
  return out;
}

describe('directory backend', () => {
  it('leaves no object and no temp file when the uploading process is terminated mid-upload', async () => {
    await using h = await withDirectory();
    const feed = new PassThrough();
    const pid = h.rt.spawn(function* () {
      const { payload } = yield* receive<StreamHandle>({ topic: 'body' });
      return yield* uploadObject('files', 'half/done.bin', payload);
    });
    const exit = h.rt.wait(pid);
    h.rt.send(pid, 'body', adoptStream(h.resources, pid, feed, { name: 'slow body' }));
    feed.write(Buffer.alloc(1024 * 1024, 1));
    // Wait until the first MiB is on disk in the temp file.
    while (!filesUnder(h.root).some((f) => f.includes('!t') && statSync(f).size > 0)) await pause(5);
    h.rt.terminate(pid);
    expect(await exit).toEqual({ kind: 'terminated' });
    await pause(20);
    expect(await run(h, headObject('files', 'half/done.bin'))).toBeNull();
    expect((await run(h, listObjects('files'))).objects).toEqual([]);
    expect(filesUnder(h.root)).toEqual([]);
    expect(h.resources.count()).toBe(0);
  });

  it('keeps every key inside the root, with the exact key back from listing, however odd its characters', async () => {
    await using h = await withDirectory();
    const keys = ['a//b', 'folder/', 'folder', 'ünï cødé/x y!.txt', '%2e%2e/literal', '...', 'a/b/c/d/e', "q'(*)~!"];
    await h.rt.run(function* () {
      for (const k of keys) yield* uploadObject('files', k, `body of ${k}`);
    });
    const listed = (await run(h, listObjects('files'))).objects.map((o) => o.key);
    expect(listed).toEqual([...keys].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b))));
    for (const f of filesUnder(h.root)) expect(relative(h.root, f).split(sep)[0]).not.toBe('..');
    for (const k of keys) expect(Buffer.from((await run(h, downloadObject('files', k))).data).toString()).toBe(`body of ${k}`);
    expect((await run(h, listObjects('files', { prefix: 'folder' }))).objects.map((o) => o.key)).toEqual(['folder', 'folder/']);
    expect((await run(h, listObjects('files', { prefix: 'a/' }))).objects.map((o) => o.key)).toEqual(['a//b', 'a/b/c/d/e']);
  });

  it('writes into a key directory again after it was removed behind its back (bytes and stream bodies)', async () => {
    await using h = await withDirectory();
    await run(h, uploadObject('files', 'sub/dir/one.txt', 'one'));
    rmSync(join(h.root, 'sub'), { recursive: true, force: true });
    expect(await run(h, headObject('files', 'sub/dir/one.txt'))).toBeNull();
    const put = await run(h, uploadObject('files', 'sub/dir/two.txt', 'two'));
    expect(Buffer.from((await run(h, downloadObject('files', 'sub/dir/two.txt'))).data).toString()).toBe('two');
    rmSync(join(h.root, 'sub'), { recursive: true, force: true });
    const feed = new PassThrough();
    feed.end('three');
    const pid = h.rt.spawn(function* () {
      const { payload } = yield* receive<StreamHandle>({ topic: 'body' });
      return yield* uploadObject('files', 'sub/dir/two.txt', payload);
    });
    const exit = h.rt.wait(pid);
    h.rt.send(pid, 'body', adoptStream(h.resources, pid, feed, { name: 'three' }));
    expect(await exit).toMatchObject({ kind: 'normal', value: { key: 'sub/dir/two.txt', size: 5 } });
    const got = await run(h, downloadObject('files', 'sub/dir/two.txt'));
    expect(Buffer.from(got.data).toString()).toBe('three');
    expect(got.info.etag).not.toBe(put.etag);
    expect(h.resources.count()).toBe(0);
  });

  it('keeps large user metadata whole (a metadata file over one first read)', async () => {
    await using h = await withDirectory();
    const metadata = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`field-${i}`, `${i}:`.padEnd(1000, String.fromCharCode(97 + (i % 26)))]));
    const put = await run(h, uploadObject('files', 'meta/big', 'body', { metadata, contentType: 'text/plain' }));
    const head = await run(h, headObject('files', 'meta/big'));
    expect(head).toMatchObject({ key: 'meta/big', size: 4, etag: put.etag, contentType: 'text/plain', metadata });
    const got = await run(h, downloadObject('files', 'meta/big'));
    expect(got.info.metadata).toEqual(metadata);
    expect(Buffer.from(got.data).toString()).toBe('body');
    expect((await run(h, listObjects('files', { prefix: 'meta/' }))).objects).toEqual([{ key: 'meta/big', size: 4, etag: put.etag, lastModified: head!.lastModified }]);
  });

  it('lets exactly one of many concurrent If-None-Match: * uploads of one key win', async () => {
    await using h = await withDirectory();
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) => attempt(h, () => uploadObject('files', 'once', `writer ${i}`, { ifNoneMatch: '*' }))),
    );
    const won = results.filter((r) => 'etag' in (r as object));
    expect(won).toHaveLength(1);
    expect(results.filter((r) => (r as { code?: string }).code === 'PRECONDITION_FAILED')).toHaveLength(7);
    const body = Buffer.from((await run(h, downloadObject('files', 'once'))).data).toString();
    expect(body).toMatch(/^writer \d$/);
  });

  it('readers see the whole old or the whole new body while a key is overwritten', async () => {
    await using h = await withDirectory();
    const a = 'a'.repeat(200_000);
    const b = 'b'.repeat(300_000);
    await run(h, uploadObject('files', 'flip', a));
    const seen = new Set<string>();
    await Promise.all([
      h.rt.run(function* () {
        for (let i = 0; i < 20; i++) yield* uploadObject('files', 'flip', i % 2 ? a : b);
      }),
      h.rt.run(function* () {
        for (let i = 0; i < 40; i++) {
          const { data, info } = yield* downloadObject('files', 'flip');
          seen.add(`${Buffer.from(data).toString() === (info.size === a.length ? a : b)}`);
        }
      }),
    ]);
    expect([...seen]).toEqual(['true']);
  });

  it('refuses bad options naming them', () => {
    expect(() => cloudStoragePlugin({ storages: { x: { type: 'directory', root: '' } } })).toThrow(/root/);
    expect(() => cloudStoragePlugin({ storages: { x: { type: 'ftp' } as never } })).toThrow(/"directory"/);
    expect(() => cloudStoragePlugin({ storage: {} } as never)).toThrow(/storage/);
  });
});
