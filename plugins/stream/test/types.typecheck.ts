// Compiled by `tsc` (npm run typecheck), never run: the helpers' result types.
import type { Command } from '@switchyard/dispatcher';
import { createScanner, openFile, read, readAll, scan, stat, type StreamHandle, type StreamStat } from '../src/index.js';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const assert = <T extends true>(_: T) => {};

export function* typed(): Generator<Command, void, unknown> {
  const f = yield* openFile('/tmp/x');
  assert<Equal<typeof f, StreamHandle>>(true);
  const chunk = yield* read(f);
  assert<Equal<typeof chunk, Uint8Array | null>>(true);
  const st = yield* stat(f);
  assert<Equal<typeof st, StreamStat>>(true);
  const lines = yield* createScanner(f);
  const line = yield* scan(lines);
  assert<Equal<typeof line, string | null>>(true);
  const bytes = yield* createScanner(f, { split: 'bytes' });
  const b = yield* scan(bytes);
  assert<Equal<typeof b, Uint8Array | null>>(true);
  const all = yield* readAll(f);
  assert<Equal<typeof all, Uint8Array>>(true);
  // @ts-expect-error a scanner is not a stream
  yield* read(lines);
  // @ts-expect-error not a mode
  yield* openFile('/tmp/x', 'rw');
}
