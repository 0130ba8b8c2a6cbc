import { createServer, type IncomingMessage, type Server, type ServerResponse as NodeResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Command } from '@switchyard/dispatcher';
import { describeValue } from '@switchyard/errors';
import { receive, type Handle, type Pid, type PluginContext, type ProcessContext, type ResourceTable, type Runtime } from '@switchyard/runtime';
import { adoptStream, streamChunks, type StreamHandle } from '@switchyard/plugin-stream';
import { RespondCmd, type HeaderValues, type ServerAddress, type ServerRequest, type ServerResponse } from './commands.js';
import { HttpServerError } from './errors.js';

export const REQUEST_KIND = 'http.request';
const EMPTY = new Uint8Array(0);

/** A route function: runs as its own process per request; returns the response. */
export type RouteHandler = (ctx: ProcessContext, req: ServerRequest) => Generator<Command, ServerResponse | undefined | void, unknown>;

export interface Route {
  /** An HTTP method, a list, or '*' for any. */
  readonly method: string | readonly string[];
  /** `/users/:id`, `/files/*path` (the rest of the path, slashes included), or a literal path. */
  readonly path: string;
  /** A process per request running this function... */
  readonly handler?: RouteHandler;
  /** ...or a message to the process registered under this name, which answers with respond(). */
  readonly to?: string;
  /** Topic of that message. Default 'http.request'. */
  readonly topic?: string;
  /** Hand the body over as `bodyStream` (a stream handle) instead of reading it into `body`. */
  readonly stream?: boolean;
}

export interface LogEntry {
  readonly level: 'error' | 'warn';
  readonly message: string;
  readonly method: string;
  readonly path: string;
  readonly pid?: Pid;
  readonly error?: unknown;
}

export interface ServerOptions {
  /** 0 = an ephemeral port (ask serverAddress() or rt.stats().plugins.http.port). */
  readonly port: number;
  /** Default 127.0.0.1. */
  readonly host?: string;
  readonly routes: readonly Route[];
  /** Largest request body, bytes; over it: 413. Default 1 MiB. */
  readonly bodyLimit?: number;
  /** Time for a client to send the request headers, ms; then 408. Default 10 000. */
  readonly headersTimeout?: number;
  /** At rt.stop(): how long running requests may finish before they are terminated, ms. Default 5000. */
  readonly shutdownTimeout?: number;
  /** Where failures go (never to the client). Default: console.error with the PID. */
  readonly log?: (entry: LogEntry) => void;
}

interface CompiledRoute {
  readonly route: Route;
  readonly methods: ReadonlySet<string> | null;
  readonly segments: readonly string[];
  readonly rest: string | undefined;
}

/** One request in the resource table: owned by the process that answers it. */
interface Pending {
  readonly req: IncomingMessage;
  readonly res: NodeResponse;
  readonly method: string;
  readonly path: string;
  answered: boolean;
  gone: boolean;
  pid: Pid | undefined;
}

interface Launch {
  request: ServerRequest | undefined;
  readonly handler: RouteHandler;
  readonly pending: Pending;
  readonly server: HttpServer;
}

function* requestProcess(ctx: ProcessContext, launch: Launch): Generator<Command, void, unknown> {
  const req = launch.request!;
  try {
    const res = yield* launch.handler(ctx, req);
    yield new RespondCmd(req.handle, res ?? { status: 204 });
  } catch (error) {
    launch.server.failed(launch.pending, ctx.pid, error);
  } finally {
    // Runs however the process ends (the runtime returns() a terminated generator).
    launch.server.finished(ctx.pid);
  }
}

function* sentinel(): Generator<Command, void, unknown> {
  yield* receive({ topic: '@http/never' });
}

const TRAP_CANCEL = Object.freeze({ trapCancel: true });

const STATUS_TEXT: Record<number, string> = { 404: 'Not Found', 405: 'Method Not Allowed', 408: 'Request Timeout', 413: 'Payload Too Large', 500: 'Internal Server Error', 503: 'Service Unavailable' };

/** Check and prepare a route (also used to refuse bad routes when the plugin is created). */
export function compile(route: Route, i: number): CompiledRoute {
  const where = `route ${i} (${describeValue(route?.path)})`;
  if (typeof route !== 'object' || route === null) throw new HttpServerError('HTTP_BAD_ROUTE', `${where}: must be an object`);
  if (typeof route.path !== 'string' || !route.path.startsWith('/')) throw new HttpServerError('HTTP_BAD_ROUTE', `${where}: path must start with "/"`);
  if ((route.handler === undefined) === (route.to === undefined)) throw new HttpServerError('HTTP_BAD_ROUTE', `${where}: give either handler (a process function) or to (a registered name)`);
  if (route.handler !== undefined && typeof route.handler !== 'function') throw new HttpServerError('HTTP_BAD_ROUTE', `${where}: handler must be a generator function, got ${describeValue(route.handler)}`);
  if (route.to !== undefined && (typeof route.to !== 'string' || route.to === '')) throw new HttpServerError('HTTP_BAD_ROUTE', `${where}: to must be a process name`);
  const m = route.method;
  const list = typeof m === 'string' ? [m] : Array.isArray(m) ? m : undefined;
  if (list === undefined || list.some((x) => typeof x !== 'string')) throw new HttpServerError('HTTP_BAD_ROUTE', `${where}: method must be a string or a list of strings`);
  const methods = list.includes('*') ? null : new Set(list.map((x) => x.toUpperCase()));
  const parts = route.path.split('/').slice(1);
  let rest: string | undefined;
  const last = parts[parts.length - 1];
  if (last !== undefined && last.startsWith('*')) {
    rest = last.slice(1) || '*';
    parts.pop();
  }
  for (const p of parts) if (p.includes('*')) throw new HttpServerError('HTTP_BAD_ROUTE', `${where}: "*" may only be the last segment`);
  return { route, methods, segments: parts, rest };
}

function match(r: CompiledRoute, parts: readonly string[]): Record<string, string> | undefined {
  const seg = r.segments;
  if (r.rest === undefined ? parts.length !== seg.length : parts.length < seg.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < seg.length; i++) {
    const s = seg[i]!;
    if (s.startsWith(':')) {
      if (parts[i] === '') return undefined;
      params[s.slice(1)] = parts[i]!;
    } else if (s !== parts[i]) return undefined;
  }
  if (r.rest !== undefined) params[r.rest] = parts.slice(seg.length).join('/');
  return params;
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** The server of one plugin installation. */
export class HttpServer {
  private readonly server: Server;
  private readonly routes: readonly CompiledRoute[];
  private readonly runtime: Runtime;
  private readonly resources: ResourceTable;
  private readonly deliver: PluginContext['deliver'];
  private readonly bodyLimit: number;
  private readonly shutdownTimeout: number;
  private readonly log: (entry: LogEntry) => void;
  private readonly running = new Set<Pid>();
  private sentinelPid: Pid | undefined;
  private draining = false;
  private closed: Promise<void> | undefined;
  private drainTimer: ReturnType<typeof setTimeout> | undefined;
  requests = 0;

  constructor(
    ctx: PluginContext,
    private readonly options: ServerOptions,
  ) {
    this.runtime = ctx.runtime;
    this.resources = ctx.resources;
    this.deliver = ctx.deliver;
    this.routes = options.routes.map(compile);
    this.bodyLimit = options.bodyLimit ?? 1024 * 1024;
    this.shutdownTimeout = options.shutdownTimeout ?? 5000;
    this.log = options.log ?? ((e) => console.error(`http: ${e.method} ${e.path}: ${e.message}${e.pid === undefined ? '' : ` (process ${e.pid})`}`, e.error ?? ''));
    const headersTimeout = options.headersTimeout ?? 10_000;
    this.server = createServer({ headersTimeout, requestTimeout: 0, connectionsCheckingInterval: Math.max(10, Math.min(1000, Math.floor(headersTimeout / 4))) }, (req, res) => this.onRequest(req, res));
  }

  async listen(): Promise<void> {
    const host = this.options.host ?? '127.0.0.1';
    await new Promise<void>((resolve, reject) => {
      const onError = (e: Error) => reject(new HttpServerError('HTTP_LISTEN_FAILED', `cannot listen on ${host}:${this.options.port}: ${e.message}`, { cause: e }));
      this.server.once('error', onError);
      this.server.listen(this.options.port, host, () => {
        this.server.off('error', onError);
        resolve();
      });
    });
  }

  address(): ServerAddress {
    const a = this.server.address() as AddressInfo | null;
    if (a === null) throw new HttpServerError('HTTP_NO_SERVER', 'the HTTP server is not listening');
    const host = a.family === 'IPv6' ? `[${a.address}]` : a.address;
    return { host: a.address, port: a.port, url: `http://${host}:${a.port}` };
  }

  get port(): number {
    const a = this.server.address() as AddressInfo | null;
    return a?.port ?? 0;
  }

  get active(): number {
    return this.running.size;
  }

  private plain(res: NodeResponse, status: number, extra: Record<string, string> = {}): void {
    if (res.headersSent || res.destroyed) return;
    const body = STATUS_TEXT[status] ?? String(status);
    res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(body), ...extra });
    res.end(body);
  }

  /** The first request after start spawns a process whose end (at rt.stop()) starts the drain. */
  private watchStop(): void {
    if (this.sentinelPid !== undefined) return;
    this.sentinelPid = this.runtime.spawn(sentinel);
    this.runtime.onExit(this.sentinelPid, () => this.drain());
  }

  private onRequest(req: IncomingMessage, res: NodeResponse): void {
    this.requests++;
    const method = req.method ?? 'GET';
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const rawPath = q < 0 ? url : url.slice(0, q);
    if (this.draining) {
      this.plain(res, 503, { connection: 'close' });
      return;
    }
    const parts = rawPath.split('/').slice(1);
    let allowed: string[] | undefined;
    let found: { r: CompiledRoute; params: Record<string, string> } | undefined;
    for (const r of this.routes) {
      const params = match(r, parts);
      if (params === undefined) continue;
      if (r.methods === null || r.methods.has(method)) {
        found = { r, params };
        break;
      }
      (allowed ??= []).push(...r.methods);
    }
    if (found === undefined) {
      if (allowed !== undefined) this.plain(res, 405, { allow: [...new Set(allowed)].join(', ') });
      else this.plain(res, 404);
      return;
    }
    for (const k of Object.keys(found.params)) found.params[k] = decode(found.params[k]!);
    const query: Record<string, string | string[]> = {};
    if (q >= 0) {
      for (const [k, v] of new URLSearchParams(url.slice(q + 1))) {
        const prev = query[k];
        query[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
      }
    }
    const path = decode(rawPath);
    const base = { method, path, params: found.params, query, headers: req.headers as Record<string, string | string[]>, remoteAddress: req.socket.remoteAddress ?? '' };
    const route = found.r.route;
    if (route.stream === true) {
      // Read by the process at its own pace (back-pressure), so bodyLimit does not apply.
      this.dispatch(route, req, res, { ...base, body: EMPTY }, true);
      return;
    }
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > this.bodyLimit) {
      this.plain(res, 413, { connection: 'close' });
      req.destroy();
      return;
    }
    if (req.headers['content-length'] === undefined && req.headers['transfer-encoding'] === undefined) {
      // No body (a GET): no need to wait for the end of one.
      this.dispatch(route, req, res, { ...base, body: EMPTY }, false);
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > this.bodyLimit) {
        if (!over) {
          over = true;
          this.plain(res, 413, { connection: 'close' });
          req.destroy();
        }
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => {
      if (over) return;
      const b = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
      this.dispatch(route, req, res, { ...base, body: new Uint8Array(b.buffer, b.byteOffset, b.byteLength) }, false);
    });
    req.on('error', () => undefined);
  }

  private dispatch(route: Route, req: IncomingMessage, res: NodeResponse, base: Omit<ServerRequest, 'handle'>, stream: boolean): void {
    const pending: Pending = { req, res, method: base.method, path: base.path, answered: false, gone: false, pid: undefined };
    let pid: Pid | undefined;
    let launch: Launch | undefined;
    try {
      this.watchStop();
      if (route.handler !== undefined) {
        launch = { request: undefined, handler: route.handler, pending, server: this };
        pid = this.runtime.spawnWith(TRAP_CANCEL, requestProcess, launch);
        this.running.add(pid);
      } else {
        pid = this.runtime.whereis(route.to!);
        if (pid === undefined) {
          this.log({ level: 'warn', message: `no process is registered as ${JSON.stringify(route.to)}`, method: base.method, path: base.path });
          this.plain(res, 503);
          return;
        }
      }
    } catch (e) {
      // The runtime is stopping (or the name went away between whereis and now).
      this.log({ level: 'warn', message: `cannot start a process for the request: ${(e as Error).message}`, method: base.method, path: base.path });
      this.plain(res, 503, { connection: 'close' });
      return;
    }
    pending.pid = pid;
    let handle: Handle<'http.request'>;
    let bodyStream: StreamHandle | undefined;
    try {
      handle = this.resources.add(pid, REQUEST_KIND, pending, (p) => this.unanswered(p));
      if (stream) bodyStream = adoptStream(this.resources, pid, req, { name: `body of ${base.method} ${base.path}`, size: Number(req.headers['content-length'] ?? -1) });
    } catch {
      this.plain(res, 503);
      return;
    }
    const request: ServerRequest = bodyStream === undefined ? { ...base, handle } : { ...base, handle, bodyStream };
    // The client went away before the answer: the request's process is ended (a named process just loses the request).
    res.on('close', () => {
      if (res.writableFinished) return;
      pending.gone = true;
      if (launch !== undefined && !pending.answered) this.runtime.terminate(pid);
    });
    if (launch !== undefined) {
      launch.request = request;
      return;
    }
    // Within the mailbox's bound: a full mailbox, or a message dropped unread, answers 503.
    const refused = () => {
      if (pending.answered) return;
      pending.answered = true;
      this.resources.release(handle);
      this.log({ level: 'warn', message: `the mailbox of ${JSON.stringify(route.to)} (${pid}) refused the request`, method: base.method, path: base.path, pid });
      this.plain(res, 503);
    };
    const result = this.deliver(pid, route.topic ?? 'http.request', request, (taken) => {
      if (!taken) refused();
    });
    if (result === 'full' || result === 'noproc') refused();
  }

  finished(pid: Pid): void {
    this.running.delete(pid);
  }

  failed(p: Pending, pid: Pid, error: unknown): void {
    this.log({ level: 'error', message: `uncaught ${error instanceof Error ? error.name : 'error'} in the request process`, method: p.method, path: p.path, pid, error });
    if (!p.answered) {
      p.answered = true;
      this.plain(p.res, 500);
    }
  }

  /** The request's owner ended without answering it. */
  private unanswered(p: Pending): void {
    if (p.answered) return;
    p.answered = true;
    if (!p.gone) {
      this.log({ level: 'warn', message: 'the process ended without answering', method: p.method, path: p.path, pid: p.pid });
      this.plain(p.res, this.draining ? 503 : 500);
    }
  }

  /** Respond 62: write the response; resolves true when sent, false when the client had gone. */
  async respond(pid: Pid, handle: unknown, response: ServerResponse, signal: () => AbortSignal): Promise<boolean> {
    const p = this.resources.use<Pending>(pid, handle, REQUEST_KIND);
    if (p.answered) throw new HttpServerError('HTTP_RESPONSE_SENT', `${p.method} ${p.path} was already answered`);
    const bad = (m: string) => new HttpServerError('HTTP_BAD_RESPONSE', `${p.method} ${p.path}: ${m}`);
    if (typeof response !== 'object' || response === null) throw bad(`a response must be an object { status, headers, body | json }, got ${describeValue(response)}`);
    const status = response.status ?? 200;
    if (!(Number.isInteger(status) && status >= 200 && status <= 599)) throw bad(`status must be an integer in 200..599, got ${describeValue(status)}`);
    const headers: Record<string, string | string[]> = {};
    for (const [k, v] of Object.entries((response.headers ?? {}) as HeaderValues)) {
      if (typeof v !== 'string' && !(Array.isArray(v) && v.every((x) => typeof x === 'string'))) throw bad(`header ${describeValue(k)} must be a string or strings`);
      headers[k.toLowerCase()] = typeof v === 'string' ? v : [...v];
    }
    const body = response.body;
    if (response.json !== undefined && body !== undefined && body !== null) throw bad('give body or json, not both');
    let bytes: Uint8Array | string | undefined;
    let stream: StreamHandle | undefined;
    if (response.json !== undefined) {
      bytes = JSON.stringify(response.json);
      headers['content-type'] ??= 'application/json';
    } else if (typeof body === 'string') {
      bytes = body;
      headers['content-type'] ??= 'text/plain; charset=utf-8';
    } else if (body instanceof Uint8Array) {
      bytes = body;
      headers['content-type'] ??= 'application/octet-stream';
    } else if (typeof body === 'object' && body !== null && (body as { kind?: unknown }).kind === 'stream') {
      stream = body;
      headers['content-type'] ??= 'application/octet-stream';
    } else if (body !== undefined && body !== null) {
      throw bad(`body must be a string, bytes or a stream handle (use json for values), got ${describeValue(body)}`);
    }
    p.answered = true;
    const res = p.res;
    if (p.gone || res.destroyed) {
      this.resources.close(pid, handle, REQUEST_KIND);
      return false;
    }
    try {
      if (stream === undefined) {
        if (bytes !== undefined) headers['content-length'] = String(typeof bytes === 'string' ? Buffer.byteLength(bytes) : bytes.length);
        res.writeHead(status, headers);
        res.end(bytes);
        return true;
      }
      res.writeHead(status, headers);
      for await (const chunk of streamChunks(this.resources, pid, stream, signal())) {
        if (res.destroyed) return false;
        if (!res.write(chunk)) {
          await new Promise<void>((resolve) => {
            const done = () => {
              res.off('drain', done);
              res.off('close', done);
              resolve();
            };
            res.on('drain', done);
            res.on('close', done);
          });
        }
      }
      res.end();
      this.resources.close(pid, stream, 'stream');
      return !res.destroyed;
    } catch (e) {
      // Headers are gone already: all that is left is to cut the response.
      res.destroy();
      throw e;
    } finally {
      if (this.resources.ownerOf(handle as Handle) === pid) this.resources.close(pid, handle, REQUEST_KIND);
    }
  }

  /** Stop accepting; let running requests finish until shutdownTimeout, then terminate them. */
  private drain(): Promise<void> {
    if (this.closed !== undefined) return this.closed;
    this.draining = true;
    this.closed = new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeIdleConnections();
    });
    this.drainTimer = setTimeout(() => {
      for (const pid of [...this.running]) this.runtime.terminate(pid);
      this.server.closeAllConnections();
    }, this.shutdownTimeout);
    void this.closed.then(() => clearTimeout(this.drainTimer));
    return this.closed;
  }

  async stop(): Promise<void> {
    await this.drain();
    clearTimeout(this.drainTimer);
  }
}
