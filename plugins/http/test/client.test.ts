import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openFile } from '@switchyard/plugin-stream';
import { createRuntime } from '@switchyard/runtime';
import { get, HttpError, httpPlugin, json, post, request, RequestBatchCmd, requestBatch, text } from '../src/index.js';
import { deadPort, readBody, serve, withHttp } from './harness.js';

/** A server that answers with what it received. */
const echo = () =>
  serve(async (req, res) => {
    const body = await readBody(req);
    res.setHeader('set-cookie', ['a=1', 'b=2']);
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ method: req.method, url: req.url, headers: req.headers, body: body.toString('latin1') }));
  });

interface Echo {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string;
}

describe('Request 60', () => {
  it('sends method, query and multi-value headers; returns status, headers (repeated ones as arrays) and the body', async () => {
    await using h = await withHttp();
    await using s = await echo();
    const res = await h.rt.run(function* () {
      return yield* request({ method: 'put', url: `${s.url}/items?x=1`, query: { tag: ['a', 'b'], n: 2 }, headers: { 'X-Many': ['one', 'two'], 'x-one': 'v' }, body: 'hi' });
    });
    expect(res.status).toBe(200);
    expect(res.headers['set-cookie']).toEqual(['a=1', 'b=2']);
    expect(res.url).toBe(`${s.url}/items?x=1&tag=a&tag=b&n=2`);
    const e = json<Echo>(res);
    expect(e).toMatchObject({ method: 'PUT', url: '/items?x=1&tag=a&tag=b&n=2', body: 'hi' });
    expect(e.headers['x-many']).toBe('one, two');
    expect(e.headers['x-one']).toBe('v');
  });

  it('encodes json, form, multipart and bytes bodies with their content types', async () => {
    await using h = await withHttp();
    await using s = await echo();
    const out = await h.rt.run(function* () {
      const a = json<Echo>(yield* post(s.url, { json: { k: [1, 2] } }));
      const b = json<Echo>(yield* post(s.url, { form: { q: 'a b', r: ['1', '2'] } }));
      const c = json<Echo>(yield* post(s.url, { multipart: { field: 'v', file: { filename: 'f.bin', data: new Uint8Array([1, 2, 3]), type: 'application/x-test' } } }));
      const d = json<Echo>(yield* post(s.url, { body: new Uint8Array([0xff, 0x00]) }));
      return { a, b, c, d };
    });
    expect(out.a.body).toBe('{"k":[1,2]}');
    expect(out.a.headers['content-type']).toBe('application/json');
    expect(out.b.body).toBe('q=a+b&r=1&r=2');
    expect(out.b.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(out.c.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    expect(out.c.body).toContain('name="file"; filename="f.bin"');
    expect(out.c.body).toContain('Content-Type: application/x-test\r\n\r\n\u0001\u0002\u0003\r\n');
    expect(out.c.body).toContain('name="field"\r\n\r\nv\r\n');
    expect(out.d.body).toBe('\u00ff\u0000');
  });

  it('sends a stream handle the process owns as the body', async () => {
    await using h = await withHttp();
    await using s = await echo();
    const dir = mkdtempSync(join(tmpdir(), 'sy-http-'));
    try {
      writeFileSync(join(dir, 'up.txt'), 'x'.repeat(200_000));
      const body = await h.rt.run(function* () {
        const f = yield* openFile(join(dir, 'up.txt'));
        return json<Echo>(yield* post(s.url, { body: f })).body.length;
      });
      expect(body).toBe(200_000);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('any status is a result; text() and json() read the body; json() of a non-JSON body names the URL', async () => {
    await using h = await withHttp();
    await using s = await serve((req, res) => {
      res.statusCode = req.url === '/missing' ? 404 : 500;
      res.end('nope');
    });
    const out = await h.rt.run(function* () {
      const a = yield* get(`${s.url}/missing`);
      const b = yield* get(`${s.url}/broken`);
      return { a: a.status, b: b.status, text: text(b), err: (() => { try { json(b); return ''; } catch (e) { return `${(e as { code: string }).code} ${(e as Error).message}`; } })() };
    });
    expect(out).toEqual({ a: 404, b: 500, text: 'nope', err: expect.stringMatching(new RegExp(`^HTTP_BAD_JSON the body of ${s.url}/broken \\(status 500\\)`)) });
  });

  it('follows redirects (303 and POST→GET), or hands a 3xx back with redirect: manual, and stops after maxRedirects', async () => {
    await using h = await withHttp();
    await using s = await serve(async (req, res) => {
      const body = await readBody(req);
      if (req.url === '/a') res.writeHead(302, { location: '/b' }).end();
      else if (req.url === '/b') res.writeHead(303, { location: '/c' }).end();
      else if (req.url === '/loop') res.writeHead(301, { location: '/loop' }).end();
      else if (req.url === '/keep') res.writeHead(307, { location: '/c' }).end();
      else res.end(`${req.method} ${req.url} ${body.length}`);
    });
    const out = await h.rt.run(function* () {
      const a = yield* post(`${s.url}/a`, { body: 'data' });
      const k = yield* post(`${s.url}/keep`, { body: 'data' });
      const m = yield* get(`${s.url}/a`, { redirect: 'manual' });
      let loop = '';
      try {
        yield* get(`${s.url}/loop`, { maxRedirects: 3 });
      } catch (e) {
        loop = (e as { code: string }).code;
      }
      return { a: [text(a), a.url, a.redirects], k: text(k), m: [m.status, m.headers.location], loop };
    });
    expect(out).toEqual({ a: ['GET /c 0', `${s.url}/c`, 2], k: 'POST /c 4', m: [302, '/b'], loop: 'HTTP_PROTOCOL' });
  });

  it('a URL string used again goes where it says: after a redirect, with a query, with credentials, with another method', async () => {
    await using h = await withHttp();
    await using s = await serve(async (req, res) => {
      await readBody(req);
      if (req.url === '/moved') res.writeHead(302, { location: '/there' }).end();
      else res.end(`${req.method} ${req.url} ${req.headers.authorization ?? '-'}`);
    });
    const moved = `${s.url}/moved`;
    const plain = `${s.url}/p?x=1`;
    const secret = s.url.replace('http://', 'http://u:pw@') + '/s';
    const auth = `Basic ${Buffer.from('u:pw').toString('base64')}`;
    const out = await h.rt.run(function* () {
      const seen: string[] = [];
      for (let i = 0; i < 2; i++) {
        const r = yield* get(moved);
        seen.push(`${text(r)} ${r.url}`);
        seen.push(text(yield* get(moved, { redirect: 'manual' })) || 'manual');
        seen.push(text(yield* get(plain)));
        seen.push(text(yield* get(plain, { query: { y: i } })));
        seen.push(text(yield* request({ url: plain, method: 'delete' })));
        seen.push(text(yield* get(secret)));
      }
      return seen;
    });
    const once = [`GET /there - ${s.url}/there`, 'manual', 'GET /p?x=1 -', 'GET /p?x=1&y=N -', 'DELETE /p?x=1 -', `GET /s ${auth}`];
    expect(out).toEqual([...once.map((x) => x.replace('N', '0')), ...once.map((x) => x.replace('N', '1'))]);
    await expect(h.rt.run(function* () {
      return yield* request({ url: plain, method: 5 as unknown as string });
    })).rejects.toMatchObject({ code: 'HTTP_BAD_ARGUMENT', message: expect.stringContaining('method 5 is not an HTTP method') });
  });

  it('a body in memory owns its bytes (no view into a larger socket buffer), declared or chunked, redirected or not', async () => {
    await using h = await withHttp();
    await using s = await serve((req, res) => {
      if (req.url === '/moved') res.writeHead(302, { location: '/chunked' }).end('redirect body');
      else if (req.url === '/chunked') {
        res.write('a'.repeat(3000));
        setImmediate(() => res.end('b'.repeat(5000)));
      } else res.end('small');
    });
    const out = await h.rt.run(function* () {
      const got = [];
      for (const path of ['/small', '/chunked', '/moved']) {
        const r = yield* get(`${s.url}${path}`);
        got.push({ text: text(r), own: r.body.byteOffset === 0 && r.body.byteLength === r.body.buffer.byteLength, redirects: r.redirects });
      }
      return got;
    });
    const chunked = 'a'.repeat(3000) + 'b'.repeat(5000);
    expect(out).toEqual([
      { text: 'small', own: true, redirects: 0 },
      { text: chunked, own: true, redirects: 0 },
      { text: chunked, own: true, redirects: 1 },
    ]);
  });

  it('sends basic auth from the option or the URL, and never puts credentials in error messages', async () => {
    await using h = await withHttp();
    await using s = await echo();
    const port = await deadPort();
    const out = await h.rt.run(function* () {
      const a = json<Echo>(yield* get(s.url, { auth: { username: 'u', password: 'p w' } }));
      const b = json<Echo>(yield* get(s.url.replace('http://', 'http://name:s3cret@')));
      let message = '';
      try {
        yield* get(`http://name:s3cret@127.0.0.1:${port}/x`);
      } catch (e) {
        message = (e as Error).message;
      }
      return { a: a.headers.authorization, b: b.headers.authorization, message };
    });
    expect(out.a).toBe(`Basic ${Buffer.from('u:p w').toString('base64')}`);
    expect(out.b).toBe(`Basic ${Buffer.from('name:s3cret').toString('base64')}`);
    expect(out.message).toContain(`127.0.0.1:${port}/x`);
    expect(out.message).not.toContain('s3cret');
  });

  it('fails with HTTP_CONNECT naming the URL when nothing listens, HTTP_BAD_ARGUMENT for bad options', async () => {
    await using h = await withHttp();
    const port = await deadPort();
    const url = `http://127.0.0.1:${port}/nothing`;
    await expect(h.rt.run(function* () {
      return yield* get(url);
    })).rejects.toMatchObject({ code: 'HTTP_CONNECT', url, method: 'GET', message: expect.stringContaining(url) });
    await expect(h.rt.run(function* () {
      return yield* request({ url: 'ftp://example.com/' });
    })).rejects.toMatchObject({ code: 'HTTP_BAD_ARGUMENT', message: expect.stringContaining('ftp:') });
    await expect(h.rt.run(function* () {
      return yield* request({ url, json: 1, form: {} });
    })).rejects.toMatchObject({ code: 'HTTP_BAD_ARGUMENT', message: expect.stringContaining('json and form') });
    await expect(h.rt.run(function* () {
      return yield* request({ url, timout: 5 } as { url: string });
    })).rejects.toMatchObject({ code: 'HTTP_BAD_ARGUMENT', message: expect.stringContaining('"timout"') });
  });

  it('requestBatch() of something that is not an array is HTTP_BAD_ARGUMENT naming it, from the helper and from the handler', async () => {
    await using h = await withHttp();
    const caught = await h.rt.run(function* () {
      const out: unknown[] = [];
      try {
        yield* requestBatch('http://x/' as never);
      } catch (e) {
        out.push(e);
      }
      try {
        // A command built by hand skips the helper's check: the handler checks again.
        yield* new RequestBatchCmd({ url: 'http://x/' } as never);
      } catch (e) {
        out.push(e);
      }
      return out;
    });
    expect(caught).toHaveLength(2);
    expect(caught[0]).toBeInstanceOf(HttpError);
    expect(caught[0]).toMatchObject({ code: 'HTTP_BAD_ARGUMENT', message: 'GET ?: requestBatch() takes an array of request options, got "http://x/"' });
    expect(caught[1]).toMatchObject({ code: 'HTTP_BAD_ARGUMENT', message: 'GET ?: requestBatch() takes an array of request options, got an object' });
  });

  it('fails with HTTP_TOO_LARGE over maxBytes, declared or chunked, and frees the connection', async () => {
    await using h = await withHttp({ connections: 1 });
    await using s = await serve((req, res) => {
      if (req.url === '/declared') res.end(Buffer.alloc(5000));
      else if (req.url === '/chunked') {
        res.write(Buffer.alloc(3000));
        res.end(Buffer.alloc(3000));
      } else res.end('small');
    });
    const out = await h.rt.run(function* () {
      const codes: string[] = [];
      for (const p of ['/declared', '/chunked']) {
        try {
          yield* get(`${s.url}${p}`, { maxBytes: 4096 });
        } catch (e) {
          codes.push(`${(e as { code: string }).code} ${(e as { url: string }).url}`);
        }
      }
      return { codes, after: text(yield* get(`${s.url}/ok`)) };
    });
    expect(out).toEqual({ codes: [`HTTP_TOO_LARGE ${s.url}/declared`, `HTTP_TOO_LARGE ${s.url}/chunked`], after: 'small' });
  });

  it('needs the stream plugin: a runtime without it fails at boot naming it', async () => {
    const rt = createRuntime({ plugins: [httpPlugin()] });
    await expect(rt.start()).rejects.toMatchObject({ code: 'MISSING_DEPENDENCY', message: expect.stringContaining('"stream"') });
    await rt.stop();
  });

  it('talks to a server on a Unix domain socket', async () => {
    await using h = await withHttp();
    const dir = mkdtempSync(join(tmpdir(), 'sy-sock-'));
    const { createServer } = await import('node:http');
    const server = createServer((req, res) => res.end(`unix ${req.url}`));
    const path = join(dir, 's.sock');
    await new Promise<void>((r) => server.listen(path, r));
    try {
      const out = await h.rt.run(function* () {
        return text(yield* get('http://localhost/over-socket', { socketPath: path }));
      });
      expect(out).toBe('unix /over-socket');
      expect(h.rt.stats().plugins.http).toMatchObject({ agents: 1 });
    } finally {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
