// Compiled by `tsc` (npm run typecheck), never run: the helpers' result types.
import type { Command } from '@switchyard/dispatcher';
import type { StreamHandle } from '@switchyard/plugin-stream';
import type { SwitchyardError } from '@switchyard/errors';
import { get, json, post, request, requestBatch, respond, serverAddress, text, type HttpResponse, type ServerAddress, type ServerRequest, type StreamedResponse } from '../src/index.js';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const assert = <T extends true>(_: T) => {};

export function* typed(req: ServerRequest): Generator<Command, void, unknown> {
  const a = yield* request({ url: 'http://x/' });
  assert<Equal<typeof a, HttpResponse>>(true);
  const b = yield* request({ url: 'http://x/', stream: true });
  assert<Equal<typeof b, StreamedResponse>>(true);
  assert<Equal<typeof b.body, StreamHandle>>(true);
  const c = yield* get('http://x/', { stream: true });
  assert<Equal<typeof c, StreamedResponse>>(true);
  const d = yield* post('http://x/', { json: { a: 1 } });
  assert<Equal<typeof d, HttpResponse>>(true);
  const t: string = text(d);
  const n = json<{ n: number }>(d).n;
  assert<Equal<typeof n, number>>(true);
  const [r1, r2] = yield* requestBatch([{ url: 'http://x/' }, { url: 'http://y/', stream: true }]);
  if (r1.ok) assert<Equal<typeof r1.response, HttpResponse>>(true);
  else assert<Equal<typeof r1.error, SwitchyardError>>(true);
  if (r2.ok) assert<Equal<typeof r2.response, StreamedResponse>>(true);
  const sent = yield* respond(req, { status: 200, json: { ok: true } });
  assert<Equal<typeof sent, boolean>>(true);
  const addr = yield* serverAddress();
  assert<Equal<typeof addr, ServerAddress>>(true);
  // @ts-expect-error the URL is required
  yield* request({ method: 'GET' });
  // @ts-expect-error text() needs the body in memory, not a stream handle
  text(b);
  void t;
}
