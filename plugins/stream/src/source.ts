import type { FileHandle } from 'node:fs/promises';
import type { Readable, Writable } from 'node:stream';
import { describeValue, SwitchyardError } from '@switchyard/errors';
import type { StreamStat, Whence } from './commands.js';

export type StreamErrorCode =
  | 'NOT_SEEKABLE'
  | 'TOKEN_TOO_LONG'
  | 'STREAM_NOT_READABLE'
  | 'STREAM_NOT_WRITABLE'
  | 'STREAM_DESTROYED'
  | 'STREAM_IO'
  | 'STREAM_OPEN_FAILED'
  | 'STREAM_BAD_ARGUMENT'
  | 'STREAM_TOO_LARGE';

/** A stream command failed; the message names the stream (its handle and description). */
export class StreamError extends SwitchyardError {
  constructor(
    code: StreamErrorCode,
    /** The stream's description, e.g. `file "/tmp/a.txt"` or `http body of GET http://…`. */
    readonly stream: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(code, `${stream}: ${message}`, options);
  }
}

/** What a handle in the table points at. Operations on one stream run one at a time, in order. */
export abstract class StreamSource {
  private tail: Promise<unknown> = Promise.resolve();
  protected destroyed = false;
  constructor(readonly name: string) {}

  /** Run `op` after every operation queued before it (reads, writes, seeks never interleave). */
  serial<T>(op: () => Promise<T>): Promise<T> {
    const run = this.tail.then(op, op);
    this.tail = run.catch(() => undefined);
    return run;
  }

  protected fail(code: StreamErrorCode, message: string, cause?: unknown): StreamError {
    return new StreamError(code, this.name, message, cause === undefined ? undefined : { cause });
  }

  protected checkOpen(): void {
    if (this.destroyed) throw this.fail('STREAM_DESTROYED', 'the stream was closed');
  }

  abstract read(size: number, signal?: AbortSignal): Promise<Uint8Array | null>;
  abstract write(data: Uint8Array, signal?: AbortSignal): Promise<void>;
  abstract seek(offset: number, whence: Whence): Promise<number>;
  abstract flush(signal?: AbortSignal): Promise<void>;
  abstract stat(): Promise<StreamStat>;
  /** Close gracefully: a writable side is ended and its data flushed. Then destroyed. */
  abstract end(signal?: AbortSignal): Promise<void>;
  /** Free everything at once (idempotent): the dispose of the table entry. */
  abstract destroy(): void;
}

/** The abort reason (the runtime's YieldAbandonedError), or a coded error naming the stream when the reason is not an Error. */
function aborted(signal: AbortSignal | undefined, stream: string): Error {
  return signal?.reason instanceof Error ? signal.reason : new StreamError('STREAM_IO', stream, `the operation was aborted (${describeValue(signal?.reason)})`);
}

/**
 * A Node Readable, Writable or Duplex. The readable side stays paused: data is pulled by Read
 * only, so at most the stream's high-water mark is buffered however slowly the process reads.
 */
export class NodeStreamSource extends StreamSource {
  private readonly readable: Readable | undefined;
  private readonly writable: Writable | undefined;
  private leftover: Uint8Array | null = null;
  private readBytes = 0;
  private written = 0;
  private wake: (() => void) | null = null;
  private error: unknown = undefined;
  private readonly onEvent = () => {
    const w = this.wake;
    this.wake = null;
    w?.();
  };
  private readonly onError = (e: unknown) => {
    this.error ??= e;
    this.onEvent();
  };

  constructor(
    name: string,
    source: Readable | Writable,
    private readonly size: number,
    private readonly onDestroy: (() => void) | undefined,
  ) {
    super(name);
    const s = source as Partial<Readable & Writable>;
    this.readable = typeof s.read === 'function' && s.readable !== undefined ? (source as Readable) : undefined;
    this.writable = typeof s.write === 'function' && s.writable !== undefined ? (source as Writable) : undefined;
    source.on('error', this.onError);
    source.on('close', this.onEvent);
    if (this.readable !== undefined) {
      this.readable.on('readable', this.onEvent);
      this.readable.on('end', this.onEvent);
    }
    if (this.writable !== undefined) this.writable.on('drain', this.onEvent);
  }

  private waitEvent(signal: AbortSignal | undefined): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) {
        reject(aborted(signal, this.name));
        return;
      }
      const onAbort = () => {
        this.wake = null;
        reject(aborted(signal, this.name));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.wake = () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
    });
  }

  private ioError(what: string): StreamError {
    const e = this.error;
    return this.fail('STREAM_IO', `${what} failed: ${e instanceof Error ? e.message : String(e)}`, e);
  }

  read(size: number, signal?: AbortSignal): Promise<Uint8Array | null> {
    return this.serial(async () => {
      this.checkOpen();
      const r = this.readable;
      if (r === undefined) throw this.fail('STREAM_NOT_READABLE', 'the stream is write-only');
      for (;;) {
        let chunk: Uint8Array | null = this.leftover;
        this.leftover = null;
        if (chunk === null) {
          const c: unknown = r.read();
          chunk = c === null ? null : typeof c === 'string' ? Buffer.from(c) : (c as Uint8Array);
        }
        if (chunk !== null && chunk.length > 0) {
          if (chunk.length > size) {
            this.leftover = chunk.subarray(size);
            chunk = chunk.subarray(0, size);
          }
          this.readBytes += chunk.length;
          return chunk;
        }
        if (this.error !== undefined) throw this.ioError('read');
        if (r.readableEnded) return null;
        if (r.destroyed) {
          // Destroyed before its end, without an error: the feeding side went away.
          if (r.errored) {
            this.error = r.errored;
            throw this.ioError('read');
          }
          throw this.fail('STREAM_DESTROYED', 'the stream was destroyed before its end');
        }
        await this.waitEvent(signal);
        this.checkOpen();
      }
    });
  }

  write(data: Uint8Array, signal?: AbortSignal): Promise<void> {
    return this.serial(async () => {
      this.checkOpen();
      const w = this.writable;
      if (w === undefined) throw this.fail('STREAM_NOT_WRITABLE', 'the stream is read-only');
      if (this.error !== undefined) throw this.ioError('write');
      if (w.writableEnded || w.destroyed) throw this.fail('STREAM_NOT_WRITABLE', 'the stream was ended');
      const ok = w.write(data);
      this.written += data.length;
      // Accepted into the buffer below the high-water mark: done. Above it: wait for drain.
      while (!ok && w.writableNeedDrain) {
        if (this.error !== undefined) throw this.ioError('write');
        if (w.destroyed) throw this.fail('STREAM_DESTROYED', 'the stream was destroyed while writing');
        await this.waitEvent(signal);
        this.checkOpen();
      }
      if (this.error !== undefined) throw this.ioError('write');
    });
  }

  seek(): Promise<number> {
    return this.serial(async () => {
      this.checkOpen();
      throw this.fail('NOT_SEEKABLE', 'the stream is not seekable (only files are)');
    });
  }

  flush(signal?: AbortSignal): Promise<void> {
    return this.serial(async () => {
      this.checkOpen();
      const w = this.writable;
      if (w === undefined) return;
      if (w.writableLength === 0 || w.writableEnded || w.destroyed) return;
      // An empty write's callback runs after every chunk before it was handed on.
      await new Promise<void>((resolve, reject) => {
        const onAbort = () => reject(aborted(signal, this.name));
        signal?.addEventListener('abort', onAbort, { once: true });
        w.write(Buffer.alloc(0), (e) => {
          signal?.removeEventListener('abort', onAbort);
          if (e) reject(this.fail('STREAM_IO', `flush failed: ${e.message}`, e));
          else resolve();
        });
      });
    });
  }

  stat(): Promise<StreamStat> {
    return this.serial(async () => {
      const r = this.readable;
      const w = this.writable;
      return {
        size: this.size,
        position: r !== undefined ? this.readBytes : this.written,
        readable: !this.destroyed && r !== undefined && !r.readableEnded && !r.destroyed,
        writable: !this.destroyed && w !== undefined && !w.writableEnded && !w.destroyed,
        seekable: false,
      };
    });
  }

  end(signal?: AbortSignal): Promise<void> {
    return this.serial(async () => {
      const w = this.writable;
      if (this.destroyed || w === undefined || w.writableFinished || w.destroyed) return;
      await new Promise<void>((resolve, reject) => {
        const done = () => {
          signal?.removeEventListener('abort', onAbort);
          w.off('finish', done);
          w.off('close', done);
          if (this.error !== undefined) reject(this.ioError('close'));
          else resolve();
        };
        const onAbort = () => done();
        signal?.addEventListener('abort', onAbort, { once: true });
        w.once('finish', done);
        w.once('close', done);
        if (!w.writableEnded) w.end();
      });
    });
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.leftover = null;
    const s = (this.readable ?? this.writable)!;
    s.off('readable', this.onEvent);
    s.off('end', this.onEvent);
    s.off('drain', this.onEvent);
    s.off('close', this.onEvent);
    // The error listener stays: a late error from a destroyed source must not crash the host.
    if (!s.destroyed) s.destroy();
    this.onDestroy?.();
    this.onEvent();
  }
}

/** A file: reads and writes at its own position, seekable, size from fstat. */
export class FileStreamSource extends StreamSource {
  private position: number;
  constructor(
    name: string,
    private readonly fh: FileHandle,
    private readonly canRead: boolean,
    private readonly canWrite: boolean,
    private readonly append: boolean,
    position = 0,
  ) {
    super(name);
    this.position = position;
  }

  read(size: number): Promise<Uint8Array | null> {
    return this.serial(async () => {
      this.checkOpen();
      if (!this.canRead) throw this.fail('STREAM_NOT_READABLE', 'the file was opened for writing only');
      const buf = Buffer.allocUnsafe(size);
      let n: number;
      try {
        n = (await this.fh.read(buf, 0, size, this.position)).bytesRead;
      } catch (e) {
        throw this.fail('STREAM_IO', `read failed: ${(e as Error).message}`, e);
      }
      if (n === 0) return null;
      this.position += n;
      return n === size ? buf : buf.subarray(0, n);
    });
  }

  write(data: Uint8Array): Promise<void> {
    return this.serial(async () => {
      this.checkOpen();
      if (!this.canWrite) throw this.fail('STREAM_NOT_WRITABLE', 'the file was opened for reading only');
      try {
        if (this.append) this.position = (await this.fh.stat()).size;
        let off = 0;
        while (off < data.length) {
          const { bytesWritten } = await this.fh.write(data, off, data.length - off, this.position);
          off += bytesWritten;
          this.position += bytesWritten;
        }
      } catch (e) {
        throw this.fail('STREAM_IO', `write failed: ${(e as Error).message}`, e);
      }
    });
  }

  seek(offset: number, whence: Whence): Promise<number> {
    return this.serial(async () => {
      this.checkOpen();
      const base = whence === 'start' ? 0 : whence === 'current' ? this.position : (await this.fh.stat()).size;
      const to = base + offset;
      if (to < 0) throw this.fail('STREAM_BAD_ARGUMENT', `seek to ${to} (offset ${offset} from ${whence}) is before the start`);
      this.position = to;
      return to;
    });
  }

  flush(): Promise<void> {
    // Writes are not buffered here: each one reached the OS before it resolved.
    return this.serial(async () => this.checkOpen());
  }

  stat(): Promise<StreamStat> {
    return this.serial(async () => {
      const size = this.destroyed ? -1 : (await this.fh.stat()).size;
      return { size, position: this.position, readable: !this.destroyed && this.canRead, writable: !this.destroyed && this.canWrite, seekable: true };
    });
  }

  end(): Promise<void> {
    return this.serial(async () => {
      if (this.destroyed) return;
      this.destroyed = true;
      await this.fh.close();
    });
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.fh.close().catch(() => undefined);
  }
}
