import type { FileHandle } from 'node:fs/promises';
import { Stream, type Readable, type Writable } from 'node:stream';
import { describeValue } from '@switchyard/errors';
import type { Pid } from '@switchyard/runtime';
import { DEFAULT_READ_SIZE, type StreamHandle } from './commands.js';
import type { ResourceTable } from '@switchyard/runtime';
import { FileStreamSource, NodeStreamSource, StreamError, type StreamSource } from './source.js';

export const STREAM_KIND = 'stream';

export interface AdoptOptions {
  /** How messages name the stream, e.g. `http body of GET https://…`. Default: `stream`. */
  name?: string;
  /** Known total size in bytes (a Content-Length); -1 (default) when unknown. */
  size?: number;
  /** Called once when the stream is destroyed (closed, or its owner ended): abort what feeds it. */
  onDestroy?: () => void;
  /** For a FileHandle: whether it may be read / written (default both) and the starting position (0). */
  readable?: boolean;
  writable?: boolean;
  position?: number;
}

function isFileHandle(v: object): v is FileHandle {
  return !(v instanceof Stream) && typeof (v as FileHandle).fd === 'number' && typeof (v as FileHandle).stat === 'function';
}

/** Wrap a Node stream or FileHandle (not yet in the table). */
export function streamSource(source: Readable | Writable | FileHandle, options: AdoptOptions = {}): StreamSource {
  const name = options.name ?? 'stream';
  if (typeof source !== 'object' || source === null) {
    throw new StreamError('STREAM_BAD_ARGUMENT', name, `adoptStream() takes a Readable, Writable, Duplex or FileHandle, got ${describeValue(source)}`);
  }
  if (isFileHandle(source)) {
    return new FileStreamSource(name, source, options.readable ?? true, options.writable ?? true, false, options.position ?? 0);
  }
  if (!(source instanceof Stream)) {
    throw new StreamError('STREAM_BAD_ARGUMENT', name, `adoptStream() takes a Readable, Writable, Duplex or FileHandle, got ${describeValue(source)}`);
  }
  return new NodeStreamSource(name, source as Readable | Writable, options.size ?? -1, options.onDestroy);
}

/**
 * Put a Node Readable / Writable / Duplex or a FileHandle into the resource table as a stream
 * owned by `owner`. From then on the table owns it: it is destroyed when closed or when its owner
 * ends. Other plugins use this to hand out HTTP bodies, child pipes, sockets as stream handles.
 */
export function adoptStream(resources: ResourceTable, owner: Pid, source: Readable | Writable | FileHandle, options: AdoptOptions = {}): StreamHandle {
  const s = streamSource(source, options);
  return resources.add(owner, STREAM_KIND, s, (v) => v.destroy());
}

/** The stream behind a handle, checked against `pid` (NOT_OWNER / NO_SUCH_RESOURCE). */
export function useStream(resources: ResourceTable, pid: Pid, handle: unknown): StreamSource {
  return resources.use<StreamSource>(pid, handle, STREAM_KIND);
}

/**
 * The bytes of a stream the process `pid` owns, as an async iterable (for a request body, a
 * response body). Pulls one chunk at a time; the handle stays the process's, so it is freed with it.
 */
export function streamChunks(resources: ResourceTable, pid: Pid, handle: unknown, signal?: AbortSignal, chunkSize = DEFAULT_READ_SIZE): AsyncIterable<Uint8Array> {
  const s = useStream(resources, pid, handle);
  return {
    async *[Symbol.asyncIterator]() {
      for (;;) {
        const chunk = await s.read(chunkSize, signal);
        if (chunk === null) return;
        yield chunk;
      }
    },
  };
}
