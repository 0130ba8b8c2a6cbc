import { isIP } from 'node:net';
import { Readable } from 'node:stream';
import { Agent, FormData, util as undiciUtil, type Dispatcher } from 'undici';
import { describeValue, type SwitchyardError } from '@switchyard/errors';
import type { HandlerContext } from '@switchyard/dispatcher';
import type { Pid, ResourceTable } from '@switchyard/runtime';
import { adoptStream, streamChunks } from '@switchyard/plugin-stream';
import type { BatchResult, HttpResponse, RequestOptions, StreamedResponse, TlsOptions } from './commands.js';
import { HttpError, type HttpErrorCode } from './errors.js';
import { RequestSignal } from './abort.js';
import { AddressGuard } from './guard.js';

export const DEFAULT_MAX_BYTES = 120 * 1024 * 1024;
const REQUEST_KEYS: readonly string[] = ['method', 'url', 'headers', 'query', 'json', 'form', 'multipart', 'body', 'timeout', 'maxBytes', 'redirect', 'maxRedirects', 'tls', 'socketPath', 'auth', 'stream'];
const REQUEST_KEY_SET = new Set(REQUEST_KEYS);
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

export interface ClientOptions {
  /** Refuse private, loopback and link-local addresses (after DNS resolution). */
  readonly blockPrivate: boolean;
  /** Connections per origin; undefined = no limit. */
  readonly connections: number | undefined;
  readonly maxBytes: number;
}

type Body = string | Uint8Array | FormData | Readable | null;

/** The body of a request without one (one function for all of them). */
const NO_BODY = (): Body => null;

/** Where a request goes: what undici and the messages need of its URL, as strings. */
interface Target {
  href: string;
  origin: string;
  /** pathname + search */
  path: string;
  hostname: string;
}

/** Parsed plain URLs (no query option, no credentials) kept per client, up to this many. */
const TARGET_CACHE_SIZE = 512;

function targetOf(url: URL): Target {
  return { href: url.href, origin: url.origin, path: url.pathname + url.search, hostname: url.hostname };
}

interface Prepared {
  method: string;
  url: Target;
  headers: Record<string, string | string[]>;
  /** Re-creates the body for each attempt (a redirect may resend it); null for a stream, which can be sent once. */
  body: (() => Body) | null;
  /** The one-shot body over a stream handle. */
  streamBody: (() => Body) | undefined;
  timeout: number | undefined;
  maxBytes: number;
  follow: boolean;
  maxRedirects: number;
  tls: TlsOptions | undefined;
  socketPath: string | undefined;
  stream: boolean;
}

const TLS_CODE = /CERT|SSL|TLS|_SIGNED|UNABLE_TO_(GET|VERIFY)|EPROTO/;

function codeChain(e: unknown): string[] {
  const out: string[] = [];
  for (let c: unknown = e, i = 0; c instanceof Error && i < 5; c = c.cause, i++) {
    const code = (c as { code?: unknown }).code;
    if (typeof code === 'string') out.push(code);
  }
  return out;
}

/** The request follows this response to its `location` (so its body is not kept). */
function follows(p: Prepared, status: number, location: unknown): location is string {
  if (!p.follow || !REDIRECTS.has(status) || typeof location !== 'string') return false;
  // A stream body was consumed by the first attempt: the 307/308 is the answer.
  return !((status === 307 || status === 308) && p.body === null);
}

const NO_BYTES = new Uint8Array(0);

/**
 * One attempt of a request whose body is wanted in memory, as an undici dispatch handler: the
 * chunks are collected as they arrive, against maxBytes, with no response stream in between
 * (undici's request() builds a Readable and an AsyncResource per response; this is what its
 * consumers then do with them). Aborted through the request's signal; a body that is followed
 * as a redirect is read and dropped.
 */
class Collector {
  status = 0;
  headers: Record<string, string | string[]> = {};
  body: Uint8Array = NO_BYTES;
  private parts: Buffer[] = [];
  private total = 0;
  private keep = true;
  private abortRequest: ((reason: Error) => void) | null = null;
  private readonly onAbort = (): void => this.abortRequest?.(this.signal.reason as Error);

  constructor(
    private readonly p: Prepared,
    private readonly signal: RequestSignal,
    private readonly sent: Body,
    private readonly resolve: (c: Collector) => void,
    private readonly reject: (e: unknown) => void,
  ) {
    signal.addEventListener('abort', this.onAbort);
  }

  onConnect(abort: (reason: Error) => void): void {
    if (this.signal.aborted) abort(this.signal.reason as Error);
    else this.abortRequest = abort;
  }

  onHeaders(status: number, raw: Buffer[]): boolean {
    if (status < 200) return true;
    const headers = undiciUtil.parseHeaders(raw) as Record<string, string | string[]>;
    this.status = status;
    this.headers = headers;
    const p = this.p;
    if (follows(p, status, headers.location)) this.keep = false;
    else {
      const declared = headers['content-length'];
      const length = declared === undefined ? -1 : Number(declared);
      if (length > p.maxBytes) this.abortRequest?.(new HttpError('HTTP_TOO_LARGE', p.method, p.url.href, `the body is ${length} bytes, over maxBytes (${p.maxBytes})`));
    }
    return true;
  }

  onData(chunk: Buffer): boolean {
    if (!this.keep) return true;
    this.total += chunk.length;
    if (this.total > this.p.maxBytes) {
      this.keep = false;
      this.abortRequest?.(new HttpError('HTTP_TOO_LARGE', this.p.method, this.p.url.href, `the body is over maxBytes (${this.p.maxBytes})`));
      return true;
    }
    this.parts.push(chunk);
    return true;
  }

  onComplete(): void {
    this.signal.removeEventListener('abort', this.onAbort);
    const parts = this.parts;
    // A copy, as undici's bytes() makes: a view would keep the socket's whole read buffer alive.
    if (parts.length === 1) this.body = new Uint8Array(parts[0]!);
    else if (parts.length > 1) {
      const body = new Uint8Array(this.total);
      let at = 0;
      for (const c of parts) {
        body.set(c, at);
        at += c.length;
      }
      this.body = body;
    }
    this.parts = [];
    this.resolve(this);
  }

  onError(e: Error): void {
    this.signal.removeEventListener('abort', this.onAbort);
    this.parts = [];
    // As undici's request(): a stream body that was not sent whole is destroyed.
    if (this.sent instanceof Readable && !this.sent.destroyed) {
      this.sent.on('error', () => undefined);
      this.sent.destroy(e);
    }
    this.reject(e);
  }
}

/** The HTTP client of one plugin installation: its agents, its guard, its counters. */
export class HttpClient {
  private readonly agents = new Map<string, Agent>();
  private readonly guard: AddressGuard | undefined;
  /** URL string → its parsed target, for URLs needing nothing but parsing (the same endpoints are called again and again). */
  private readonly targets = new Map<string, Target>();
  requests = 0;
  inFlight = 0;

  constructor(
    private readonly resources: ResourceTable,
    private readonly options: ClientOptions,
  ) {
    this.guard = options.blockPrivate ? new AddressGuard() : undefined;
  }

  /** One Agent for plain requests; one more per distinct TLS / Unix socket setting. */
  private agent(p: Prepared): Agent {
    const key = p.tls === undefined && p.socketPath === undefined ? '' : JSON.stringify([p.tls, p.socketPath]);
    let a = this.agents.get(key);
    if (a === undefined) {
      const connect: Record<string, unknown> = {};
      if (this.guard !== undefined) connect.lookup = this.guard.lookup;
      if (p.socketPath !== undefined) connect.socketPath = p.socketPath;
      if (p.tls !== undefined) {
        const t = p.tls;
        if (t.ca !== undefined) connect.ca = t.ca;
        if (t.cert !== undefined) connect.cert = t.cert;
        if (t.key !== undefined) connect.key = t.key;
        if (t.servername !== undefined) connect.servername = t.servername;
        if (t.rejectUnauthorized !== undefined) connect.rejectUnauthorized = t.rejectUnauthorized;
      }
      a = new Agent({ connect, ...(this.options.connections === undefined ? {} : { connections: this.options.connections }) });
      this.agents.set(key, a);
    }
    return a;
  }

  get agentCount(): number {
    return this.agents.size;
  }

  async close(): Promise<void> {
    const all = [...this.agents.values()];
    this.agents.clear();
    await Promise.all(all.map((a) => a.close().catch(() => a.destroy())));
  }

  private bad(o: Partial<RequestOptions>, message: string): HttpError {
    return new HttpError('HTTP_BAD_ARGUMENT', typeof o.method === 'string' ? o.method.toUpperCase() : 'GET', typeof o.url === 'string' ? o.url : describeValue(o.url), message);
  }

  /**
   * Validate options and build what a request needs; throws HTTP_BAD_ARGUMENT naming the option.
   * `ctx` is read only here, synchronously inside the handler (a stream body reads its signal).
   */
  prepare(o: RequestOptions, ctx: HandlerContext): Prepared {
    if (typeof o !== 'object' || o === null) throw new HttpError('HTTP_BAD_ARGUMENT', 'GET', '?', `request options must be an object, got ${describeValue(o)}`);
    for (const k in o) if (!REQUEST_KEY_SET.has(k) && Object.hasOwn(o, k)) throw this.bad(o, `${describeValue(k)} is not a request option; known: ${REQUEST_KEYS.join(', ')}`);
    const m = o.method;
    // The common methods as the helpers spell them need no normalising.
    const method = m === undefined || m === 'GET' ? 'GET' : m === 'POST' ? m : typeof m === 'string' ? m.toUpperCase() : '';
    if (method !== 'GET' && method !== 'POST' && !TOKEN.test(method)) throw this.bad(o, `method ${describeValue(o.method)} is not an HTTP method`);
    let target = typeof o.url === 'string' && o.query === undefined ? this.targets.get(o.url) : undefined;
    let url: URL | undefined;
    if (target === undefined) {
      try {
        url = new URL(o.url);
      } catch {
        throw this.bad(o, `the URL ${describeValue(o.url, 200)} is not an absolute URL`);
      }
      if (url.protocol !== 'http:' && url.protocol !== 'https:') throw this.bad(o, `only http: and https: URLs are supported, got ${url.protocol}`);
    }
    const headers: Record<string, string | string[]> = {};
    if (o.headers !== undefined) {
      if (typeof o.headers !== 'object' || o.headers === null) throw this.bad(o, `headers must be an object, got ${describeValue(o.headers)}`);
      for (const [k, v] of Object.entries(o.headers)) {
        if (!TOKEN.test(k)) throw this.bad(o, `header name ${describeValue(k)} is not valid`);
        if (typeof v === 'string') headers[k.toLowerCase()] = v;
        else if (Array.isArray(v) && v.every((x) => typeof x === 'string')) headers[k.toLowerCase()] = [...(v as string[])];
        else throw this.bad(o, `header ${describeValue(k)} must be a string or an array of strings, got ${describeValue(v)}`);
      }
    }
    let auth = o.auth;
    if (url !== undefined) {
      if (o.query !== undefined) {
        if (typeof o.query !== 'object' || o.query === null) throw this.bad(o, `query must be an object, got ${describeValue(o.query)}`);
        for (const [k, v] of Object.entries(o.query)) {
          for (const x of Array.isArray(v) ? v : [v]) {
            if (typeof x !== 'string' && typeof x !== 'number' && typeof x !== 'boolean') throw this.bad(o, `query ${describeValue(k)} must be a string, number or boolean, got ${describeValue(x)}`);
            url.searchParams.append(k, String(x));
          }
        }
      }
      // Credentials in the URL become a header: they must never appear in messages.
      if (url.username !== '' || url.password !== '') {
        auth ??= { username: decodeURIComponent(url.username), password: decodeURIComponent(url.password) };
        url.username = '';
        url.password = '';
        target = targetOf(url);
      } else {
        target = targetOf(url);
        if (o.query === undefined) {
          if (this.targets.size >= TARGET_CACHE_SIZE) this.targets.clear();
          this.targets.set(o.url, target);
        }
      }
    }
    // A cached target is shared and never changed: a redirect replaces p.url with a new one.
    const where = target!;
    if (auth !== undefined) {
      if (typeof auth !== 'object' || auth === null || typeof auth.username !== 'string' || typeof auth.password !== 'string') throw this.bad(o, 'auth must be { username, password } strings');
      headers.authorization = `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`;
    }
    if ((o.json !== undefined ? 1 : 0) + (o.form !== undefined ? 1 : 0) + (o.multipart !== undefined ? 1 : 0) + (o.body !== undefined ? 1 : 0) > 1) {
      const bodies = (['json', 'form', 'multipart', 'body'] as const).filter((k) => o[k] !== undefined);
      throw this.bad(o, `give one body, not ${bodies.join(' and ')}`);
    }
    let body: () => Body = NO_BODY;
    if (o.json !== undefined) {
      const s = JSON.stringify(o.json);
      if (s === undefined) throw this.bad(o, `json ${describeValue(o.json)} cannot be encoded as JSON`);
      headers['content-type'] ??= 'application/json';
      body = () => s;
    } else if (o.form !== undefined) {
      const params = new URLSearchParams();
      for (const [k, v] of Object.entries(o.form)) for (const x of Array.isArray(v) ? v : [v]) params.append(k, String(x));
      const s = params.toString();
      headers['content-type'] ??= 'application/x-www-form-urlencoded';
      body = () => s;
    } else if (o.multipart !== undefined) {
      const parts = Object.entries(o.multipart);
      for (const [k, v] of parts) {
        if (typeof v !== 'string' && (typeof v !== 'object' || v === null || typeof v.filename !== 'string' || !(typeof v.data === 'string' || v.data instanceof Uint8Array))) {
          throw this.bad(o, `multipart field ${describeValue(k)} must be a string or { filename, data, type? }`);
        }
      }
      body = () => {
        const fd = new FormData();
        for (const [k, v] of parts) {
          if (typeof v === 'string') fd.append(k, v);
          else fd.append(k, new Blob([v.data], { type: v.type ?? 'application/octet-stream' }), v.filename);
        }
        return fd;
      };
    } else if (o.body !== undefined) {
      const b = o.body;
      if (typeof b === 'string' || b instanceof Uint8Array) body = () => b;
      else if (typeof b === 'object' && b !== null && (b as { kind?: unknown }).kind === 'stream') {
        // Owner-checked now, read as undici sends.
        const chunks = streamChunks(this.resources, ctx.pid, b, ctx.signal);
        let used = false;
        const once = () => {
          if (used) return null;
          used = true;
          return Readable.from(chunks, { objectMode: false });
        };
        return this.finish(o, method, where, headers, null, once);
      } else throw this.bad(o, `body must be bytes, a string or a stream handle, got ${describeValue(b)}`);
    }
    return this.finish(o, method, where, headers, body, undefined);
  }

  private finish(o: RequestOptions, method: string, url: Target, headers: Record<string, string | string[]>, body: (() => Body) | null, streamBody: (() => Body) | undefined): Prepared {
    const timeout = o.timeout;
    if (timeout !== undefined && !(typeof timeout === 'number' && timeout > 0 && Number.isFinite(timeout))) throw this.bad(o, `timeout must be a number of ms > 0, got ${describeValue(timeout)}`);
    const maxBytes = o.maxBytes ?? this.options.maxBytes;
    if (!(Number.isSafeInteger(maxBytes) && maxBytes >= 0)) throw this.bad(o, `maxBytes must be an integer >= 0, got ${describeValue(maxBytes)}`);
    if (o.redirect !== undefined && o.redirect !== 'follow' && o.redirect !== 'manual') throw this.bad(o, `redirect must be "follow" or "manual", got ${describeValue(o.redirect)}`);
    const maxRedirects = o.maxRedirects ?? 20;
    if (!(Number.isInteger(maxRedirects) && maxRedirects >= 0)) throw this.bad(o, `maxRedirects must be an integer >= 0, got ${describeValue(maxRedirects)}`);
    if (o.socketPath !== undefined && (typeof o.socketPath !== 'string' || o.socketPath === '')) throw this.bad(o, 'socketPath must be a non-empty path');
    if (o.tls !== undefined && (typeof o.tls !== 'object' || o.tls === null)) throw this.bad(o, `tls must be an object, got ${describeValue(o.tls)}`);
    if (o.stream !== undefined && typeof o.stream !== 'boolean') throw this.bad(o, `stream must be true or false, got ${describeValue(o.stream)}`);
    return {
      method,
      url,
      headers,
      body,
      streamBody,
      timeout,
      maxBytes,
      follow: o.redirect !== 'manual',
      maxRedirects,
      tls: o.tls,
      socketPath: o.socketPath,
      stream: o.stream === true,
    };
  }

  private fail(code: HttpErrorCode, p: Prepared, message: string, cause?: unknown): HttpError {
    return new HttpError(code, p.method, p.url.href, message, cause === undefined ? undefined : { cause });
  }

  private mapError(e: unknown, p: Prepared, timedOut: boolean, aborted: boolean): HttpError {
    if (e instanceof HttpError) return e;
    if (timedOut) return this.fail('HTTP_TIMEOUT', p, `no complete response within ${p.timeout} ms`, e);
    if (aborted) return this.fail('HTTP_ABORTED', p, 'the request was aborted (its process ended or gave up the yield)', e);
    const codes = codeChain(e);
    const msg = e instanceof Error ? e.message : String(e);
    if (codes.includes('SY_HTTP_BLOCKED')) return this.fail('HTTP_BLOCKED', p, `refused: ${msg}`, e);
    if (codes.some((c) => c === 'UND_ERR_HEADERS_TIMEOUT' || c === 'UND_ERR_BODY_TIMEOUT' || c === 'UND_ERR_CONNECT_TIMEOUT' || c === 'ETIMEDOUT')) {
      return this.fail('HTTP_TIMEOUT', p, msg, e);
    }
    if (codes.some((c) => TLS_CODE.test(c))) return this.fail('HTTP_TLS', p, `TLS failed: ${msg}`, e);
    if (codes.some((c) => c === 'UND_ERR_ABORTED' || c === 'ABORT_ERR')) return this.fail('HTTP_ABORTED', p, msg, e);
    if (codes.some((c) => c.startsWith('E') || c === 'UND_ERR_SOCKET' || c === 'UND_ERR_CLOSED')) return this.fail('HTTP_CONNECT', p, `connection failed: ${msg}`, e);
    if (codes.includes('UND_ERR_INVALID_ARG')) return this.fail('HTTP_BAD_ARGUMENT', p, msg, e);
    return this.fail('HTTP_PROTOCOL', p, msg, e);
  }

  /**
   * One request, redirects included. Resolves to the response; rejects with an HttpError.
   * Must be called synchronously inside the handler: it reads `ctx` before its first await.
   */
  async perform(ctx: HandlerContext, o: RequestOptions): Promise<HttpResponse | StreamedResponse> {
    const pid = ctx.pid;
    const p = this.prepare(o, ctx);
    // One small object per request instead of the yield's AbortController (and its listener
    // bookkeeping): aborted by the kernel when the yield is abandoned, or by the timeout below.
    const signal = new RequestSignal();
    ctx.onAbandon((reason) => signal.abort(reason));
    this.requests++;
    this.inFlight++;
    let timedOut = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    if (p.timeout !== undefined) {
      timer = setTimeout(() => {
        timedOut = true;
        signal.abort(this.fail('HTTP_TIMEOUT', p, `no complete response within ${p.timeout} ms`));
      }, p.timeout);
    }
    let res: Dispatcher.ResponseData | undefined;
    let status = 0;
    let headers: Record<string, string | string[]> = {};
    let body: Uint8Array = NO_BYTES;
    try {
      let redirects = 0;
      let method = p.method;
      let makeBody = p.body ?? p.streamBody!;
      for (;;) {
        if (this.guard !== undefined && p.socketPath === undefined) {
          const host = p.url.hostname.replace(/^\[|\]$/g, '');
          if (isIP(host) !== 0 && this.guard.isBlocked(host)) throw this.fail('HTTP_BLOCKED', p, `refused: ${host} is a private, loopback or link-local address`);
        }
        const opts: Dispatcher.DispatchOptions = {
          origin: p.url.origin,
          path: p.url.path,
          method: method as Dispatcher.HttpMethod,
          headers: p.headers,
          body: makeBody === NO_BODY ? null : makeBody(),
        };
        if (p.stream) {
          res = await this.agent(p).request({ ...opts, signal });
          status = res.statusCode;
          headers = res.headers as Record<string, string | string[]>;
        } else {
          const agent = this.agent(p);
          const got = await new Promise<Collector>((resolve, reject) => {
            agent.dispatch(opts, new Collector(p, signal, opts.body as Body, resolve, reject));
          });
          status = got.status;
          headers = got.headers;
          body = got.body;
        }
        const location = headers.location;
        if (!follows(p, status, location)) break;
        const keepsBody = status === 307 || status === 308;
        if (res !== undefined) {
          await res.body.dump();
          res = undefined;
        }
        if (redirects >= p.maxRedirects) throw this.fail('HTTP_PROTOCOL', p, `more than ${p.maxRedirects} redirects`);
        const next = new URL(location, p.url.href);
        if (next.protocol !== 'http:' && next.protocol !== 'https:') throw this.fail('HTTP_PROTOCOL', p, `redirected to a ${next.protocol} URL`);
        if (next.origin !== p.url.origin) delete p.headers.authorization;
        if (!keepsBody) {
          // As fetch: 303 (and 301/302 after a POST) continue as GET without the body.
          if (method !== 'HEAD') method = 'GET';
          makeBody = NO_BODY;
          delete p.headers['content-type'];
        }
        p.url = targetOf(next);
        redirects++;
      }
      const href = p.url.href;
      if (res !== undefined) {
        clearTimeout(timer);
        const declared = headers['content-length'];
        const length = declared === undefined ? -1 : Number(declared);
        const handle = adoptStream(this.resources, pid, res.body, { name: `body of ${p.method} ${href}`, size: Number.isSafeInteger(length) ? length : -1 });
        res = undefined;
        return { status, headers, url: href, redirects, body: handle };
      }
      // Collected within maxBytes (a declared length over it, or a body running past it, failed the request).
      return { status, headers, url: href, redirects, body };
    } catch (e) {
      throw this.mapError(e, p, timedOut, signal.aborted);
    } finally {
      // An unread body never holds a pooled connection.
      if (res !== undefined && !res.body.destroyed) {
        res.body.on('error', () => undefined);
        res.body.destroy();
      }
      clearTimeout(timer);
      this.inFlight--;
    }
  }

  batch(ctx: HandlerContext, list: readonly RequestOptions[]): Promise<BatchResult<HttpResponse | StreamedResponse>[]> {
    return Promise.all(
      list.map((o) =>
        this.perform(ctx, o).then(
          (response) => ({ ok: true as const, response }),
          (error: unknown) => ({ ok: false as const, error: error as SwitchyardError }),
        ),
      ),
    );
  }
}
