import { createHash } from 'node:crypto';
import { PassThrough, Readable } from 'node:stream';
import { receive } from '@switchyard/runtime';
import type { Command } from '@switchyard/dispatcher';
import { adoptStream, readAll, type StreamHandle } from '@switchyard/plugin-stream';
import { describe, expect, it } from 'vitest';
import { deleteObjects, downloadObject, downloadStream, headObject, listObjects, uploadObject, type ObjectSummary } from '../src/index.js';
import { outcome, type Harness } from './harness.js';

const text = (b: Uint8Array) => Buffer.from(b).toString('utf8');
const md5 = (b: Uint8Array | string) => `"${createHash('md5').update(b).digest('hex')}"`;

type Yieldable<T> = { [Symbol.iterator](): Iterator<Command, T, unknown> };

/** Runs one command (or helper) in a fresh process and resolves to its result. */
export function run<T>(h: Harness, cmd: Yieldable<T>): Promise<T> {
  return h.rt.run(function* () {
    return (yield* cmd) as T;
  });
}

/** Runs `body` in a process; resolves to its result or `{ code, message }` of what it threw. */
export function attempt<T>(h: Harness, body: () => Yieldable<T>): Promise<T | { code: string; message: string }> {
  return h.rt.run(function* () {
    try {
      return yield* body();
    } catch (e) {
      return outcome(e);
    }
  });
}

export interface SuiteOptions {
  /** The backend enforces If-Match / If-None-Match (s3rver ignores them). */
  readonly conditionals: boolean;
}

/** Behaviour both backends must share: run once per backend with the same assertions. */
export function storageSuite(label: string, make: () => Promise<Harness>, opts: SuiteOptions): void {
  describe(`${label}: shared storage behaviour`, () => {
    it('uploads bytes and strings, heads with lower-cased metadata, downloads the same bytes', async () => {
      await using h = await make();
      const s = h.storage;
      const r = await h.rt.run(function* () {
        const up = yield* uploadObject(s, 'docs/hello.txt', 'hello world', {
          contentType: 'text/plain',
          cacheControl: 'max-age=60',
          contentDisposition: 'attachment; filename="hello.txt"',
          contentEncoding: 'identity',
          metadata: { Owner: 'ada', 'x-Trace': '42' },
        });
        const bin = yield* uploadObject(s, 'docs/bin', new Uint8Array([0, 1, 2, 255]));
        const info = yield* headObject(s, 'docs/hello.txt');
        const got = yield* downloadObject(s, 'docs/hello.txt');
        const gotBin = yield* downloadObject(s, 'docs/bin');
        return { up, bin, info, got, gotBin };
      });
      expect(r.up).toEqual({ key: 'docs/hello.txt', etag: md5('hello world'), size: 11 });
      expect(r.info).toMatchObject({
        key: 'docs/hello.txt',
        size: 11,
        etag: md5('hello world'),
        contentType: 'text/plain',
        cacheControl: 'max-age=60',
        contentDisposition: 'attachment; filename="hello.txt"',
        contentEncoding: 'identity',
        metadata: { owner: 'ada', 'x-trace': '42' },
      });
      expect(Math.abs(r.info!.lastModified - Date.now())).toBeLessThan(60_000);
      expect(text(r.got.data)).toBe('hello world');
      expect(r.got.data.constructor).toBe(Uint8Array);
      expect([...r.gotBin.data]).toEqual([0, 1, 2, 255]);
      expect(r.gotBin.info.contentType).toBe('application/octet-stream');
      expect(r.bin.etag).toBe(md5(new Uint8Array([0, 1, 2, 255])));
    });

    it('stores and returns an empty object, as bytes and as a stream', async () => {
      await using h = await make();
      const s = h.storage;
      const r = await h.rt.run(function* () {
        const up = yield* uploadObject(s, 'empty', new Uint8Array(0));
        const bytes = yield* downloadObject(s, 'empty');
        const { stream, info } = yield* downloadStream(s, 'empty');
        const streamed = yield* readAll(stream);
        return { up, bytes: bytes.data.length, streamed: streamed.length, size: info.size };
      });
      expect(r).toEqual({ up: { key: 'empty', etag: md5(''), size: 0 }, bytes: 0, streamed: 0, size: 0 });
    });

    it('heads a missing key as null and fails its download with NOT_FOUND naming the key', async () => {
      await using h = await make();
      const s = h.storage;
      expect(await attempt(h, () => headObject(s, 'nope/missing.bin'))).toBeNull();
      const e = await attempt(h, () => downloadObject(s, 'nope/missing.bin'));
      expect(e).toMatchObject({ code: 'NOT_FOUND' });
      expect((e as { message: string }).message).toContain('nope/missing.bin');
      const e2 = await attempt(h, () => downloadStream(s, 'nope/missing.bin'));
      expect(e2).toMatchObject({ code: 'NOT_FOUND' });
      expect(h.resources.count('stream')).toBe(0);
    });

    it('downloads a range as bytes and as a stream, and enforces maxBytes', async () => {
      await using h = await make();
      const s = h.storage;
      const body = Buffer.from('0123456789abcdefghij');
      const r = await h.rt.run(function* () {
        yield* uploadObject(s, 'r.txt', body);
        const mid = yield* downloadObject(s, 'r.txt', { range: { offset: 5, length: 4 } });
        const tail = yield* downloadObject(s, 'r.txt', { range: { offset: 16 } });
        const over = yield* downloadObject(s, 'r.txt', { range: { offset: 18, length: 100 } });
        const { stream, info } = yield* downloadStream(s, 'r.txt', { range: { offset: 10, length: 5 } });
        const streamed = yield* readAll(stream);
        return { mid: text(mid.data), tail: text(tail.data), over: text(over.data), streamed: text(streamed), size: info.size };
      });
      expect(r).toEqual({ mid: '5678', tail: 'ghij', over: 'ij', streamed: 'abcde', size: 20 });
      expect(await attempt(h, () => downloadObject(s, 'r.txt', { maxBytes: 19 }))).toMatchObject({ code: 'STORAGE_TOO_LARGE' });
      expect(text((await run(h, downloadObject(s, 'r.txt', { maxBytes: 20 }))).data)).toBe(body.toString());
      expect(h.resources.count('stream')).toBe(0);
    });

    if (opts.conditionals) it('fails a download whose If-Match differs with PRECONDITION_FAILED, and If-None-Match of the current ETag with NOT_MODIFIED', async () => {
      await using h = await make();
      const s = h.storage;
      const { etag } = await run(h, uploadObject(s, 'c.txt', 'v1'));
      expect(await attempt(h, () => downloadObject(s, 'c.txt', { ifMatch: '"0123456789abcdef0123456789abcdef"' }))).toMatchObject({ code: 'PRECONDITION_FAILED' });
      expect(text((await run(h, downloadObject(s, 'c.txt', { ifMatch: etag }))).data)).toBe('v1');
      expect(await attempt(h, () => downloadObject(s, 'c.txt', { ifNoneMatch: etag }))).toMatchObject({ code: 'NOT_MODIFIED' });
    });

    if (opts.conditionals) {
      it('refuses If-None-Match: * over an existing key and a stale If-Match with PRECONDITION_FAILED, keeping the object', async () => {
        await using h = await make();
        const s = h.storage;
        const first = await run(h, uploadObject(s, 'cond.txt', 'one', { ifNoneMatch: '*' }));
        const again = await attempt(h, () => uploadObject(s, 'cond.txt', 'two', { ifNoneMatch: '*' }));
        expect(again).toMatchObject({ code: 'PRECONDITION_FAILED' });
        expect((again as { message: string }).message).toContain('cond.txt');
        const stale = await attempt(h, () => uploadObject(s, 'cond.txt', 'three', { ifMatch: md5('other') }));
        expect(stale).toMatchObject({ code: 'PRECONDITION_FAILED' });
        const ok = await run(h, uploadObject(s, 'cond.txt', 'four', { ifMatch: first.etag }));
        expect(ok.etag).toBe(md5('four'));
        expect(await attempt(h, () => uploadObject(s, 'absent.txt', 'x', { ifMatch: first.etag }))).toMatchObject({ code: 'PRECONDITION_FAILED' });
        expect(text((await run(h, downloadObject(s, 'cond.txt'))).data)).toBe('four');
        expect(await run(h, headObject(s, 'absent.txt'))).toBeNull();
      });
    }

    it('refuses keys that could escape a root, naming the key, for every command', async () => {
      await using h = await make();
      const s = h.storage;
      for (const key of ['../outside', 'a/../../outside', '/etc/passwd', 'a\\..\\b', 'nul\u0000byte', '', './x', 'C:/windows']) {
        for (const cmd of [() => uploadObject(s, key, 'x'), () => downloadObject(s, key), () => headObject(s, key), () => downloadStream(s, key)]) {
          const e = await attempt<unknown>(h, cmd);
          expect(e, key).toMatchObject({ code: 'STORAGE_BAD_KEY' });
          expect((e as { message: string }).message).toContain(JSON.stringify(key).slice(1, -1).slice(0, 10));
        }
      }
      const d = await run(h, deleteObjects(s, ['../x', 'fine']));
      expect(d.deleted).toEqual(['fine']);
      expect(d.errors).toEqual([expect.objectContaining({ key: '../x', code: 'STORAGE_BAD_KEY' })]);
    });

    it('names an unknown storage with a suggestion', async () => {
      await using h = await make();
      const e = await attempt(h, () => headObject(h.storage.slice(0, -1), 'k'));
      expect(e).toMatchObject({ code: 'STORAGE_NO_SUCH_STORAGE' });
      expect((e as { message: string }).message).toContain(`"${h.storage}"`);
    });

    it('lists 2,500 keys in pages of 1000 in key order with continuation tokens, then deletes them all in one call', async () => {
      await using h = await make();
      const s = h.storage;
      const keys = Array.from({ length: 2500 }, (_, i) => `many/${String(i).padStart(5, '0')}`);
      // 25 processes of 100 uploads each: the storage serves them concurrently.
      await Promise.all(
        Array.from({ length: 25 }, (_, p) =>
          h.rt.run(function* () {
            for (const k of keys.slice(p * 100, p * 100 + 100)) yield* uploadObject(s, k, k);
          }),
        ),
      );
      await h.rt.run(function* () {
        yield* uploadObject(s, 'other/x', 'x');
        yield* uploadObject(s, 'manyx', 'not under many/');
      });
      const pages = await h.rt.run(function* () {
        const out: (readonly ObjectSummary[])[] = [];
        let next: string | null | undefined;
        do {
          const page = yield* listObjects(s, { prefix: 'many/', ...(next ? { continuation: next } : {}) });
          out.push(page.objects);
          next = page.next;
        } while (next !== null);
        return out;
      });
      expect(pages.map((p) => p.length)).toEqual([1000, 1000, 500]);
      expect(pages.flat().map((o) => o.key)).toEqual(keys);
      expect(pages[0]![7]).toMatchObject({ key: keys[7], size: keys[7]!.length, etag: md5(keys[7]!) });
      const small = await run(h, listObjects(s, { prefix: 'many/0000', maxKeys: 3 }));
      expect(small.objects.map((o) => o.key)).toEqual(keys.slice(0, 3));
      expect(small.next).not.toBeNull();
      expect(await attempt(h, () => listObjects(s, { maxKeys: 1001 }))).toMatchObject({ code: 'STORAGE_BAD_ARGUMENT' });
      const del = await run(h, deleteObjects(s, [...keys, 'never/existed']));
      expect(del.errors).toEqual([]);
      expect(new Set(del.deleted)).toEqual(new Set([...keys, 'never/existed']));
      const after = await run(h, listObjects(s));
      expect(after.objects.map((o) => o.key)).toEqual(['manyx', 'other/x']);
      expect(after.next).toBeNull();
    }, 90_000);

    it('uploads 25 MB from a stream handle without holding the body in memory', async () => {
      await using h = await make();
      const s = h.storage;
      const total = 25 * 1024 * 1024;
      const chunk = Buffer.alloc(256 * 1024, 7);
      let produced = 0;
      const hash = createHash('md5');
      const src = new Readable({
        highWaterMark: 256 * 1024,
        read() {
          if (produced >= total) return void this.push(null);
          const c = Buffer.from(chunk);
          c.writeUInt32BE(produced, 0);
          hash.update(c);
          produced += c.length;
          this.push(c);
        },
      });
      const pid = h.rt.spawn(function* () {
        const { payload } = yield* receive<StreamHandle>({ topic: 'body' });
        return yield* uploadObject(s, 'big/blob.bin', payload, { contentType: 'application/x-test' });
      });
      const done = h.rt.wait(pid);
      h.rt.send(pid, 'body', adoptStream(h.resources, pid, src, { name: 'generated body' }));
      // Back-pressure: the source is only read as fast as the storage writes, so it never runs ahead.
      let peak = 0;
      const sampler = setInterval(() => (peak = Math.max(peak, src.readableLength)), 1);
      const reason = await done;
      clearInterval(sampler);
      expect(reason).toMatchObject({ kind: 'normal', value: { key: 'big/blob.bin', size: total } });
      const etag = `"${hash.digest('hex')}"`;
      const info = await run(h, headObject(s, 'big/blob.bin'));
      expect(info).toMatchObject({ size: total, contentType: 'application/x-test' });
      if (!info!.etag.includes('-')) expect(info!.etag).toBe(etag); // multipart ETags are not a body hash
      expect(peak).toBeLessThanOrEqual(1024 * 1024);
      const back = await h.rt.run(function* () {
        const { stream } = yield* downloadStream(s, 'big/blob.bin', { range: { offset: 256 * 1024 * 40, length: 8 } });
        return yield* readAll(stream);
      });
      expect(Buffer.from(back).readUInt32BE(0)).toBe(256 * 1024 * 40);
      expect(h.resources.count('stream')).toBe(0);
    }, 90_000);

    it('aborts the upload of a process terminated mid-upload: no object appears', async () => {
      await using h = await make();
      const s = h.storage;
      const feed = new PassThrough();
      const pid = h.rt.spawn(function* () {
        const { payload } = yield* receive<StreamHandle>({ topic: 'body' });
        return yield* uploadObject(s, 'half/done.bin', payload);
      });
      const exit = h.rt.wait(pid);
      h.rt.send(pid, 'body', adoptStream(h.resources, pid, feed, { name: 'slow body' }));
      feed.write(Buffer.alloc(1024 * 1024, 1));
      // Terminate once the storage has taken the first MiB.
      while (feed.readableLength > 0 || feed.writableLength > 0) await new Promise((r) => setTimeout(r, 5));
      h.rt.terminate(pid);
      expect(await exit).toEqual({ kind: 'terminated' });
      expect(feed.destroyed).toBe(true);
      expect(await run(h, headObject(s, 'half/done.bin'))).toBeNull();
      expect((await run(h, listObjects(s, { prefix: 'half/' }))).objects).toEqual([]);
      expect(h.resources.count()).toBe(0);
    });

    it('destroys an unread download stream when its process ends', async () => {
      await using h = await make();
      const s = h.storage;
      await run(h, uploadObject(s, 'unread.bin', Buffer.alloc(2 * 1024 * 1024, 1)));
      // Three waves of 30 abandoned bodies: 90 is more than the SDK's pool of 50 sockets, so a
      // body that kept its socket after its process ended would hang a later wave.
      for (let wave = 0; wave < 3; wave++) {
        const pids = Array.from({ length: 30 }, () =>
          h.rt.spawn(function* () {
            yield* downloadStream(s, 'unread.bin');
            yield* receive({ topic: 'never' });
          }),
        );
        while (h.resources.count('stream') < 30) await new Promise((r) => setTimeout(r, 5));
        const exits = pids.map((p) => h.rt.wait(p));
        for (const pid of pids) h.rt.terminate(pid);
        await Promise.all(exits);
        expect(h.resources.count('stream')).toBe(0);
      }
      expect((await run(h, downloadObject(s, 'unread.bin', { range: { offset: 0, length: 4 } }))).data.length).toBe(4);
    });
  });
}
