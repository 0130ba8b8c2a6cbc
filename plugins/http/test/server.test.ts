import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRuntime, receive, type Runtime } from '@switchyard/runtime';
import { openFile, readAll, streamPlugin } from '@switchyard/plugin-stream';
import { describe, expect, it } from 'vitest';
import { httpPlugin, respond, serverAddress, type LogEntry, type Route, type ServerOptions, type ServerRequest } from '../src/index.js';
import { pause } from './harness.js';

/** A route whose process waits forever, counting the processes started and those whose finally ran. */
function waitingRoute(path: string): { route: Route; started: number; cleanedUp: number } {
  const counts = {
    started: 0,
    cleanedUp: 0,
    route: {
      method: 'GET',
      path,
      *handler() {
        counts.started++;
        try {
          yield* receive({ topic: 'never' });
        } finally {
          counts.cleanedUp++;
        }
        return { body: 'late' };
      },
    } as Route,
  };
  return counts;
}

async function withServer(routes: Route[], extra: Partial<ServerOptions> = {}): Promise<{ rt: Runtime; url: string; logs: LogEntry[] } & AsyncDisposable> {
  const logs: LogEntry[] = [];
  const rt = createRuntime({ plugins: [streamPlugin(), httpPlugin({ server: { port: 0, routes, log: (e) => logs.push(e), ...extra } })], stopTimeoutMs: 3000 });
  await rt.start();
  const url = await rt.run(function* () {
    return (yield* serverAddress()).url;
  });
  return { rt, url, logs, [Symbol.asyncDispose]: () => rt.stop() };
}

describe('server: routing requests to processes', () => {
  it('routes by method and path with params and query; answers text, JSON, bytes and 204', async () => {
    const seen: string[] = [];
    await using s = await withServer([
      {
        method: 'GET',
        path: '/users/:id/posts/:post',
        *handler(ctx, req) {
          seen.push(ctx.pid);
          return { json: { params: req.params, query: req.query, path: req.path } };
        },
      },
      { method: ['POST', 'PUT'], path: '/echo', *handler(_ctx, req) { return { status: 201, headers: { 'x-len': String(req.body.length) }, body: req.body }; } },
      { method: 'GET', path: '/files/*rest', *handler(_ctx, req) { return { body: `rest=${req.params.rest}` }; } },
      { method: 'DELETE', path: '/nothing', *handler() {} },
    ]);
    const a = await fetch(`${s.url}/users/42/posts/h%C3%A9llo?x=1&x=2&y=3`);
    expect(a.status).toBe(200);
    expect(a.headers.get('content-type')).toBe('application/json');
    expect(await a.json()).toEqual({ params: { id: '42', post: 'héllo' }, query: { x: ['1', '2'], y: '3' }, path: '/users/42/posts/héllo' });
    const b = await fetch(`${s.url}/echo`, { method: 'PUT', body: 'payload' });
    expect([b.status, b.headers.get('x-len'), b.headers.get('content-type'), await b.text()]).toEqual([201, '7', 'application/octet-stream', 'payload']);
    const c = await fetch(`${s.url}/files/a/b/c.txt`);
    expect(await c.text()).toBe('rest=a/b/c.txt');
    const d = await fetch(`${s.url}/nothing`, { method: 'DELETE' });
    expect(d.status).toBe(204);
    const e = await fetch(`${s.url}/echo`);
    expect([e.status, e.headers.get('allow')]).toEqual([405, 'POST, PUT']);
    expect((await fetch(`${s.url}/none`)).status).toBe(404);
    expect(seen).toHaveLength(1);
    // Each request ran as its own process and left nothing behind.
    expect(s.rt.stats().resources.byKind['http.request'] ?? 0).toBe(0);
    expect(s.rt.stats().plugins.http).toMatchObject({ serving: 0 });
  });

  it('answers with a stream handle (a file, piped then closed) and hands stream routes the body as a stream', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sy-srv-'));
    try {
      writeFileSync(join(dir, 'page.html'), '<h1>hi</h1>'.repeat(10_000));
      await using s = await withServer([
        { method: 'GET', path: '/page', *handler() { return { headers: { 'content-type': 'text/html' }, body: yield* openFile(join(dir, 'page.html')) }; } },
        { method: 'POST', path: '/upload', stream: true, *handler(_ctx, req) { return { body: `got ${(yield* readAll(req.bodyStream!)).length}` }; } },
      ]);
      const page = await fetch(`${s.url}/page`);
      expect([page.headers.get('content-type'), (await page.text()).length]).toEqual(['text/html', 110_000]);
      const up = await fetch(`${s.url}/upload`, { method: 'POST', body: 'z'.repeat(3_000_000) });
      expect(await up.text()).toBe('got 3000000');
      expect(s.rt.stats().resources.live).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a body over the cap with 413, declared or streamed, without running a process', async () => {
    let ran = 0;
    await using s = await withServer([{ method: 'POST', path: '/in', *handler() { ran++; return { body: 'ok' }; } }], { bodyLimit: 1000 });
    const declared = await fetch(`${s.url}/in`, { method: 'POST', body: 'x'.repeat(1001) });
    expect(declared.status).toBe(413);
    const chunked = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(`${s.url}/in`, { method: 'POST' }, (res) => resolve(res.statusCode!));
      req.on('error', reject);
      req.write('y'.repeat(800));
      req.end('y'.repeat(800));
    });
    expect(chunked).toBe(413);
    expect((await fetch(`${s.url}/in`, { method: 'POST', body: 'x'.repeat(1000) })).status).toBe(200);
    expect(ran).toBe(1);
  });

  it('answers 408 when the headers do not arrive in time', async () => {
    await using s = await withServer([{ method: 'GET', path: '/', *handler() { return { body: 'ok' }; } }], { headersTimeout: 200 });
    const port = Number(new URL(s.url).port);
    const reply = await new Promise<string>((resolve) => {
      const sock = connect(port, '127.0.0.1', () => sock.write('GET / HTTP/1.1\r\nHost: x\r\n'));
      let data = '';
      sock.on('data', (d) => (data += d.toString()));
      sock.on('close', () => resolve(data));
    });
    expect(reply).toMatch(/^HTTP\/1\.1 408/);
  });

  it('an uncaught error answers 500 without the stack, and is logged with the PID', async () => {
    let pid = '';
    await using s = await withServer([
      {
        method: 'GET',
        path: '/boom',
        *handler(ctx) {
          pid = ctx.pid;
          throw new Error('secret detail at /srv/app.ts:12');
        },
      },
      { method: 'GET', path: '/bad', *handler() { return { status: 99 }; } },
      { method: 'GET', path: '/bad-header', *handler() { return { headers: { 'x-ok': 'yes', 'x-split': 'a\r\nset-cookie: evil=1' }, body: 'never sent' }; } },
    ]);
    const res = await fetch(`${s.url}/boom`);
    const body = await res.text();
    expect([res.status, body]).toEqual([500, 'Internal Server Error']);
    expect(s.logs).toEqual([expect.objectContaining({ level: 'error', pid, method: 'GET', path: '/boom', error: expect.objectContaining({ message: 'secret detail at /srv/app.ts:12' }) })]);
    // A response the server cannot send is the route's error too.
    const bad = await fetch(`${s.url}/bad`);
    expect(bad.status).toBe(500);
    expect(s.logs[1]).toMatchObject({ level: 'error', path: '/bad', error: { code: 'HTTP_BAD_RESPONSE', message: expect.stringContaining('status must be an integer in 200..599, got 99') } });
    // A header node refuses (response splitting) is refused before anything is sent: a plain 500.
    const split = await fetch(`${s.url}/bad-header`);
    expect([split.status, split.headers.get('set-cookie'), split.headers.get('x-ok'), await split.text()]).toEqual([500, null, null, 'Internal Server Error']);
    expect(s.logs[2]).toMatchObject({ level: 'error', path: '/bad-header', error: { code: 'HTTP_BAD_RESPONSE', message: expect.stringContaining('"x-split"') } });
  });

  it('terminates the request process when the client goes away', async () => {
    const wait = waitingRoute('/wait');
    await using s = await withServer([wait.route]);
    const req = httpRequest(`${s.url}/wait`);
    req.on('error', () => undefined);
    req.end();
    while (wait.started === 0) await pause(5);
    req.destroy();
    while (wait.cleanedUp === 0) await pause(5);
    expect(s.rt.stats().plugins.http).toMatchObject({ serving: 0 });
  });


  it('terminates every process of pipelined requests when their connection goes away, and the next connection is served', async () => {
    const wait = waitingRoute('/wait/:n');
    await using s = await withServer([
      wait.route,
      { method: 'GET', path: '/hello', *handler(_ctx, req) { return { json: { params: req.params, query: req.query } }; } },
    ]);
    const { port } = new URL(s.url);
    const socket = connect(Number(port), '127.0.0.1');
    socket.on('error', () => undefined);
    // Three requests in one write: node hands them over one after another while the first is unanswered.
    socket.write('GET /wait/1 HTTP/1.1\r\nHost: x\r\n\r\nGET /wait/2 HTTP/1.1\r\nHost: x\r\n\r\nGET /wait/3 HTTP/1.1\r\nHost: x\r\n\r\n');
    while (wait.started < 3) await pause(5);
    expect(s.rt.stats().plugins.http).toMatchObject({ serving: 3 });
    socket.destroy();
    while (wait.cleanedUp < 3) await pause(5);
    expect(s.rt.stats().plugins.http).toMatchObject({ serving: 0 });
    expect(s.rt.stats().resources.byKind['http.request'] ?? 0).toBe(0);
    // A literal route gets empty params and query; the server still answers.
    expect(await (await fetch(`${s.url}/hello`)).json()).toEqual({ params: {}, query: {} });
  });
  it('sends a route to a long-lived named process that answers with respond()', async () => {
    await using s = await withServer([{ method: 'GET', path: '/count/:n', to: 'counter' }]);
    const pid = s.rt.spawn(function* () {
      let total = 0;
      for (;;) {
        const { payload: req } = yield* receive<ServerRequest>({ topic: 'http.request' });
        total += Number(req.params.n);
        if (req.params.n === '0') return total; // leaves without answering
        yield* respond(req, { json: { total } });
      }
    });
    s.rt.register('counter', pid);
    expect(await (await fetch(`${s.url}/count/2`)).json()).toEqual({ total: 2 });
    expect(await (await fetch(`${s.url}/count/3`)).json()).toEqual({ total: 5 });
    expect((await fetch(`${s.url}/count/0`)).status).toBe(500);
    expect((await fetch(`${s.url}/count/1`)).status).toBe(503); // nobody is registered any more
  });

  it('answers 503 when the mailbox of the named process is full, or when it ends with the request unread', async () => {
    await using s = await withServer([{ method: 'GET', path: '/q', to: 'busy' }]);
    const pid = s.rt.spawnWith({ mailbox: { capacity: 1, overflow: 'error' } }, function* () {
      yield* receive({ topic: 'never' });
    });
    s.rt.register('busy', pid);
    const first = fetch(`${s.url}/q`);
    while ((s.rt.stats().resources.byKind['http.request'] ?? 0) === 0) await pause(5);
    expect((await fetch(`${s.url}/q`)).status).toBe(503);
    expect(s.logs).toEqual([expect.objectContaining({ level: 'warn', pid, message: expect.stringContaining('refused the request') })]);
    s.rt.terminate(pid);
    expect((await first).status).toBe(503);
    expect(s.rt.stats().resources.live).toBe(0);
  });
});

describe('server: graceful shutdown', () => {
  it('at rt.stop() stops accepting, lets running requests finish, terminates the rest after shutdownTimeout', async () => {
    const waiting: string[] = [];
    const s = await withServer(
      [
        {
          method: 'GET',
          path: '/slow/:name',
          *handler(ctx, req) {
            waiting.push(ctx.pid);
            yield* receive({ topic: 'finish' });
            return { body: `done ${req.params.name}` };
          },
        },
      ],
      { shutdownTimeout: 300 },
    );
    const get = (path: string) =>
      new Promise<{ status: number; body: string } | { error: string }>((resolve) => {
        const req = httpRequest(`${s.url}${path}`, { agent: false }, (res) => {
          let body = '';
          res.on('data', (d) => (body += d.toString()));
          res.on('end', () => resolve({ status: res.statusCode!, body }));
        });
        req.on('error', (e: NodeJS.ErrnoException) => resolve({ error: e.code ?? e.message }));
        req.end();
      });
    const finishing = get('/slow/a');
    const stuck = get('/slow/b');
    while (waiting.length < 2) await pause(5);
    const stopped = s.rt.stop();
    // No longer accepting: refused (or 503 while the close is under way).
    let late = await get('/slow/c');
    while ('status' in late && late.status === 503) late = await get('/slow/c');
    expect(late).toEqual({ error: 'ECONNREFUSED' });
    s.rt.send(waiting[0]!, 'finish', null);
    expect(await finishing).toEqual({ status: 200, body: 'done a' });
    // The other never finishes: terminated at shutdownTimeout, its client gets 503.
    expect(await stuck).toEqual({ status: 503, body: 'Service Unavailable' });
    await stopped;
    expect(s.rt.stats().processes.live).toBe(0);
  });
});
