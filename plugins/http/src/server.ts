import { createServer, validateHeaderName, validateHeaderValue, type IncomingMessage, type Server, type ServerResponse as NodeResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
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
  /** The whole path, when it has no params and no rest: matched by one string comparison. */
  readonly literal: string | undefined;
}

/** One request: the resource-table value, owned by the process that answers it. */
interface Pending {
  readonly req: IncomingMessage;
  readonly res: NodeResponse;
  readonly method: string;
  readonly path: string;
  readonly server: HttpServer;
  /** The route function, when the request runs as its own process. */
  readonly handler: RouteHandler | undefined;
  request: ServerRequest | undefined;
  answered: boolean;
  gone: boolean;
  pid: Pid | undefined;
  /** The server's list of running route processes (no hashing of PIDs per request). */
  prev: Pending | null;
  next: Pending | null;
  linked: boolean;
}

const PENDING = Symbol('switchyard.http.pending');
type TrackedResponse = NodeResponse & { [PENDING]?: Pending };

/** res 'close' (one shared listener, no closure per request): the client went away before the answer. */
function onResponseClose(this: TrackedResponse): void {
  const p = this[PENDING];
  if (p === undefined || this.writableFinished) return;
  clientGone(p);
}

function clientGone(p: Pending): void {
  p.gone = true;
  // A route process is ended; a named process just loses the request.
  if (p.handler !== undefined && !p.answered) p.server.runtime.terminate(p.pid!);
}

const INFLIGHT = Symbol('switchyard.http.inflight');
const MORE = Symbol('switchyard.http.pipelined');
const WATCHED = Symbol('switchyard.http.watched');
/**
 * A connection: its one listener for 'close', and the route processes answering its requests
 * (one at a time usually; pipelined requests past the first wait in MORE).
 */
type TrackedSocket = Socket & { [INFLIGHT]?: Pending | undefined; [MORE]?: Pending[] | undefined; [WATCHED]?: boolean };

/**
 * socket 'close', one listener per connection (not per request): the processes of its unanswered
 * requests end. (A queued pipelined response gets no 'close' of its own from node.)
 */
function onSocketClose(this: TrackedSocket): void {
  const first = this[INFLIGHT];
  const more = this[MORE];
  this[INFLIGHT] = undefined;
  this[MORE] = undefined;
  if (first !== undefined && !first.answered) clientGone(first);
  if (more !== undefined) for (const p of more) if (!p.answered) clientGone(p);
}

const EMPTY_PARAMS: Readonly<Record<string, string>> = Object.freeze({});
const EMPTY_QUERY: Readonly<Record<string, string | string[]>> = Object.freeze({});

interface Prepared {
  readonly status: number;
  /** Lower-case names; only when the response gave headers. */
  readonly headers: Record<string, string | string[]> | undefined;
  readonly bytes: Uint8Array | string | undefined;
  readonly stream: StreamHandle | undefined;
  /** The default content-type, when the response gave none. */
  readonly type: string | undefined;
}

function badResponse(p: Pending, m: string): HttpServerError {
  return new HttpServerError('HTTP_BAD_RESPONSE', `${p.method} ${p.path}: ${m}`);
}

function isStreamBody(body: unknown): body is StreamHandle {
  return typeof body === 'object' && body !== null && !(body instanceof Uint8Array) && (body as { kind?: unknown }).kind === 'stream';
}

const NO_CONTENT: ServerResponse = Object.freeze({ status: 204 });

function* requestProcess(ctx: ProcessContext, p: Pending): Generator<Command, void, unknown> {
  const req = p.request!;
  const server = p.server;
  try {
    const res = (yield* p.handler!(ctx, req)) ?? NO_CONTENT;
    // A body in memory is written here and now (no yield: the process's own plugin code does it);
    // a stream body goes through Respond 62, which pipes it at the client's pace.
    if (typeof res === 'object' && res !== null && isStreamBody(res.body)) yield new RespondCmd(req.handle, res);
    else server.respondNow(ctx.pid, req.handle, res);
  } catch (error) {
    server.failed(p, ctx.pid, error);
  } finally {
    // Runs however the process ends (the runtime returns() a terminated generator).
    server.finished(p);
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
  const literal = rest === undefined && !parts.some((x) => x.startsWith(':')) ? route.path : undefined;
  return { route, methods, segments: parts, rest, literal };
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
  if (!s.includes('%')) return s;
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
  readonly runtime: Runtime;
  private readonly resources: ResourceTable;
  private readonly deliver: PluginContext['deliver'];
  private readonly bodyLimit: number;
  private readonly shutdownTimeout: number;
  private readonly log: (entry: LogEntry) => void;
  /** Running route processes: a doubly linked list through Pending, newest first. */
  private running: Pending | null = null;
  private runningCount = 0;
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
    return this.runningCount;
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
    let parts: string[] | undefined;
    let allowed: string[] | undefined;
    let found: CompiledRoute | undefined;
    let params: Record<string, string> | undefined;
    for (const r of this.routes) {
      if (r.literal !== undefined) {
        if (r.literal !== rawPath) continue;
        params = EMPTY_PARAMS as Record<string, string>;
      } else {
        params = match(r, (parts ??= rawPath.split('/').slice(1)));
        if (params === undefined) continue;
      }
      if (r.methods === null || r.methods.has(method)) {
        found = r;
        break;
      }
      (allowed ??= []).push(...r.methods);
    }
    if (found === undefined) {
      if (allowed !== undefined) this.plain(res, 405, { allow: [...new Set(allowed)].join(', ') });
      else this.plain(res, 404);
      return;
    }
    if (found.literal === undefined) for (const k in params) params[k] = decode(params[k]!);
    let query = EMPTY_QUERY as Record<string, string | string[]>;
    if (q >= 0) {
      query = {};
      for (const [k, v] of new URLSearchParams(url.slice(q + 1))) {
        const prev = query[k];
        query[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
      }
    }
    const path = decode(rawPath);
    const route = found.route;
    const headers = req.headers;
    if (route.stream === true) {
      // Read by the process at its own pace (back-pressure), so bodyLimit does not apply.
      this.dispatch(route, req, res, method, path, params!, query, EMPTY, true);
      return;
    }
    const length = headers['content-length'];
    if (length === undefined && headers['transfer-encoding'] === undefined) {
      // No body (a GET): no need to wait for the end of one.
      this.dispatch(route, req, res, method, path, params!, query, EMPTY, false);
      return;
    }
    if (Number(length ?? 0) > this.bodyLimit) {
      this.plain(res, 413, { connection: 'close' });
      req.destroy();
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
      this.dispatch(route, req, res, method, path, params!, query, new Uint8Array(b.buffer, b.byteOffset, b.byteLength), false);
    });
    req.on('error', () => undefined);
  }

  private dispatch(
    route: Route,
    req: IncomingMessage,
    res: NodeResponse,
    method: string,
    path: string,
    params: Record<string, string>,
    query: Record<string, string | string[]>,
    body: Uint8Array,
    stream: boolean,
  ): void {
    const pending: Pending = { req, res, method, path, server: this, handler: route.handler, request: undefined, answered: false, gone: false, pid: undefined, prev: null, next: null, linked: false };
    let pid: Pid | undefined;
    try {
      this.watchStop();
      if (route.handler !== undefined) {
        // Spawned first, run later (on the scheduler's next batch): pending.request is set below.
        pid = this.runtime.spawnWith(TRAP_CANCEL, requestProcess, pending);
        pending.next = this.running;
        if (this.running !== null) this.running.prev = pending;
        this.running = pending;
        pending.linked = true;
        this.runningCount++;
      } else {
        pid = this.runtime.whereis(route.to!);
        if (pid === undefined) {
          this.log({ level: 'warn', message: `no process is registered as ${JSON.stringify(route.to)}`, method, path });
          this.plain(res, 503);
          return;
        }
      }
    } catch (e) {
      // The runtime is stopping (or the name went away between whereis and now).
      this.log({ level: 'warn', message: `cannot start a process for the request: ${(e as Error).message}`, method, path });
      this.plain(res, 503, { connection: 'close' });
      return;
    }
    pending.pid = pid;
    let handle: Handle<'http.request'>;
    let bodyStream: StreamHandle | undefined;
    try {
      handle = this.resources.add(pid, REQUEST_KIND, pending, this.unanswered);
      if (stream) bodyStream = adoptStream(this.resources, pid, req, { name: `body of ${method} ${path}`, size: Number(req.headers['content-length'] ?? -1) });
    } catch {
      this.plain(res, 503);
      return;
    }
    const remoteAddress = req.socket.remoteAddress ?? '';
    const headers = req.headers as Record<string, string | string[]>;
    const request: ServerRequest =
      bodyStream === undefined ? { handle, method, path, params, query, headers, body, remoteAddress } : { handle, method, path, params, query, headers, body, bodyStream, remoteAddress };
    pending.request = request;
    if (route.handler !== undefined) {
      // Watched through the connection's one listener: nothing to add or remove per request.
      const socket = req.socket as TrackedSocket;
      if (socket[WATCHED] !== true) {
        socket[WATCHED] = true;
        socket.on('close', onSocketClose);
      }
      if (socket[INFLIGHT] === undefined) socket[INFLIGHT] = pending;
      else (socket[MORE] ??= []).push(pending);
    } else {
      // A named process: a listener on the response.
      (res as TrackedResponse)[PENDING] = pending;
      res.on('close', onResponseClose);
    }
    if (route.handler !== undefined) return;
    // Within the mailbox's bound: a full mailbox, or a message dropped unread, answers 503.
    const refused = () => {
      if (pending.answered) return;
      pending.answered = true;
      this.resources.release(handle);
      this.log({ level: 'warn', message: `the mailbox of ${JSON.stringify(route.to)} (${pid}) refused the request`, method, path, pid });
      this.plain(res, 503);
    };
    const result = this.deliver(pid, route.topic ?? 'http.request', request, (taken) => {
      if (!taken) refused();
    });
    if (result === 'full' || result === 'noproc') refused();
  }

  /** The route process ended (from its finally, or from the request's dispose if it never ran). */
  finished(p: Pending): void {
    if (!p.linked) return;
    p.linked = false;
    const socket = p.req.socket as TrackedSocket | null;
    if (socket !== null) {
      if (socket[INFLIGHT] === p) socket[INFLIGHT] = undefined;
      else {
        const more = socket[MORE];
        const i = more === undefined ? -1 : more.indexOf(p);
        if (i >= 0) more!.splice(i, 1);
      }
    }
    if (p.prev !== null) p.prev.next = p.next;
    else this.running = p.next;
    if (p.next !== null) p.next.prev = p.prev;
    p.prev = p.next = null;
    this.runningCount--;
  }

  failed(p: Pending, pid: Pid, error: unknown): void {
    this.log({ level: 'error', message: `uncaught ${error instanceof Error ? error.name : 'error'} in the request process`, method: p.method, path: p.path, pid, error });
    if (!p.answered) {
      p.answered = true;
      this.plain(p.res, 500);
    }
  }

  /** The request's owner ended without answering it (the resource's dispose: one function for all requests). */
  private readonly unanswered = (p: Pending): void => {
    this.finished(p);
    if (p.answered) return;
    p.answered = true;
    if (!p.gone) {
      this.log({ level: 'warn', message: 'the process ended without answering', method: p.method, path: p.path, pid: p.pid });
      this.plain(p.res, this.draining ? 503 : 500);
    }
  };

  /** Check a response before anything is sent; HTTP_BAD_RESPONSE names the request. */
  private prepare(p: Pending, response: ServerResponse): Prepared {
    if (p.answered) throw new HttpServerError('HTTP_RESPONSE_SENT', `${p.method} ${p.path} was already answered`);
    if (typeof response !== 'object' || response === null) throw badResponse(p, `a response must be an object { status, headers, body | json }, got ${describeValue(response)}`);
    const status = response.status ?? 200;
    if (!(Number.isInteger(status) && status >= 200 && status <= 599)) throw badResponse(p, `status must be an integer in 200..599, got ${describeValue(status)}`);
    let headers: Record<string, string | string[]> | undefined;
    if (response.headers !== undefined) {
      headers = {};
      for (const [k, v] of Object.entries(response.headers as HeaderValues)) {
        if (typeof v !== 'string' && !(Array.isArray(v) && v.every((x) => typeof x === 'string'))) throw badResponse(p, `header ${describeValue(k)} must be a string or strings`);
        try {
          validateHeaderName(k);
          if (typeof v === 'string') validateHeaderValue(k, v);
          else for (const x of v) validateHeaderValue(k, x);
        } catch (e) {
          throw badResponse(p, `header ${describeValue(k)}: ${(e as Error).message}`);
        }
        headers[k.toLowerCase()] = typeof v === 'string' ? v : [...v];
      }
    }
    const body = response.body;
    if (response.json !== undefined && body !== undefined && body !== null) throw badResponse(p, 'give body or json, not both');
    let bytes: Uint8Array | string | undefined;
    let stream: StreamHandle | undefined;
    let type: string;
    if (response.json !== undefined) {
      bytes = JSON.stringify(response.json);
      type = 'application/json';
    } else if (typeof body === 'string') {
      bytes = body;
      type = 'text/plain; charset=utf-8';
    } else if (body instanceof Uint8Array) {
      bytes = body;
      type = 'application/octet-stream';
    } else if (isStreamBody(body)) {
      stream = body;
      type = 'application/octet-stream';
    } else if (body !== undefined && body !== null) {
      throw badResponse(p, `body must be a string, bytes or a stream handle (use json for values), got ${describeValue(body)}`);
    } else {
      type = 'application/octet-stream';
    }
    return { status, headers, bytes, stream, type: headers?.['content-type'] === undefined ? type : undefined };
  }

  /** A response with its body in memory, written at once; true when sent, false when the client had gone. */
  respondNow(pid: Pid, handle: unknown, response: ServerResponse): boolean {
    const p = this.resources.use<Pending>(pid, handle, REQUEST_KIND);
    const r = this.prepare(p, response);
    if (r.stream !== undefined) throw badResponse(p, 'a stream body is answered through respond()');
    p.answered = true;
    this.resources.close(pid, handle, REQUEST_KIND);
    const res = p.res;
    if (p.gone || res.destroyed) return false;
    // As a bare node:http handler does it: node writes the head and the body together and
    // computes content-length; only headers the route gave are set one by one.
    res.statusCode = r.status;
    if (r.headers !== undefined) {
      for (const k in r.headers) res.setHeader(k, r.headers[k]!);
      if (r.bytes !== undefined) res.setHeader('content-length', typeof r.bytes === 'string' ? Buffer.byteLength(r.bytes) : r.bytes.length);
    }
    if (r.type !== undefined && r.bytes !== undefined) res.setHeader('content-type', r.type);
    res.end(r.bytes);
    return true;
  }

  /** Respond 62: write the response; true when sent, false when the client had gone (a promise for a stream body). */
  respond(pid: Pid, handle: unknown, response: ServerResponse, signal: () => AbortSignal): boolean | Promise<boolean> {
    const body = typeof response === 'object' && response !== null ? response.body : undefined;
    if (!isStreamBody(body)) return this.respondNow(pid, handle, response);
    return this.respondStream(pid, handle, response, signal);
  }

  private async respondStream(pid: Pid, handle: unknown, response: ServerResponse, signal: () => AbortSignal): Promise<boolean> {
    const p = this.resources.use<Pending>(pid, handle, REQUEST_KIND);
    const r = this.prepare(p, response);
    const stream = r.stream!;
    p.answered = true;
    const res = p.res;
    if (p.gone || res.destroyed) {
      this.resources.close(pid, handle, REQUEST_KIND);
      return false;
    }
    try {
      const headers = r.headers ?? {};
      if (r.type !== undefined) headers['content-type'] = r.type;
      res.writeHead(r.status, headers);
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
      const pids: Pid[] = [];
      for (let p = this.running; p !== null; p = p.next) pids.push(p.pid!);
      for (const pid of pids) this.runtime.terminate(pid);
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
