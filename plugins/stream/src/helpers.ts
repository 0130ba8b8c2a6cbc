import type { Command } from '@switchyard/dispatcher';
import { close, createScanner, read, scan, write, type ScannerOptions, type StreamHandle } from './commands.js';
import { StreamError } from './source.js';

/** Default cap of readAll(): 120 MiB. */
export const DEFAULT_MAX_BYTES = 120 * 1024 * 1024;

/** Read a stream to its end; fails with STREAM_TOO_LARGE past `max` bytes (nothing past it is kept). */
export function* readAll(stream: StreamHandle, max: number = DEFAULT_MAX_BYTES): Generator<Command, Uint8Array, unknown> {
  const parts: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const chunk = yield* read(stream, Math.max(1, Math.min(64 * 1024, max - total + 1)));
    if (chunk === null) break;
    total += chunk.length;
    if (total > max) throw new StreamError('STREAM_TOO_LARGE', `stream ${stream.id}`, `is longer than the ${max} bytes readAll() accepts`);
    parts.push(chunk);
  }
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Call `each` with every line of the stream (`\n` or `\r\n`, stripped); returns the number of lines. */
export function* eachLine(
  stream: StreamHandle,
  each: (line: string) => void | Generator<Command, void, unknown>,
  options: Omit<ScannerOptions, 'split'> = {},
): Generator<Command, number, unknown> {
  const scanner = yield* createScanner(stream, { ...options, split: 'lines' });
  let n = 0;
  try {
    for (;;) {
      const line = yield* scan(scanner);
      if (line === null) return n;
      n++;
      const r = each(line);
      if (r !== undefined) yield* r;
    }
  } finally {
    yield* close(scanner);
  }
}

/** Every line of the stream in an array (for small inputs; eachLine or a scanner for large ones). */
export function* lines(stream: StreamHandle, options: Omit<ScannerOptions, 'split'> = {}): Generator<Command, string[], unknown> {
  const out: string[] = [];
  yield* eachLine(stream, (l) => void out.push(l), options);
  return out;
}

/**
 * Copy `from` to `to` until the end of `from`, one chunk in flight at a time (memory stays at one
 * chunk plus the streams' own buffers). Closes neither stream. Returns the number of bytes copied.
 */
export function* pipe(from: StreamHandle, to: StreamHandle, chunkSize = 64 * 1024): Generator<Command, number, unknown> {
  let n = 0;
  for (;;) {
    const chunk = yield* read(from, chunkSize);
    if (chunk === null) return n;
    yield* write(to, chunk);
    n += chunk.length;
  }
}
