import { open } from 'node:fs/promises';
import { isAbsolute, relative, resolve } from 'node:path';
import type { Handler, ResultReceiver, Tag } from '@switchyard/dispatcher';
import { describeValue } from '@switchyard/errors';
import type { Pid, PluginContext, ResourceTable } from '@switchyard/runtime';
import {
  MAX_READ_SIZE,
  OPEN_MODES,
  StreamCommand,
  type CloseCmd,
  type FlushCmd,
  type OpenCmd,
  type ReadCmd,
  type ScannerCreateCmd,
  type ScannerScanCmd,
  type SeekCmd,
  type Split,
  type StatCmd,
  type WriteCmd,
} from './commands.js';
import { STREAM_KIND, useStream } from './adopt.js';
import { Scanner } from './scanner.js';
import { FileStreamSource, StreamError, type StreamSource } from './source.js';

const SCANNER_KIND = 'scanner';
const SPLITS: readonly Split[] = ['lines', 'words', 'bytes', 'runes'];
const WHENCES = ['start', 'current', 'end'];

interface ScannerEntry {
  readonly scanner: Scanner;
  readonly stream: unknown;
}

function bad(what: string, message: string): StreamError {
  return new StreamError('STREAM_BAD_ARGUMENT', what, message);
}

/** Copy-free plain Uint8Array view of a Buffer (results cross the codec as plain bytes). */
function plain(b: Uint8Array): Uint8Array {
  return b.constructor === Uint8Array ? b : new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

function settle<T>(p: Promise<T>, tag: Tag, rx: ResultReceiver): void {
  p.then(
    (v) => rx.completeYield(tag, v),
    (e: unknown) => rx.completeYield(tag, undefined, e),
  );
}

export interface StreamHandlersOptions {
  /** When set, Open only reaches files under this directory. */
  root: string | undefined;
}

/** The stream commands over the runtime's resource table; one per installation. */
export class StreamHandlers {
  readonly resources: ResourceTable;
  private opened = 0;
  private readonly root: string | undefined;

  constructor(ctx: PluginContext, options: StreamHandlersOptions) {
    this.resources = ctx.resources;
    this.root = options.root === undefined ? undefined : resolve(options.root);
  }

  stats(): Record<string, number> {
    return { streams: this.resources.count(STREAM_KIND), scanners: this.resources.count(SCANNER_KIND), opened: this.opened };
  }

  private stream(pid: Pid, handle: unknown): StreamSource {
    return useStream(this.resources, pid, handle);
  }

  readonly read: Handler<ReadCmd> = (ctx, cmd, tag, rx) => {
    const s = this.stream(ctx.pid, cmd.stream);
    const size = cmd.size;
    if (!(Number.isInteger(size) && size >= 1 && size <= MAX_READ_SIZE)) throw bad(s.name, `read size must be an integer in 1..${MAX_READ_SIZE}, got ${describeValue(size)}`);
    const signal = s instanceof FileStreamSource ? undefined : ctx.signal;
    settle(s.read(size, signal).then((b) => (b === null ? null : plain(b))), tag, rx);
  };

  readonly write: Handler<WriteCmd> = (ctx, cmd, tag, rx) => {
    const s = this.stream(ctx.pid, cmd.stream);
    const d = cmd.data;
    let bytes: Uint8Array;
    if (typeof d === 'string') bytes = Buffer.from(d, 'utf8');
    else if (d instanceof Uint8Array) bytes = d;
    else throw bad(s.name, `write takes a Uint8Array or a string, got ${describeValue(d)}`);
    settle(s.write(bytes, s instanceof FileStreamSource ? undefined : ctx.signal), tag, rx);
  };

  readonly seek: Handler<SeekCmd> = (ctx, cmd, tag, rx) => {
    const s = this.stream(ctx.pid, cmd.stream);
    if (!Number.isSafeInteger(cmd.offset)) throw bad(s.name, `seek offset must be an integer, got ${describeValue(cmd.offset)}`);
    if (!WHENCES.includes(cmd.whence)) throw bad(s.name, `seek whence must be "start", "current" or "end", got ${describeValue(cmd.whence)}`);
    settle(s.seek(cmd.offset, cmd.whence), tag, rx);
  };

  readonly flush: Handler<FlushCmd> = (ctx, cmd, tag, rx) => {
    const s = this.stream(ctx.pid, cmd.stream);
    settle(s.flush(ctx.signal), tag, rx);
  };

  readonly stat: Handler<StatCmd> = (ctx, cmd, tag, rx) => {
    settle(this.stream(ctx.pid, cmd.stream).stat(), tag, rx);
  };

  readonly close: Handler<CloseCmd> = (ctx, cmd, tag, rx) => {
    const h = cmd.stream as { kind?: unknown } | null;
    if (h?.kind === SCANNER_KIND) {
      this.resources.close(ctx.pid, h, SCANNER_KIND);
      rx.completeYield(tag, undefined);
      return;
    }
    const s = this.stream(ctx.pid, h);
    const pid = ctx.pid;
    // End the writable side gracefully, then drop the handle (destroying the source).
    settle(
      s.end(ctx.signal).finally(() => {
        if (this.resources.get({ kind: STREAM_KIND, id: (h as { id: number }).id }) === s) this.resources.close(pid, h, STREAM_KIND);
      }),
      tag,
      rx,
    );
  };

  readonly scannerCreate: Handler<ScannerCreateCmd<string | Uint8Array>> = (ctx, cmd, tag, rx) => {
    const s = this.stream(ctx.pid, cmd.stream);
    const o = cmd.options ?? {};
    if (typeof o !== 'object') throw bad(s.name, `scanner options must be an object, got ${describeValue(o)}`);
    for (const k of Object.keys(o)) if (k !== 'split' && k !== 'maxToken') throw bad(s.name, `${describeValue(k)} is not a scanner option; known: split, maxToken`);
    const split = o.split ?? 'lines';
    if (!SPLITS.includes(split)) throw bad(s.name, `scanner split must be one of ${SPLITS.join(', ')}, got ${describeValue(split)}`);
    const maxToken = o.maxToken ?? 64 * 1024;
    if (!(Number.isInteger(maxToken) && maxToken >= 1 && maxToken <= MAX_READ_SIZE)) throw bad(s.name, `scanner maxToken must be an integer in 1..${MAX_READ_SIZE}, got ${describeValue(maxToken)}`);
    const entry: ScannerEntry = { scanner: new Scanner(split, maxToken, s.name, Math.min(64 * 1024, Math.max(4096, maxToken))), stream: cmd.stream };
    rx.completeYield(tag, this.resources.add(ctx.pid, SCANNER_KIND, entry));
  };

  readonly scannerScan: Handler<ScannerScanCmd<string | Uint8Array>> = (ctx, cmd, tag, rx) => {
    const e = this.resources.use<ScannerEntry>(ctx.pid, cmd.scanner, SCANNER_KIND);
    const pid = ctx.pid;
    const signal = ctx.signal;
    // The stream is checked at every pull: closing or transferring it stops its scanner.
    settle(e.scanner.scan((size) => this.stream(pid, e.stream).read(size, signal)), tag, rx);
  };

  readonly open: Handler<OpenCmd> = (ctx, cmd, tag, rx) => {
    const path = cmd.path;
    if (typeof path !== 'string' || path === '' || path.includes('\0')) throw bad('file', `open takes a non-empty path, got ${describeValue(path)}`);
    const name = `file ${JSON.stringify(path)}`;
    if (!OPEN_MODES.includes(cmd.mode)) throw bad(name, `open mode must be one of ${OPEN_MODES.join(', ')}, got ${describeValue(cmd.mode)}`);
    let full = resolve(path);
    if (this.root !== undefined) {
      full = resolve(this.root, path);
      const rel = relative(this.root, full);
      if (rel.startsWith('..') || isAbsolute(rel)) throw new StreamError('STREAM_OPEN_FAILED', name, `is outside the stream root ${JSON.stringify(this.root)}`);
    }
    const mode = cmd.mode;
    const pid = ctx.pid;
    const signal = ctx.signal;
    settle(
      open(full, mode).then(
        (fh) => {
          // The process ended while the file opened: nobody would ever close it.
          if (signal.aborted) {
            void fh.close();
            return null;
          }
          const readable = mode === 'r' || mode.endsWith('+');
          const writable = mode !== 'r';
          const src = new FileStreamSource(name, fh, readable, writable, mode.startsWith('a'));
          this.opened++;
          try {
            return this.resources.add(pid, STREAM_KIND, src, (v) => v.destroy());
          } catch (e) {
            src.destroy();
            throw e;
          }
        },
        (e: unknown) => {
          throw new StreamError('STREAM_OPEN_FAILED', name, `open failed: ${(e as Error).message}`, { cause: e });
        },
      ),
      tag,
      rx,
    );
  };

  get handlers(): Record<number, Handler<never>> {
    return {
      [StreamCommand.Read]: this.read,
      [StreamCommand.Close]: this.close,
      [StreamCommand.Write]: this.write,
      [StreamCommand.Seek]: this.seek,
      [StreamCommand.Flush]: this.flush,
      [StreamCommand.Stat]: this.stat,
      [StreamCommand.ScannerCreate]: this.scannerCreate,
      [StreamCommand.ScannerScan]: this.scannerScan,
      [StreamCommand.Open]: this.open,
    };
  }
}
