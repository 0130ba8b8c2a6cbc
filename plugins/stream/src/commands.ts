import { CommandBase } from '@switchyard/dispatcher';
import type { Handle } from '@switchyard/runtime';

/** Stream command IDs (50–59). */
export const StreamCommand = {
  Read: 50,
  Close: 51,
  Write: 52,
  Seek: 53,
  Flush: 54,
  Stat: 55,
  ScannerCreate: 56,
  ScannerScan: 57,
  Open: 58,
} as const;

/** A byte stream in the resource table, owned by one process. Plain data: it can be sent and transferred. */
export type StreamHandle = Handle<'stream'>;

declare const tokenType: unique symbol;
/** A scanner over a stream; `T` is its token type (`Uint8Array` for `split: 'bytes'`, else string). */
export interface ScannerHandle<T extends string | Uint8Array = string> extends Handle<'scanner'> {
  readonly [tokenType]?: T;
}

export type Whence = 'start' | 'current' | 'end';
export type Split = 'lines' | 'words' | 'bytes' | 'runes';

export interface StreamStat {
  /** Total size in bytes; -1 when unknown (a socket, a body without Content-Length). */
  readonly size: number;
  /** Bytes read so far (written, for a write-only stream); the file offset for a file. */
  readonly position: number;
  readonly readable: boolean;
  readonly writable: boolean;
  readonly seekable: boolean;
}

export type OpenMode = 'r' | 'r+' | 'w' | 'w+' | 'a' | 'a+' | 'wx' | 'wx+';
export const OPEN_MODES: readonly OpenMode[] = ['r', 'r+', 'w', 'w+', 'a', 'a+', 'wx', 'wx+'];

export interface ScannerOptions {
  /** How to split: `lines` (default; `\n` or `\r\n`, stripped), `words` (Unicode spaces), `bytes`, `runes` (UTF-8 characters). */
  split?: Split;
  /** Longest token in bytes; a longer one fails with TOKEN_TOO_LONG. Default 65536. */
  maxToken?: number;
}

/** Default and largest sizes of one Read. */
export const DEFAULT_READ_SIZE = 64 * 1024;
export const MAX_READ_SIZE = 16 * 1024 * 1024;

export class ReadCmd extends CommandBase<Uint8Array | null> {
  readonly id = StreamCommand.Read;
  constructor(readonly stream: StreamHandle, readonly size: number) {
    super();
  }
}

export class CloseCmd extends CommandBase<void> {
  readonly id = StreamCommand.Close;
  constructor(readonly stream: StreamHandle | ScannerHandle<string | Uint8Array>) {
    super();
  }
}

export class WriteCmd extends CommandBase<void> {
  readonly id = StreamCommand.Write;
  constructor(readonly stream: StreamHandle, readonly data: Uint8Array | string) {
    super();
  }
}

export class SeekCmd extends CommandBase<number> {
  readonly id = StreamCommand.Seek;
  constructor(readonly stream: StreamHandle, readonly offset: number, readonly whence: Whence) {
    super();
  }
}

export class FlushCmd extends CommandBase<void> {
  readonly id = StreamCommand.Flush;
  constructor(readonly stream: StreamHandle) {
    super();
  }
}

export class StatCmd extends CommandBase<StreamStat> {
  readonly id = StreamCommand.Stat;
  constructor(readonly stream: StreamHandle) {
    super();
  }
}

export class ScannerCreateCmd<T extends string | Uint8Array> extends CommandBase<ScannerHandle<T>> {
  readonly id = StreamCommand.ScannerCreate;
  constructor(readonly stream: StreamHandle, readonly options: ScannerOptions) {
    super();
  }
}

export class ScannerScanCmd<T extends string | Uint8Array> extends CommandBase<T | null> {
  readonly id = StreamCommand.ScannerScan;
  constructor(readonly scanner: ScannerHandle<T>) {
    super();
  }
}

export class OpenCmd extends CommandBase<StreamHandle> {
  readonly id = StreamCommand.Open;
  constructor(readonly path: string, readonly mode: OpenMode) {
    super();
  }
}

/** Read up to `size` bytes (default 64 KiB); waits for at least one; `null` at the end of the stream. */
export const read = (stream: StreamHandle, size: number = DEFAULT_READ_SIZE): ReadCmd => new ReadCmd(stream, size);

/** Close a stream (a writable side is ended and flushed first) or a scanner. The handle is dead afterwards. */
export const close = (handle: StreamHandle | ScannerHandle<string | Uint8Array>): CloseCmd => new CloseCmd(handle);

/** Write bytes (a string is written as UTF-8). Resolves once the stream accepted them, after `drain` if it was full. */
export const write = (stream: StreamHandle, data: Uint8Array | string): WriteCmd => new WriteCmd(stream, data);

/** Move a file stream's position; resolves to the new position. Other streams fail with NOT_SEEKABLE. */
export const seek = (stream: StreamHandle, offset: number, whence: Whence = 'start'): SeekCmd => new SeekCmd(stream, offset, whence);

/** Wait until everything written so far was handed to the underlying resource. */
export const flush = (stream: StreamHandle): FlushCmd => new FlushCmd(stream);

/** Size, position and abilities of a stream. */
export const stat = (stream: StreamHandle): StatCmd => new StatCmd(stream);

/** A scanner over `stream`, owned by the caller. Tokens: strings, or one-byte Uint8Arrays with `split: 'bytes'`. */
export function createScanner(stream: StreamHandle, options?: ScannerOptions & { split?: Exclude<Split, 'bytes'> }): ScannerCreateCmd<string>;
export function createScanner(stream: StreamHandle, options: ScannerOptions & { split: 'bytes' }): ScannerCreateCmd<Uint8Array>;
export function createScanner(stream: StreamHandle, options: ScannerOptions = {}): ScannerCreateCmd<string | Uint8Array> {
  return new ScannerCreateCmd(stream, options);
}

/** The next token, or `null` once the stream is exhausted (and on every call after that). */
export const scan = <T extends string | Uint8Array>(scanner: ScannerHandle<T>): ScannerScanCmd<T> => new ScannerScanCmd(scanner);

/** Open a file as a stream owned by the caller. Modes as Node's `fs.open` flags; default `'r'`. */
export const openFile = (path: string, mode: OpenMode = 'r'): OpenCmd => new OpenCmd(path, mode);
