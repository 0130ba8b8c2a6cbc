import { readFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough, Readable, Writable } from 'node:stream';
import { receive } from '@switchyard/runtime';
import { describe, expect, it } from 'vitest';
import { adoptStream, close, flush, openFile, pipe, read, readAll, seek, stat, write, type StreamHandle } from '../src/index.js';
import { pause, withStreams } from './harness.js';

const text = (b: Uint8Array | null) => (b === null ? null : Buffer.from(b).toString('utf8'));

describe('adopting Node streams (module API for other plugins)', () => {
  it('holds at most the high-water mark of a source nobody reads, and destroys it when the owner ends', async () => {
    await using h = await withStreams();
    let produced = 0;
    let destroyedBy = '';
    const src = new Readable({
      highWaterMark: 1024,
      read() {
        produced += 256;
        this.push(Buffer.alloc(256, 1));
      },
    });
    const pid = h.rt.spawn(function* () {
      const { payload } = yield* receive<StreamHandle>({ topic: 'stream' });
      const first = yield* read(payload, 100);
      yield* receive({ topic: 'never' });
      return first;
    });
    const exit = h.rt.wait(pid);
    const handle = adoptStream(h.resources, pid, src, { name: 'endless source', onDestroy: () => (destroyedBy = 'onDestroy') });
    h.rt.send(pid, 'stream', handle);
    await pause(50);
    expect(src.readableLength).toBeLessThanOrEqual(1024);
    expect(produced).toBeLessThanOrEqual(1024 + 512);
    expect(h.resources.count('stream', pid)).toBe(1);
    h.rt.terminate(pid);
    await exit.catch(() => undefined);
    expect(src.destroyed).toBe(true);
    expect(destroyedBy).toBe('onDestroy');
    expect(h.resources.count('stream')).toBe(0);
  });

  it('Write waits for drain when the writable is full, and Close ends it after its data', async () => {
    await using h = await withStreams();
    const pending: (() => void)[] = [];
    const got: string[] = [];
    let finished = false;
    const sink = new Writable({
      highWaterMark: 16,
      write(chunk: Buffer, _enc, cb) {
        got.push(chunk.toString());
        pending.push(cb);
      },
      final(cb) {
        finished = true;
        cb();
      },
    });
    const writes: number[] = [];
    const pid = h.rt.spawn(function* () {
      const { payload } = yield* receive<StreamHandle>({ topic: 'stream' });
      for (let i = 0; i < 4; i++) {
        yield* write(payload, `chunk-${i}-...`);
        writes.push(i);
      }
      yield* close(payload);
      return 'done';
    });
    const exit = h.rt.wait(pid);
    h.rt.send(pid, 'stream', adoptStream(h.resources, pid, sink, { name: 'slow sink' }));
    while (writes.length === 0) await pause(5);
    await pause(30);
    // 12-byte chunks over a 16-byte mark: the second write is past it, the process waits for drain.
    expect(writes).toEqual([0]);
    expect(h.rt.isAlive(pid)).toBe(true);
    while (h.rt.isAlive(pid)) {
      pending.shift()?.();
      await pause(5);
    }
    expect(await exit).toEqual({ kind: 'normal', value: 'done' });
    expect(got).toEqual(['chunk-0-...', 'chunk-1-...', 'chunk-2-...', 'chunk-3-...']);
    expect(finished).toBe(true);
    expect(h.resources.count('stream')).toBe(0);
  });

  it('a Duplex reads back what was written; Seek fails with NOT_SEEKABLE; Stat reports the known size', async () => {
    await using h = await withStreams();
    const duplex = new PassThrough();
    const pid = h.rt.spawn(function* () {
      const { payload } = yield* receive<StreamHandle>({ topic: 'stream' });
      yield* write(payload, 'ping');
      yield* flush(payload);
      const back = text(yield* read(payload));
      const st = yield* stat(payload);
      let code = '';
      try {
        yield* seek(payload, 0);
      } catch (e) {
        code = (e as { code: string }).code;
      }
      return { back, st, code };
    });
    const exit = h.rt.wait(pid);
    h.rt.send(pid, 'stream', adoptStream(h.resources, pid, duplex, { size: 4 }));
    expect(await exit).toEqual({
      kind: 'normal',
      value: { back: 'ping', st: { size: 4, position: 4, readable: true, writable: true, seekable: false }, code: 'NOT_SEEKABLE' },
    });
  });

  it('only the owner may use a stream (NOT_OWNER), and a source error fails the read with STREAM_IO', async () => {
    await using h = await withStreams();
    const src = new PassThrough();
    const owner = h.rt.spawn(function* () {
      yield* receive({ topic: 'never' });
    });
    const handle = adoptStream(h.resources, owner, src, { name: 'owned source' });
    await expect(h.rt.run(function* () {
      return yield* read(handle);
    })).rejects.toMatchObject({ code: 'NOT_OWNER' });
    h.rt.terminate(owner);

    const failing = new PassThrough();
    let gotFirst = false;
    const pid = h.rt.spawn(function* () {
      const { payload } = yield* receive<StreamHandle>({ topic: 'stream' });
      const first = text(yield* read(payload));
      gotFirst = true;
      try {
        yield* read(payload);
      } catch (e) {
        return { first, code: (e as { code: string }).code, message: (e as Error).message };
      }
      return { first };
    });
    const exit = h.rt.wait(pid);
    h.rt.send(pid, 'stream', adoptStream(h.resources, pid, failing, { name: 'flaky source' }));
    failing.write('a');
    while (!gotFirst) await pause(5);
    failing.destroy(new Error('connection reset'));
    expect(await exit).toEqual({
      kind: 'normal',
      value: { first: 'a', code: 'STREAM_IO', message: 'flaky source: read failed: connection reset' },
    });
  });

  it('pipe() copies a large source into a file a chunk at a time; readAll() caps what it keeps', async () => {
    await using h = await withStreams();
    const total = 8 * 1024 * 1024;
    let sent = 0;
    let maxBuffered = 0;
    const src = new Readable({
      highWaterMark: 64 * 1024,
      read() {
        maxBuffered = Math.max(maxBuffered, this.readableLength);
        if (sent >= total) this.push(null);
        else {
          sent += 64 * 1024;
          this.push(Buffer.alloc(64 * 1024, sent % 251));
        }
      },
    });
    const path = join(h.dir, 'copy.bin');
    const pid = h.rt.spawn(function* () {
      const { payload } = yield* receive<StreamHandle>({ topic: 'stream' });
      const f = yield* openFile(path, 'w');
      const n = yield* pipe(payload, f);
      yield* close(f);
      return n;
    });
    const exit = h.rt.wait(pid);
    h.rt.send(pid, 'stream', adoptStream(h.resources, pid, src));
    expect(await exit).toEqual({ kind: 'normal', value: total });
    expect(readFileSync(path).length).toBe(total);
    expect(maxBuffered).toBeLessThanOrEqual(64 * 1024);

    await expect(h.rt.run(function* () {
      const f = yield* openFile(path);
      return yield* readAll(f, 1000);
    })).rejects.toMatchObject({ code: 'STREAM_TOO_LARGE' });
  });

  it('adopts a FileHandle as a seekable stream', async () => {
    await using h = await withStreams();
    const path = join(h.dir, 'fh.txt');
    const fh = await open(path, 'w+');
    const pid = h.rt.spawn(function* () {
      const { payload } = yield* receive<StreamHandle>({ topic: 'stream' });
      yield* write(payload, 'abcdef');
      yield* seek(payload, 2);
      return text(yield* read(payload, 3));
    });
    const exit = h.rt.wait(pid);
    h.rt.send(pid, 'stream', adoptStream(h.resources, pid, fh));
    expect(await exit).toEqual({ kind: 'normal', value: 'cde' });
    expect(h.resources.count('stream')).toBe(0);
  });

  it('refuses what is not a stream', async () => {
    await using h = await withStreams();
    expect(() => adoptStream(h.resources, '{local|0x00001}', {} as Readable)).toThrow(expect.objectContaining({ code: 'STREAM_BAD_ARGUMENT' }));
  });
});
