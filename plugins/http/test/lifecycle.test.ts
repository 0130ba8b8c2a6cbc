import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { all, race } from '@switchyard/runtime';
import { clockPlugin, sleep } from '@switchyard/plugin-clock';
import { close, openFile, pipe, read, readAll, stat } from '@switchyard/plugin-stream';
import { describe, expect, it } from 'vitest';
import { get, request, requestBatch, text } from '../src/index.js';
import { deadPort, pause, serve, withHttp } from './harness.js';

describe('timeouts, aborts and streamed bodies', () => {
  it('a slow server fails the request with HTTP_TIMEOUT naming the URL', async () => {
    await using h = await withHttp();
    let sawClose = false;
    await using s = await serve((req) => req.on('close', () => (sawClose = true)));
    await expect(h.rt.run(function* () {
      return yield* get(`${s.url}/slow`, { timeout: 100 });
    })).rejects.toMatchObject({ code: 'HTTP_TIMEOUT', url: `${s.url}/slow`, message: expect.stringContaining('100 ms') });
    while (!sawClose) await pause(5);
    expect(h.rt.stats().plugins.http).toMatchObject({ inFlight: 0 });
  });

  it.each([
    { what: 'its request', requests: 1, body: (url: string) => get(url) },
    { what: 'every request of its requestBatch', requests: 3, body: (url: string) => requestBatch([{ url: `${url}/a` }, { url: `${url}/b` }, { url: `${url}/c` }]) },
  ])('a process that ends aborts $what (the server sees the connections go)', async ({ requests, body }) => {
    await using h = await withHttp();
    let arrived = 0;
    let closed = 0;
    await using s = await serve((req) => {
      arrived++;
      req.on('close', () => closed++);
    });
    const pid = h.rt.spawn(function* () {
      return yield* body(s.url);
    });
    const exit = h.rt.wait(pid);
    while (arrived < requests) await pause(5);
    h.rt.terminate(pid);
    expect(await exit).toEqual({ kind: 'terminated' });
    while (closed < requests) await pause(5);
    expect(h.rt.stats().plugins.http).toMatchObject({ inFlight: 0 });
  });

  it('a request that loses a race is aborted at once (the server sees the connection go)', async () => {
    await using h = await withHttp({}, [clockPlugin()]);
    let closed = 0;
    await using s = await serve((req) => req.on('close', () => closed++));
    const winner = await h.rt.run(function* () {
      return yield* race([get(`${s.url}/never`), sleep(50)]);
    });
    expect(winner).toBeUndefined();
    while (closed === 0) await pause(5);
    expect(h.rt.stats().plugins.http).toMatchObject({ inFlight: 0 });
  });

  it('a process that ends while the body is arriving aborts the read, with a declared length or chunked', async () => {
    await using h = await withHttp();
    let closed = 0;
    let arrived = 0;
    await using s = await serve((req, res) => {
      arrived++;
      req.on('close', () => closed++);
      res.writeHead(200, req.url === '/declared' ? { 'content-length': '1000000' } : {});
      res.write('x'.repeat(1000));
    });
    for (const path of ['/declared', '/chunked']) {
      const before = arrived;
      const pid = h.rt.spawn(function* () {
        return yield* get(`${s.url}${path}`);
      });
      const exit = h.rt.wait(pid);
      while (arrived === before) await pause(5);
      await pause(20);
      h.rt.terminate(pid);
      expect(await exit).toEqual({ kind: 'terminated' });
      while (closed < arrived) await pause(5);
      expect(h.rt.stats().plugins.http).toMatchObject({ inFlight: 0 });
    }
    expect(h.rt.stats().abandonHookErrors).toBe(0);
  });

  it('one request of a batch timing out mid-body is HTTP_TIMEOUT and aborts none of the others', async () => {
    await using h = await withHttp();
    // The other request is answered only once this one was given up.
    let gaveUp = false;
    let waiting: { end(body: string): void } | undefined;
    await using s = await serve((req, res) => {
      if (req.url === '/trickle') {
        res.writeHead(200, { 'content-length': '1000' });
        res.write('x');
        req.on('close', () => {
          gaveUp = true;
          waiting?.end('ok');
        });
      } else if (gaveUp) res.end('ok');
      else waiting = res;
    });
    const out = await h.rt.run(function* () {
      const [first, second] = yield* requestBatch([{ url: `${s.url}/ok` }, { url: `${s.url}/trickle`, timeout: 100 }]);
      return { first, second };
    });
    expect(out.first).toMatchObject({ ok: true, response: { status: 200 } });
    expect(out.first.ok && text(out.first.response)).toBe('ok');
    expect(out.second).toMatchObject({ ok: false, error: { code: 'HTTP_TIMEOUT', url: `${s.url}/trickle` } });
    expect(h.rt.stats().plugins.http).toMatchObject({ inFlight: 0 });
  });

  it('stream: true hands the body over as a stream handle the process reads with the stream commands', async () => {
    await using h = await withHttp();
    await using s = await serve((_req, res) => res.end('x'.repeat(100_000)));
    const out = await h.rt.run(function* () {
      const res = yield* get(s.url, { stream: true });
      const st = yield* stat(res.body);
      const first = yield* read(res.body, 10);
      const rest = yield* readAll(res.body);
      yield* close(res.body);
      return { status: res.status, size: st.size, first: first?.length, rest: rest.length };
    });
    expect(out).toEqual({ status: 200, size: 100_000, first: 10, rest: 99_990 });
    expect(h.resources.count('stream')).toBe(0);
  });

  it('an unread streamed body is freed when its process exits: the one pooled connection serves the next request', async () => {
    await using h = await withHttp({ connections: 1 });
    await using s = await serve((req, res) => {
      if (req.url === '/big') {
        // Far more than socket buffers hold: the connection stays busy until the body is read or dropped.
        const chunk = Buffer.alloc(64 * 1024, 1);
        let n = 0;
        const more = () => {
          while (n < 256) {
            n++;
            if (!res.write(chunk)) return void res.once('drain', more);
          }
          res.end();
        };
        more();
      } else res.end('next');
    });
    const handle = await h.rt.run(function* () {
      const res = yield* get(`${s.url}/big`, { stream: true });
      return res.body; // never read
    });
    expect(h.resources.count('stream')).toBe(0);
    const next = await h.rt.run(function* () {
      return text(yield* get(`${s.url}/small`, { timeout: 5000 }));
    });
    expect(next).toBe('next');
    await expect(h.rt.run(function* () {
      return yield* read(handle);
    })).rejects.toMatchObject({ code: 'NO_SUCH_RESOURCE' });
  });

  it('pipes an HTTP body into a file', async () => {
    await using h = await withHttp();
    const size = 4 * 1024 * 1024;
    await using s = await serve((_req, res) => {
      let sent = 0;
      const more = () => {
        while (sent < size) {
          sent += 65536;
          if (!res.write(Buffer.alloc(65536, sent % 251))) return void res.once('drain', more);
        }
        res.end();
      };
      more();
    });
    const dir = mkdtempSync(join(tmpdir(), 'sy-pipe-'));
    try {
      const path = join(dir, 'body.bin');
      const n = await h.rt.run(function* () {
        const res = yield* get(s.url, { stream: true });
        const f = yield* openFile(path, 'w');
        const copied = yield* pipe(res.body, f);
        yield* close(f);
        return copied;
      });
      expect(n).toBe(size);
      expect(statSync(path).size).toBe(size);
      expect(readFileSync(path).subarray(size - 1)[0]).toBe(size % 251);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('RequestBatch 61 and concurrency', () => {
  it('answers in input order, one failure losing nothing', async () => {
    await using h = await withHttp();
    await using s = await serve((req, res) => {
      // Answer in reverse order of arrival to show the order is the input's, not completion's.
      setTimeout(() => res.end(req.url), req.url === '/1' ? 60 : 5);
    });
    const dead = `http://127.0.0.1:${await deadPort()}/down`;
    const out = await h.rt.run(function* () {
      const results = yield* requestBatch([{ url: `${s.url}/1` }, { url: dead }, { url: `${s.url}/3`, method: 'POST' }]);
      return results.map((r) => (r.ok ? text(r.response) : `${r.error.code} ${(r.error as { url?: string }).url}`));
    });
    expect(out).toEqual(['/1', `HTTP_CONNECT ${dead}`, '/3']);
  });

  it('serves 1,000 concurrent requests from 100 processes, each getting its own answer', async () => {
    await using h = await withHttp({ connections: 32 });
    let peak = 0;
    let open = 0;
    await using s = await serve((req, res) => {
      open++;
      peak = Math.max(peak, open);
      setImmediate(() => {
        open--;
        res.end(req.url);
      });
    });
    const pids = Array.from({ length: 100 }, (_, p) =>
      h.rt.spawn(function* () {
        const results = yield* all(Array.from({ length: 10 }, (_, i) => get(`${s.url}/${p}/${i}`)));
        return results.every((r, i) => r.status === 200 && text(r) === `/${p}/${i}`);
      }),
    );
    const exits = await Promise.all(pids.map((pid) => h.rt.wait(pid)));
    expect(exits.filter((e) => e.kind === 'normal' && e.value === true)).toHaveLength(100);
    expect(peak).toBeGreaterThan(1);
    expect(h.rt.stats().plugins.http).toMatchObject({ requests: 1000, inFlight: 0 });
  });
});

describe('private-address guard', () => {
  it('refuses literal private, loopback and link-local addresses without connecting', async () => {
    await using h = await withHttp({ blockPrivate: true });
    const urls = ['http://10.1.2.3/', 'http://192.168.0.1/', 'http://169.254.169.254/latest/meta-data', 'http://[::1]:80/', 'http://[fe80::1]/', 'http://[::ffff:127.0.0.1]/', 'http://0.0.0.0/'];
    const out = await h.rt.run(function* () {
      const rs = yield* requestBatch(urls.map((url) => ({ url, timeout: 2000 })));
      return rs.map((r) => (r.ok ? 'allowed' : r.error.code));
    });
    expect(out).toEqual(urls.map(() => 'HTTP_BLOCKED'));
  });

  it('judges host names by what they resolve to (localhost), and is off by default', async () => {
    await using s = await serve((_req, res) => res.end('local'));
    {
      await using h = await withHttp({ blockPrivate: true });
      await expect(h.rt.run(function* () {
        return yield* get(`http://localhost:${s.port}/`);
      })).rejects.toMatchObject({ code: 'HTTP_BLOCKED', message: expect.stringMatching(/localhost resolves to (127\.0\.0\.1|::1)/) });
    }
    await using open = await withHttp();
    const body = await open.rt.run(function* () {
      return text(yield* get(`http://localhost:${s.port}/`));
    });
    expect(body).toBe('local');
  });
});

function selfSigned(dir: string): { key: string; cert: string } | undefined {
  try {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost'], { stdio: 'ignore' });
    return { key: readFileSync(join(dir, 'key.pem'), 'utf8'), cert: readFileSync(join(dir, 'cert.pem'), 'utf8') };
  } catch {
    return undefined;
  }
}

describe('TLS', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sy-tls-'));
  const pair = selfSigned(dir);
  rmSync(dir, { recursive: true, force: true });
  it.skipIf(pair === undefined)('fails with HTTP_TLS on an untrusted certificate, succeeds with it as CA or with rejectUnauthorized: false', async () => {
    await using h = await withHttp();
    await using s = await serve((_req, res) => res.end('secure'), createHttpsServer({ key: pair!.key, cert: pair!.cert }));
    const out = await h.rt.run(function* () {
      let code = '';
      try {
        yield* get(s.url);
      } catch (e) {
        code = `${(e as { code: string }).code} ${(e as { url: string }).url}`;
      }
      const trusted = text(yield* get(s.url, { tls: { ca: pair!.cert } }));
      const loose = text(yield* request({ url: s.url, tls: { rejectUnauthorized: false } }));
      return { code, trusted, loose };
    });
    expect(out).toEqual({ code: `HTTP_TLS ${s.url}/`, trusted: 'secure', loose: 'secure' });
    // The default agent plus one per TLS setting; all closed at rt.stop().
    expect(h.rt.stats().plugins.http).toMatchObject({ agents: 3 });
  });
});
