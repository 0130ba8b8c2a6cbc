import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { receive, transfer } from '@switchyard/runtime';
import { close, flush, openFile, read, readAll, seek, stat, write, type StreamHandle } from '../src/index.js';
import { withStreams } from './harness.js';

const text = (b: Uint8Array | null) => (b === null ? null : Buffer.from(b).toString('utf8'));

describe('file streams (Open 58, Read, Write, Seek, Stat, Flush, Close)', () => {
  it('writes, seeks and reads back a file at its own position', async () => {
    await using h = await withStreams();
    const path = join(h.dir, 'a.txt');
    const out = await h.rt.run(function* () {
      const f = yield* openFile(path, 'w+');
      yield* write(f, 'hello, ');
      yield* write(f, new TextEncoder().encode('world'));
      yield* flush(f);
      const afterWrite = yield* stat(f);
      const pos = yield* seek(f, 7);
      const world = yield* read(f, 100);
      const atEnd = yield* read(f);
      const back = yield* seek(f, -5, 'current');
      const two = yield* read(f, 2);
      const fromEnd = yield* seek(f, -1, 'end');
      const last = yield* read(f);
      yield* close(f);
      return { afterWrite, pos, world: text(world), atEnd, back, two: text(two), fromEnd, last: text(last) };
    });
    expect(out).toEqual({
      afterWrite: { size: 12, position: 12, readable: true, writable: true, seekable: true },
      pos: 7,
      world: 'world',
      atEnd: null,
      back: 7,
      two: 'wo',
      fromEnd: 11,
      last: 'd',
    });
    expect(readFileSync(path, 'utf8')).toBe('hello, world');
    expect(h.resources.count('stream')).toBe(0);
  });

  it('reads at most `size` bytes per Read and returns plain Uint8Arrays', async () => {
    await using h = await withStreams();
    const path = join(h.dir, 'b.bin');
    writeFileSync(path, Buffer.alloc(1000, 7));
    const sizes = await h.rt.run(function* () {
      const f = yield* openFile(path);
      const got: number[] = [];
      for (;;) {
        const c = yield* read(f, 300);
        if (c === null) break;
        expect(c.constructor).toBe(Uint8Array);
        got.push(c.length);
      }
      return got;
    });
    expect(sizes).toEqual([300, 300, 300, 100]);
  });

  it('appends in mode "a" wherever the position is', async () => {
    await using h = await withStreams();
    const path = join(h.dir, 'log.txt');
    writeFileSync(path, 'one\n');
    await h.rt.run(function* () {
      const f = yield* openFile(path, 'a');
      yield* seek(f, 0);
      yield* write(f, 'two\n');
      yield* close(f);
    });
    expect(readFileSync(path, 'utf8')).toBe('one\ntwo\n');
  });

  it('refuses to read a write-only file and to write a read-only one', async () => {
    await using h = await withStreams();
    const path = join(h.dir, 'c.txt');
    writeFileSync(path, 'x');
    const codes = await h.rt.run(function* () {
      const r = yield* openFile(path, 'r');
      const w = yield* openFile(join(h.dir, 'd.txt'), 'w');
      const out: string[] = [];
      try {
        yield* write(r, 'y');
      } catch (e) {
        out.push((e as { code: string }).code);
      }
      try {
        yield* read(w);
      } catch (e) {
        out.push((e as { code: string }).code);
      }
      const st = yield* stat(r);
      out.push(`${st.readable}/${st.writable}`);
      return out;
    });
    expect(codes).toEqual(['STREAM_NOT_WRITABLE', 'STREAM_NOT_READABLE', 'true/false']);
  });

  it('fails to open a missing file with STREAM_OPEN_FAILED naming the path, and a bad seek names the offset', async () => {
    await using h = await withStreams();
    const missing = join(h.dir, 'nope.txt');
    await expect(h.rt.run(function* () {
      return yield* openFile(missing);
    })).rejects.toMatchObject({ code: 'STREAM_OPEN_FAILED', message: expect.stringContaining(missing) });
    writeFileSync(join(h.dir, 'e.txt'), 'abc');
    await expect(h.rt.run(function* () {
      const f = yield* openFile(join(h.dir, 'e.txt'));
      return yield* seek(f, -10, 'end');
    })).rejects.toMatchObject({ code: 'STREAM_BAD_ARGUMENT', message: expect.stringContaining('-7') });
    await expect(h.rt.run(function* () {
      const f = yield* openFile(join(h.dir, 'e.txt'));
      return yield* read(f, 0);
    })).rejects.toMatchObject({ code: 'STREAM_BAD_ARGUMENT' });
    // Every stream of those processes was disposed with them.
    expect(h.resources.count('stream')).toBe(0);
  });

  it('keeps Open inside the root directory when one is configured', async () => {
    await using outer = await withStreams();
    writeFileSync(join(outer.dir, 'in.txt'), 'inside');
    await using h = await withStreams({ root: outer.dir });
    const got = await h.rt.run(function* () {
      const f = yield* openFile('in.txt');
      return text(yield* readAll(f));
    });
    expect(got).toBe('inside');
    await expect(h.rt.run(function* () {
      return yield* openFile('../etc/passwd');
    })).rejects.toMatchObject({ code: 'STREAM_OPEN_FAILED', message: expect.stringContaining('outside the stream root') });
  });

  it('closes the file when its owner ends without Close, and a closed handle is dead', async () => {
    await using h = await withStreams();
    const path = join(h.dir, 'f.txt');
    writeFileSync(path, 'data');
    const handle = await h.rt.run(function* () {
      return yield* openFile(path);
    });
    expect(h.resources.count('stream')).toBe(0);
    await expect(h.rt.run(function* () {
      return yield* read(handle);
    })).rejects.toMatchObject({ code: 'NO_SUCH_RESOURCE' });
    await expect(h.rt.run(function* () {
      const f = yield* openFile(path);
      yield* close(f);
      return yield* stat(f);
    })).rejects.toMatchObject({ code: 'NO_SUCH_RESOURCE' });
  });
});

describe('ownership of file streams', () => {
  it('moves with transfer(): the new owner reads, the old one gets NOT_OWNER; stats count live streams', async () => {
    await using h = await withStreams();
    const path = join(h.dir, 'shared.txt');
    writeFileSync(path, 'shared');
    const reader = h.rt.spawn(function* () {
      const { payload } = yield* receive<StreamHandle>({ topic: 'file' });
      return text(yield* readAll(payload));
    });
    const exit = h.rt.wait(reader);
    const { f, code } = await h.rt.run(function* () {
      const f = yield* openFile(path);
      yield* transfer(f, reader);
      try {
        yield* stat(f);
        return { f, code: 'no error' };
      } catch (e) {
        return { f, code: (e as { code: string }).code };
      }
    });
    expect(code).toBe('NOT_OWNER');
    h.rt.send(reader, 'file', f);
    expect(await exit).toEqual({ kind: 'normal', value: 'shared' });
    expect(h.rt.stats().plugins.stream).toMatchObject({ streams: 0, opened: 1 });
  });
});
