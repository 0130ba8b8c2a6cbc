import type { Split } from './commands.js';
import { StreamError } from './source.js';

const EMPTY = Buffer.alloc(0);

/** Byte length of a Unicode space starting at `i` (the UTF-8 forms of what JS `\s` matches), 0 if none. */
function spaceAt(b: Buffer, i: number, end: number): number {
  const c = b[i]!;
  if (c === 0x20 || (c >= 0x09 && c <= 0x0d)) return 1;
  if (c < 0xc2) return 0;
  const c1 = i + 1 < end ? b[i + 1]! : -1;
  if (c === 0xc2) return c1 === 0x85 || c1 === 0xa0 ? 2 : 0;
  const c2 = i + 2 < end ? b[i + 2]! : -1;
  if (c === 0xe1) return c1 === 0x9a && c2 === 0x80 ? 3 : 0;
  if (c === 0xe2) {
    if (c1 === 0x80 && ((c2 >= 0x80 && c2 <= 0x8a) || c2 === 0xa8 || c2 === 0xa9 || c2 === 0xaf)) return 3;
    return c1 === 0x81 && c2 === 0x9f ? 3 : 0;
  }
  if (c === 0xe3) return c1 === 0x80 && c2 === 0x80 ? 3 : 0;
  if (c === 0xef) return c1 === 0xbb && c2 === 0xbf ? 3 : 0;
  return 0;
}

/** Length of the UTF-8 sequence announced by a lead byte (1 for an invalid one: it becomes U+FFFD). */
function runeLength(c: number): number {
  if (c < 0xc2) return 1;
  if (c < 0xe0) return 2;
  if (c < 0xf0) return 3;
  if (c < 0xf5) return 4;
  return 1;
}

/**
 * Splits what a reader yields into tokens, holding at most `maxToken` bytes of one token (plus one
 * chunk being examined). `pull` is Read on the stream.
 */
export class Scanner {
  private buf: Buffer = EMPTY;
  private start = 0;
  /** Where the search for a delimiter resumes: bytes before it hold none. */
  private searched = 0;
  private eof = false;
  private failure: StreamError | undefined;
  constructor(
    readonly split: Split,
    readonly maxToken: number,
    readonly streamName: string,
    private readonly chunkSize: number,
  ) {}

  private get buffered(): number {
    return this.buf.length - this.start;
  }

  private async fill(pull: (size: number) => Promise<Uint8Array | null>): Promise<void> {
    const chunk = await pull(this.chunkSize);
    if (chunk === null) {
      this.eof = true;
      return;
    }
    const rest = this.buf.subarray(this.start);
    this.searched -= this.start;
    this.start = 0;
    this.buf = rest.length === 0 ? Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length) : Buffer.concat([rest, chunk]);
  }

  private tooLong(): StreamError {
    this.failure = new StreamError('TOKEN_TOO_LONG', this.streamName, `a token is longer than maxToken (${this.maxToken} bytes); raise maxToken or split differently`);
    return this.failure;
  }

  /** The next token, or null once the stream is exhausted (and on every call after). */
  async scan(pull: (size: number) => Promise<Uint8Array | null>): Promise<string | Uint8Array | null> {
    if (this.failure !== undefined) throw this.failure;
    for (;;) {
      const t = this.split === 'lines' ? this.line() : this.split === 'words' ? this.word() : this.split === 'bytes' ? this.byte() : this.rune();
      if (t !== undefined) return t;
      if (this.eof) {
        this.buf = EMPTY;
        this.start = this.searched = 0;
        return null;
      }
      await this.fill(pull);
    }
  }

  /** A token if one is complete (or the stream ended), undefined when more input is needed. */
  private line(): string | null | undefined {
    const b = this.buf;
    const nl = b.indexOf(0x0a, Math.max(this.searched, this.start));
    if (nl < 0) {
      this.searched = b.length;
      if (this.buffered > this.maxToken) throw this.tooLong();
      if (!this.eof) return undefined;
      if (this.buffered === 0) return null;
      return this.take(b.length, b.length);
    }
    const end = nl > this.start && b[nl - 1] === 0x0d ? nl - 1 : nl;
    if (end - this.start > this.maxToken) throw this.tooLong();
    return this.take(end, nl + 1);
  }

  private take(end: number, next: number): string {
    const s = this.buf.toString('utf8', this.start, end);
    this.start = this.searched = next;
    return s;
  }

  private word(): string | null | undefined {
    const b = this.buf;
    const len = b.length;
    for (;;) {
      let i = this.start;
      for (;;) {
        if (i >= len) break;
        const n = spaceAt(b, i, len);
        if (n === 0) break;
        i += n;
      }
      this.start = i;
      if (i >= len) {
        this.searched = i;
        return this.eof ? null : undefined;
      }
      let j = Math.max(i, this.searched);
      let n = 0;
      while (j < len && (n = spaceAt(b, j, len)) === 0) j++;
      if (j < len) {
        // A multi-byte space cut at a chunk boundary was taken for a word byte: skip it now.
        if (j === i) {
          this.start = this.searched = j + n;
          continue;
        }
        if (j - i > this.maxToken) throw this.tooLong();
        return this.take(j, j);
      }
      // The last two bytes may begin a multi-byte space: look at them again with more input.
      this.searched = Math.max(i, len - 2);
      if (len - i > this.maxToken) throw this.tooLong();
      if (!this.eof) return undefined;
      return this.take(len, len);
    }
  }

  private byte(): Uint8Array | null | undefined {
    if (this.buffered === 0) return this.eof ? null : undefined;
    const out = Uint8Array.of(this.buf[this.start]!);
    this.start++;
    return out;
  }

  private rune(): string | null | undefined {
    if (this.buffered === 0) return this.eof ? null : undefined;
    const n = runeLength(this.buf[this.start]!);
    if (this.buffered < n && !this.eof) return undefined;
    const end = Math.min(this.start + n, this.buf.length);
    const s = this.buf.toString('utf8', this.start, end);
    // An invalid or cut sequence: one byte becomes one U+FFFD.
    const cp = s.codePointAt(0) ?? 0;
    if (s.length !== (cp > 0xffff ? 2 : 1) || Buffer.byteLength(s) !== end - this.start) {
      this.start++;
      return '\ufffd';
    }
    this.start = end;
    return s;
  }
}
