import { createWriteStream, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { close, createScanner, eachLine, lines, openFile, scan } from '../src/index.js';
import { withStreams } from './harness.js';

/** Line i of the big file: varying length, some with multi-byte characters. */
const lineText = (i: number) => (i % 7 === 0 ? `${i} héllo wörld ✓ ${'x'.repeat(i % 90)}` : `${i}:${'abcdefghij'.repeat(i % 13)}`);

describe('scanner (ScannerCreate 56, ScannerScan 57)', () => {
  it('splits a 10 MB file with mixed \\n and \\r\\n endings into exactly its lines', async () => {
    await using h = await withStreams();
    const path = join(h.dir, 'big.txt');
    const ws = createWriteStream(path);
    let count = 0;
    let bytes = 0;
    let checksum = 0;
    while (bytes < 10 * 1024 * 1024) {
      const l = lineText(count);
      const chunk = `${l}${count % 3 === 0 ? '\r\n' : '\n'}`;
      if (!ws.write(chunk)) await once(ws, 'drain');
      bytes += Buffer.byteLength(chunk);
      checksum = (checksum + l.length * (count + 1)) % 1_000_000_007;
      count++;
    }
    // The last line has no line ending at all.
    ws.end('tail without newline');
    await once(ws, 'finish');
    const result = await h.rt.run(function* () {
      const f = yield* openFile(path);
      const s = yield* createScanner(f);
      let n = 0;
      let sum = 0;
      let bad = -1;
      let last = '';
      for (;;) {
        const line = yield* scan(s);
        if (line === null) break;
        if (n < count) {
          if (bad < 0 && line !== lineText(n)) bad = n;
          sum = (sum + line.length * (n + 1)) % 1_000_000_007;
        } else last = line;
        n++;
      }
      // Exhausted: keeps answering "no token".
      const again = [yield* scan(s), yield* scan(s)];
      yield* close(s);
      yield* close(f);
      return { n, sum, bad, last, again };
    });
    expect(result).toEqual({ n: count + 1, sum: checksum, bad: -1, last: 'tail without newline', again: [null, null] });
    expect(h.resources.count()).toBe(0);
  });

  it('splits words on Unicode spaces, runes as characters, bytes as one-byte arrays', async () => {
    await using h = await withStreams();
    const path = join(h.dir, 'w.txt');
    writeFileSync(path, '  alpha\tbeta\u00a0gamma\u3000δέλτα \r\n\n epsilon  ');
    const out = await h.rt.run(function* () {
      const f = yield* openFile(path);
      const words: string[] = [];
      const ws = yield* createScanner(f, { split: 'words' });
      for (let w = yield* scan(ws); w !== null; w = yield* scan(ws)) words.push(w);
      const g = yield* openFile(path);
      const rs = yield* createScanner(g, { split: 'runes' });
      const runes: string[] = [];
      for (let r = yield* scan(rs); r !== null; r = yield* scan(rs)) runes.push(r);
      const b = yield* openFile(path);
      const bs = yield* createScanner(b, { split: 'bytes' });
      const bytes: number[] = [];
      for (let x = yield* scan(bs); x !== null; x = yield* scan(bs)) bytes.push(...x);
      return { words, runes: runes.join('|'), bytes };
    });
    expect(out.words).toEqual(['alpha', 'beta', 'gamma', 'δέλτα', 'epsilon']);
    expect(out.runes).toBe([...'  alpha\tbeta\u00a0gamma\u3000δέλτα \r\n\n epsilon  '].join('|'));
    expect(Buffer.from(out.bytes).toString('utf8')).toBe('  alpha\tbeta\u00a0gamma\u3000δέλτα \r\n\n epsilon  ');
  });

  it('finds words and runes split across chunk boundaries', async () => {
    await using h = await withStreams();
    const path = join(h.dir, 'edge.txt');
    // maxToken 4096 reads 4096-byte chunks: a 3-byte space straddles the first boundary (bytes 4095-4097),
    // a 4-byte character the second (8190-8193).
    const body = 'a'.repeat(4094) + ' ' + '\u3000'.repeat(3) + 'b'.repeat(8190 - 4104) + '😀' + ' z';
    writeFileSync(path, body);
    const out = await h.rt.run(function* () {
      const f = yield* openFile(path);
      const s = yield* createScanner(f, { split: 'words', maxToken: 4096 });
      const words: string[] = [];
      for (let w = yield* scan(s); w !== null; w = yield* scan(s)) words.push(w);
      const g = yield* openFile(path);
      const r = yield* createScanner(g, { split: 'runes', maxToken: 4096 });
      let n = 0;
      let joined = '';
      for (let c = yield* scan(r); c !== null; c = yield* scan(r)) {
        n++;
        joined += c;
      }
      return { words: words.map((w) => (w.length > 20 ? w.length : w)), n, same: joined === body };
    });
    expect(out).toEqual({ words: [4094, 8190 - 4104 + 2, 'z'], n: [...body].length, same: true });
  });

  it('fails with TOKEN_TOO_LONG instead of buffering a line forever, and keeps failing', async () => {
    await using h = await withStreams();
    const path = join(h.dir, 'long.txt');
    writeFileSync(path, `short\n${'y'.repeat(100_000)}\nafter\n`);
    const out = await h.rt.run(function* () {
      const f = yield* openFile(path);
      const s = yield* createScanner(f, { maxToken: 1000 });
      const first = yield* scan(s);
      const errors: string[] = [];
      for (let i = 0; i < 2; i++) {
        try {
          yield* scan(s);
        } catch (e) {
          errors.push((e as { code: string }).code);
          expect((e as Error).message).toContain(path);
        }
      }
      return { first, errors };
    });
    expect(out).toEqual({ first: 'short', errors: ['TOKEN_TOO_LONG', 'TOKEN_TOO_LONG'] });
  });

  it('lines() and eachLine() read every line and free their scanner', async () => {
    await using h = await withStreams();
    const path = join(h.dir, 'l.txt');
    writeFileSync(path, 'a\r\nb\n\nc');
    const out = await h.rt.run(function* () {
      const f = yield* openFile(path);
      const all = yield* lines(f);
      const g = yield* openFile(path);
      const seen: string[] = [];
      const n = yield* eachLine(g, (l) => void seen.push(l.toUpperCase()));
      return { all, seen, n, left: h.resources.count('scanner') };
    });
    expect(out).toEqual({ all: ['a', 'b', '', 'c'], seen: ['A', 'B', '', 'C'], n: 4, left: 0 });
  });

  it('refuses bad options and stops scanning once its stream is closed', async () => {
    await using h = await withStreams();
    const path = join(h.dir, 's.txt');
    writeFileSync(path, 'one\ntwo\n');
    await expect(h.rt.run(function* () {
      const f = yield* openFile(path);
      return yield* createScanner(f, { split: 'sentences' as 'lines' });
    })).rejects.toMatchObject({ code: 'STREAM_BAD_ARGUMENT', message: expect.stringContaining('"sentences"') });
    await expect(h.rt.run(function* () {
      const f = yield* openFile(path);
      const s = yield* createScanner(f);
      yield* close(f);
      return yield* scan(s);
    })).rejects.toMatchObject({ code: 'NO_SUCH_RESOURCE' });
  });
});
