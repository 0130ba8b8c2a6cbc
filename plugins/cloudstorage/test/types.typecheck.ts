// Compiled by `tsc` (npm run typecheck), never run: the helpers' result types.
import type { Command } from '@switchyard/dispatcher';
import type { StreamHandle } from '@switchyard/plugin-stream';
import {
  deleteObjects,
  downloadObject,
  downloadStream,
  headObject,
  listObjects,
  presignedGetURL,
  presignedPutURL,
  uploadObject,
  type DeleteResult,
  type ListResult,
  type ObjectInfo,
  type UploadResult,
} from '../src/index.js';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const assert = <T extends true>(_: T) => {};

export function* typed(body: StreamHandle): Generator<Command, void, unknown> {
  const page = yield* listObjects('s', { prefix: 'a/', maxKeys: 10 });
  assert<Equal<typeof page, ListResult>>(true);
  const bytes = yield* downloadObject('s', 'k', { range: { offset: 1 } });
  assert<Equal<typeof bytes.data, Uint8Array>>(true);
  const streamed = yield* downloadStream('s', 'k');
  assert<Equal<typeof streamed.stream, StreamHandle>>(true);
  const up = yield* uploadObject('s', 'k', body, { ifNoneMatch: '*' });
  assert<Equal<typeof up, UploadResult>>(true);
  const del = yield* deleteObjects('s', ['k']);
  assert<Equal<typeof del, DeleteResult>>(true);
  const url = yield* presignedGetURL('s', 'k');
  assert<Equal<typeof url, string>>(true);
  yield* presignedPutURL('s', 'k', { contentType: 'text/plain', contentLength: 3 });
  const info = yield* headObject('s', 'k');
  assert<Equal<typeof info, ObjectInfo | null>>(true);
  // @ts-expect-error only "*" is a valid If-None-Match for uploads
  yield* uploadObject('s', 'k', 'x', { ifNoneMatch: '"etag"' });
  // @ts-expect-error maxBytes is for bytes downloads only
  yield* downloadStream('s', 'k', { maxBytes: 1 });
  // @ts-expect-error a number is not a body
  yield* uploadObject('s', 'k', 42);
}
