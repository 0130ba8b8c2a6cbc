/**
 * HTTP client, HTTP server and stream reading through the plugins, side by side with their peers:
 *  - client: `yield* request()` from 1 and 64 processes vs undici `request()` and global `fetch`
 *    at the same concurrency, against a local node:http server in this process;
 *  - server: a hello route (a process per request) vs a bare node:http handler and fastify,
 *    driven by autocannon in a child process; rates per CPU second of this (the server) process;
 *  - stream: MB/s reading a file through Read 50 vs fs.createReadStream.
 *
 * Rates are per CPU second of this process (process.cpuUsage), so that load from other programs
 * on the machine does not count; the case order rotates every round; ratios are taken within
 * each round and reported as median and spread (min–max).
 *
 *   node --expose-gc --conditions=@switchyard/source --import tsx tools/bench/src/http.ts   (BENCH_ROUNDS, default 7)
 */
import { spawn } from 'node:child_process';
import { createReadStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Agent, request as undiciRequest } from 'undici';
import Fastify from 'fastify';
import { createRuntime, type Runtime } from '@switchyard/runtime';
import { close, openFile, read, streamPlugin } from '@switchyard/plugin-stream';
import { get, httpPlugin, serverAddress, text } from '@switchyard/plugin-http';
import { gc, isMain, median, table } from './util.js';

/** Rounds per case (BENCH_ROUNDS): more than elsewhere, as on a shared 2-core machine one round swings widely. */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const BODY = 'hello world';

interface Case {
  readonly name: string;
  /** Runs `n` operations and checks every result (throws on a wrong one). */
  readonly run: (n: number) => Promise<void>;
}

interface Rates {
  /** Operations per CPU second of this process, per round, per case. */
  readonly cpu: Map<string, number[]>;
  /** Operations per wall second, per round, per case. */
  readonly wall: Map<string, number[]>;
}

function cpuSeconds(since: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(since);
  return (d.user + d.system) / 1e6;
}

/** One warm-up pass, then ROUNDS rounds with the case order rotated each round. */
async function rounds(cases: readonly Case[], n: number): Promise<Rates> {
  for (const c of cases) await c.run(Math.ceil(n / 4));
  const cpu = new Map<string, number[]>(cases.map((c) => [c.name, []]));
  const wall = new Map<string, number[]>(cases.map((c) => [c.name, []]));
  for (let r = 0; r < ROUNDS; r++) {
    for (let k = 0; k < cases.length; k++) {
      const c = cases[(k + r) % cases.length]!;
      gc();
      await c.run(Math.ceil(n / 10));
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      await c.run(n);
      const ms = performance.now() - t0;
      cpu.get(c.name)!.push(n / cpuSeconds(c0));
      wall.get(c.name)!.push((n / ms) * 1000);
    }
  }
  return { cpu, wall };
}

const fmt = (x: number) => (x >= 1e4 ? `${(x / 1e3).toFixed(1)} k` : x >= 100 ? x.toFixed(0) : x.toFixed(1));

/** Rows: case, median per CPU s, median per wall s, ratio to `base` (median of per-round ratios, min–max). */
function rows(r: Rates, base: string, unit: string): string[][] {
  const b = r.cpu.get(base)!;
  return [...r.cpu].map(([name, xs]) => {
    const ratios = xs.map((x, i) => x / b[i]!);
    const spread = name === base ? '1.00' : `${median(ratios).toFixed(2)} (${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)})`;
    return [name, `${fmt(median(xs))} ${unit}`, `${fmt(median(r.wall.get(name)!))} ${unit}`, spread];
  });
}

function ratioOf(r: Rates, name: string, base: string): number {
  const b = r.cpu.get(base)!;
  return median(r.cpu.get(name)!.map((x, i) => x / b[i]!));
}

function listen(server: Server): Promise<string> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)));
}

function expectBody(got: string, where: string): void {
  if (got !== BODY) throw new Error(`${where}: wrong body ${JSON.stringify(got.slice(0, 40))}`);
}

// ---------------------------------------------------------------- client

/** GET `url` through `agent.dispatch()` with a handler that gathers the body: the floor under request(). */
function dispatchText(agent: Agent, url: string): Promise<string> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let status = 0;
    agent.dispatch(
      { origin: u.origin, path: u.pathname, method: 'GET' },
      {
        onConnect() {},
        onHeaders(s: number) {
          status = s;
          return true;
        },
        onData(chunk: Buffer) {
          parts.push(chunk);
          return true;
        },
        onComplete() {
          if (status !== 200) reject(new Error(`undici dispatch: status ${status}`));
          else resolve(Buffer.concat(parts).toString());
        },
        onError: reject,
      },
    );
  });
}

async function clientBench(): Promise<{ text: string; ratios: number[]; dispatchRatios: number[] }> {
  const server = createServer((_req, res) => res.end(BODY));
  server.keepAliveTimeout = 60_000;
  const url = `${await listen(server)}/`;
  const rt = createRuntime({ plugins: [streamPlugin(), httpPlugin()] });
  await rt.start();
  const agent = new Agent();
  const out: string[][] = [];
  const ratios: number[] = [];
  const dispatchRatios: number[] = [];
  try {
    for (const conc of [1, 64]) {
      const split = (n: number) => Array.from({ length: conc }, (_, i) => Math.floor(n / conc) + (i < n % conc ? 1 : 0));
      const cases: Case[] = [
        {
          name: `undici request() ×${conc}`,
          run: async (n) => {
            await Promise.all(
              split(n).map(async (k) => {
                for (let i = 0; i < k; i++) {
                  const res = await undiciRequest(url, { dispatcher: agent });
                  expectBody(await res.body.text(), 'undici');
                }
              }),
            );
          },
        },
        {
          name: `switchyard request() ×${conc} processes`,
          run: async (n) => {
            await Promise.all(
              split(n).map((k) =>
                rt.run(function* () {
                  for (let i = 0; i < k; i++) {
                    const res = yield* get(url);
                    if (res.status !== 200) throw new Error(`status ${res.status}`);
                    expectBody(text(res), 'switchyard');
                  }
                }),
              ),
            );
          },
        },
        {
          // undici's lowest public API, which the plugin itself uses for in-memory bodies: a
          // dispatch handler that gathers the chunks (the cheapest way to do the same work).
          name: `undici dispatch() ×${conc}`,
          run: async (n) => {
            await Promise.all(
              split(n).map(async (k) => {
                for (let i = 0; i < k; i++) expectBody(await dispatchText(agent, url), 'undici dispatch');
              }),
            );
          },
        },
        {
          name: `fetch ×${conc}`,
          run: async (n) => {
            await Promise.all(
              split(n).map(async (k) => {
                for (let i = 0; i < k; i++) expectBody(await (await fetch(url)).text(), 'fetch');
              }),
            );
          },
        },
      ];
      const r = await rounds(cases, conc === 1 ? 1500 : 4000);
      out.push(...rows(r, cases[0]!.name, 'req/s'));
      ratios.push(ratioOf(r, cases[1]!.name, cases[0]!.name));
      dispatchRatios.push(ratioOf(r, cases[1]!.name, cases[2]!.name));
    }
  } finally {
    await rt.stop();
    await agent.close();
    server.closeAllConnections();
    server.close();
  }
  return { text: table(['client', 'per CPU second', 'per wall second', 'vs undici (CPU)'], out), ratios, dispatchRatios };
}

// ---------------------------------------------------------------- server

const HERE = dirname(fileURLToPath(import.meta.url));

/** autocannon in a child process; resolves to its totals (checked: every response 2xx with the expected body, no errors). */
function cannon(url: string, seconds: number): Promise<{ requests: number }> {
  const code = `
    import autocannon from 'autocannon';
    const r = await autocannon({ url: ${JSON.stringify(url)}, connections: 32, pipelining: 1, duration: ${seconds}, expectBody: ${JSON.stringify(BODY)} });
    process.stdout.write(JSON.stringify({ requests: r.requests.total, errors: r.errors, timeouts: r.timeouts, non2xx: r.non2xx, mismatches: r.mismatches }));
  `;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', code], { cwd: join(HERE, '..'), stdio: ['ignore', 'pipe', 'inherit'] });
    let data = '';
    child.stdout.on('data', (d) => (data += d));
    child.on('error', reject);
    child.on('exit', (status) => {
      if (status !== 0) return reject(new Error(`autocannon exited with ${status}`));
      const r = JSON.parse(data) as { requests: number; errors: number; timeouts: number; non2xx: number; mismatches: number };
      if (r.errors || r.timeouts || r.non2xx || r.mismatches || !(r.requests > 0)) {
        reject(new Error(`autocannon against ${url}: ${r.requests} requests, ${r.errors} errors, ${r.timeouts} timeouts, ${r.non2xx} non-2xx, ${r.mismatches} wrong bodies`));
      } else resolve(r);
    });
  });
}

async function serverBench(): Promise<{ text: string; ratio: number }> {
  const bare = createServer((_req, res) => {
    res.setHeader('content-type', 'text/plain; charset=utf-8');
    res.end(BODY);
  });
  const bareUrl = await listen(bare);
  const fastify = Fastify();
  fastify.get('/hello', async () => BODY);
  const fastifyUrl = await fastify.listen({ port: 0, host: '127.0.0.1' });
  const rt: Runtime = createRuntime({
    plugins: [
      streamPlugin(),
      httpPlugin({
        server: {
          port: 0,
          routes: [
            {
              method: 'GET',
              path: '/hello',
              *handler() {
                return { body: BODY };
              },
            },
          ],
        },
      }),
    ],
  });
  await rt.start();
  const syUrl = await rt.run(function* () {
    return (yield* serverAddress()).url;
  });
  const targets: [string, string][] = [
    ['bare node:http', `${bareUrl}/hello`],
    ['switchyard (process per request)', `${syUrl}/hello`],
    ['fastify', `${fastifyUrl}/hello`],
  ];
  try {
    for (const [name, u] of targets) expectBody(await (await fetch(u)).text(), name);
    const cpu = new Map<string, number[]>(targets.map(([n]) => [n, []]));
    const wall = new Map<string, number[]>(targets.map(([n]) => [n, []]));
    const seconds = 3;
    for (const [, u] of targets) await cannon(u, 1);
    for (let r = 0; r < ROUNDS; r++) {
      for (let k = 0; k < targets.length; k++) {
        const [name, u] = targets[(k + r) % targets.length]!;
        gc();
        const c0 = process.cpuUsage();
        const t0 = performance.now();
        const { requests } = await cannon(u, seconds);
        const ms = performance.now() - t0;
        cpu.get(name)!.push(requests / cpuSeconds(c0));
        wall.get(name)!.push((requests / ms) * 1000);
      }
    }
    const r: Rates = { cpu, wall };
    return {
      text: table(['server (hello)', 'per server CPU second', 'per wall second', 'vs bare node:http (CPU)'], rows(r, 'bare node:http', 'req/s')),
      ratio: ratioOf(r, 'switchyard (process per request)', 'bare node:http'),
    };
  } finally {
    await rt.stop();
    await fastify.close();
    bare.closeAllConnections();
    bare.close();
  }
}

// ---------------------------------------------------------------- stream

async function streamBench(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'sy-bench-stream-'));
  const size = 64 * 1024 * 1024;
  const path = join(dir, 'big.bin');
  writeFileSync(path, Buffer.alloc(size, 7));
  const rt = createRuntime({ plugins: [streamPlugin()] });
  await rt.start();
  const check = (n: number, who: string) => {
    if (n !== size) throw new Error(`${who}: read ${n} bytes of ${size}`);
  };
  try {
    // n = megabytes; each run reads the file whole as often as needed.
    const files = (mb: number) => Math.max(1, Math.round(mb / 64));
    const cases: Case[] = [
      {
        name: 'fs.createReadStream',
        run: async (mb) => {
          for (let f = 0; f < files(mb); f++) {
            let n = 0;
            for await (const c of createReadStream(path, { highWaterMark: 64 * 1024 })) n += (c as Buffer).length;
            check(n, 'createReadStream');
          }
        },
      },
      {
        name: 'openFile + Read 50 (64 KiB)',
        run: (mb) =>
          rt.run(function* () {
            for (let f = 0; f < files(mb); f++) {
              const s = yield* openFile(path);
              let n = 0;
              for (let c = yield* read(s); c !== null; c = yield* read(s)) n += c.length;
              yield* close(s);
              check(n, 'Read 50');
            }
          }),
      },
    ];
    const r = await rounds(cases, 128);
    return table(['stream read (64 MiB file)', 'MB per CPU second', 'MB per wall second', 'vs createReadStream (CPU)'], rows(r, 'fs.createReadStream', 'MB/s'));
  } finally {
    await rt.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function runHttpBench(): Promise<string> {
  const client = await clientBench();
  const server = await serverBench();
  const stream = await streamBench();
  const verdict = (x: number, t: number) => `${x.toFixed(2)} (${x >= t ? 'meets' : 'misses'} the target >= ${t})`;
  return [
    client.text,
    '',
    `switchyard / undici per CPU second: ×1 ${verdict(client.ratios[0]!, 0.85)}, ×64 ${verdict(client.ratios[1]!, 0.85)}; against undici dispatch() (the floor under request(), which the plugin itself uses for in-memory bodies): ×1 ${client.dispatchRatios[0]!.toFixed(2)}, ×64 ${client.dispatchRatios[1]!.toFixed(2)}. Every response is checked (status, body).`,
    '',
    server.text,
    '',
    `switchyard / bare node:http per server CPU second: ${verdict(server.ratio, 0.75)}. autocannon (32 keep-alive connections, no pipelining, 3 s per round, ${ROUNDS} rounds) runs in a child process on the same 2 cores, so per wall second the driver's share of the CPU caps every server; every response must be 200 with the expected body (autocannon expectBody), bare node:http and switchyard send byte-identical responses (status line, content-type, date, keep-alive, content-length, body), fastify the same headers in another order with its keep-alive timeout of 72 s.`,
    '',
    stream,
  ].join('\n');
}

if (isMain(import.meta.url)) {
  // `http.ts server` (or client, stream) runs one part only.
  const only = process.argv[2];
  if (only === 'client') console.log((await clientBench()).text);
  else if (only === 'server') console.log((await serverBench()).text);
  else if (only === 'stream') console.log(await streamBench());
  else console.log(await runHttpBench());
}
