import { CommandBase } from '@switchyard/dispatcher';
import type { Handle } from '@switchyard/runtime';
import type { StreamHandle } from '@switchyard/plugin-stream';
import type { SwitchyardError } from '@switchyard/errors';
import { badBatch, JsonBodyError } from './errors.js';

/** HTTP command IDs (60–79). */
export const HttpCommand = {
  Request: 60,
  RequestBatch: 61,
  Respond: 62,
  ServerAddress: 63,
} as const;

/** Header values as sent: one string, or several for a repeated header. */
export type HeaderValues = Readonly<Record<string, string | readonly string[]>>;
/** Response and request headers as received: lower-case names; repeated ones (set-cookie) as arrays. */
export type HttpHeaders = Readonly<Record<string, string | string[]>>;

export type QueryValue = string | number | boolean;

/** A file in a multipart body. */
export interface FilePart {
  readonly filename: string;
  readonly data: Uint8Array | string;
  /** Content type; default application/octet-stream. */
  readonly type?: string;
}

export interface TlsOptions {
  /** Trusted CA certificates (PEM), replacing the default set. */
  readonly ca?: string | Uint8Array | readonly (string | Uint8Array)[];
  /** Client certificate and key (PEM) for mutual TLS. */
  readonly cert?: string | Uint8Array;
  readonly key?: string | Uint8Array;
  /** SNI and certificate name to check; default the URL's host. */
  readonly servername?: string;
  /** Default true. false accepts any certificate: for tests only. */
  readonly rejectUnauthorized?: boolean;
}

export interface RequestOptions {
  /** Default GET. */
  readonly method?: string;
  readonly url: string;
  readonly headers?: HeaderValues;
  /** Appended to the URL's query string; an array repeats the key. */
  readonly query?: Readonly<Record<string, QueryValue | readonly QueryValue[]>>;
  /** The body: at most one of json, form, multipart, body. */
  readonly json?: unknown;
  readonly form?: Readonly<Record<string, string | readonly string[]>>;
  readonly multipart?: Readonly<Record<string, string | FilePart>>;
  /** Bytes, a string (UTF-8), or a stream handle the process owns (read to its end, not closed). */
  readonly body?: Uint8Array | string | StreamHandle;
  /** Whole request, headers and body, in ms. Default: none beyond the 300 s idle timeouts of undici. */
  readonly timeout?: number;
  /** Largest body read into memory; default 120 MiB. Over it: HTTP_TOO_LARGE. Not applied with stream: true. */
  readonly maxBytes?: number;
  /** 'follow' (default, up to maxRedirects) or 'manual' (a 3xx is the response). */
  readonly redirect?: 'follow' | 'manual';
  /** Default 20. */
  readonly maxRedirects?: number;
  readonly tls?: TlsOptions;
  /** Connect to this Unix domain socket instead of the URL's host and port. */
  readonly socketPath?: string;
  /** HTTP basic authentication. */
  readonly auth?: { readonly username: string; readonly password: string };
  /** Hand the body over as a stream handle owned by the process instead of reading it. */
  readonly stream?: boolean;
}

interface ResponseHead {
  readonly status: number;
  readonly headers: HttpHeaders;
  /** The URL that answered, after redirects. */
  readonly url: string;
  /** Redirects followed. */
  readonly redirects: number;
}

export interface HttpResponse extends ResponseHead {
  readonly body: Uint8Array;
}

/** With `stream: true`: read the body with the stream commands; it is freed when the process ends. */
export interface StreamedResponse extends ResponseHead {
  readonly body: StreamHandle;
}

export type ResponseFor<O> = O extends { readonly stream: true } ? StreamedResponse : HttpResponse;

/** One answer of a batch. `error` is an HttpError, or NOT_OWNER / NO_SUCH_RESOURCE for a stream body the process does not own. */
export type BatchResult<R> = { readonly ok: true; readonly response: R } | { readonly ok: false; readonly error: SwitchyardError };

export class RequestCmd<R> extends CommandBase<R> {
  readonly id = HttpCommand.Request;
  constructor(readonly options: RequestOptions) {
    super();
  }
}

export class RequestBatchCmd<R> extends CommandBase<R> {
  readonly id = HttpCommand.RequestBatch;
  constructor(readonly requests: readonly RequestOptions[]) {
    super();
  }
}

/**
 * Send a request. Any status is a response; a network failure fails the yield with an HttpError
 * (HTTP_CONNECT, HTTP_TIMEOUT, HTTP_ABORTED, HTTP_TOO_LARGE, HTTP_TLS, HTTP_BLOCKED) naming the URL.
 */
export const request = <const O extends RequestOptions>(options: O): RequestCmd<ResponseFor<O>> => new RequestCmd(options);

/** All requests at once; one `{ ok, response | error }` per request, in input order. Not an array: HTTP_BAD_ARGUMENT, thrown here. */
export const requestBatch = <const O extends readonly RequestOptions[]>(
  requests: O,
): RequestBatchCmd<{ -readonly [K in keyof O]: BatchResult<ResponseFor<O[K]>> }> => {
  if (!Array.isArray(requests)) throw badBatch(requests);
  return new RequestBatchCmd(requests);
};

/** GET `url`. */
export const get = <const O extends Omit<RequestOptions, 'url' | 'method'> = object>(url: string, options?: O): RequestCmd<ResponseFor<O>> =>
  new RequestCmd(options === undefined ? { url, method: 'GET' } : { ...options, url, method: 'GET' });

/** POST `url`; `options` gives the body (json, form, multipart or body). */
export const post = <const O extends Omit<RequestOptions, 'url' | 'method'> = object>(url: string, options?: O): RequestCmd<ResponseFor<O>> =>
  new RequestCmd(options === undefined ? { url, method: 'POST' } : { ...options, url, method: 'POST' });

/** The body as UTF-8 text. */
export const text = (res: HttpResponse): string => Buffer.from(res.body.buffer, res.body.byteOffset, res.body.byteLength).toString('utf8');

/** The body parsed as JSON; HTTP_BAD_JSON (naming the URL) if it is not. */
export function json<T = unknown>(res: HttpResponse): T {
  const t = text(res);
  try {
    return JSON.parse(t) as T;
  } catch (e) {
    throw new JsonBodyError(res.url, res.status, e);
  }
}

// ---------------------------------------------------------------- server

/** A request handed to a process (route function or named process). */
export interface ServerRequest {
  /** The request handle: answer it with respond(); it is owned by the process that got it. */
  readonly handle: Handle<'http.request'>;
  readonly method: string;
  /** Path without the query string. */
  readonly path: string;
  readonly params: Readonly<Record<string, string>>;
  readonly query: Readonly<Record<string, string | string[]>>;
  readonly headers: HttpHeaders;
  /** The body read into memory (up to the server's bodyLimit), or, for routes with `stream: true`, empty. */
  readonly body: Uint8Array;
  /** For routes with `stream: true`: the body as a stream owned by the process. */
  readonly bodyStream?: StreamHandle;
  readonly remoteAddress: string;
}

/** What a route answers: `body` or `json`. */
export interface ServerResponse {
  /** Default 200. */
  readonly status?: number;
  readonly headers?: HeaderValues;
  /** Text (text/plain), bytes (application/octet-stream), or a readable stream handle the process owns (piped, then closed). */
  readonly body?: string | Uint8Array | StreamHandle | null;
  /** A value sent as JSON (application/json) instead of body. */
  readonly json?: unknown;
}

/** Resolves true when the response went out, false when the client had already gone. */
export class RespondCmd extends CommandBase<boolean> {
  readonly id = HttpCommand.Respond;
  constructor(readonly request: Handle<'http.request'>, readonly response: ServerResponse) {
    super();
  }
}

export interface ServerAddress {
  readonly host: string;
  readonly port: number;
  /** `http://host:port` */
  readonly url: string;
}

export class ServerAddressCmd extends CommandBase<ServerAddress> {
  readonly id = HttpCommand.ServerAddress;
}

/** Answer a request (from a long-lived process; route functions just return the response). */
export const respond = (req: ServerRequest | Handle<'http.request'>, response: ServerResponse): RespondCmd =>
  new RespondCmd('handle' in req ? req.handle : req, response);

/** Where the server of this runtime listens (the bound port when configured with port 0). */
export const serverAddress = (): ServerAddressCmd => new ServerAddressCmd();
