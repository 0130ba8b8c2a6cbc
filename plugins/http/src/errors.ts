import { describeValue, SwitchyardError } from '@switchyard/errors';

export type HttpErrorCode =
  | 'HTTP_CONNECT'
  | 'HTTP_TIMEOUT'
  | 'HTTP_ABORTED'
  | 'HTTP_TOO_LARGE'
  | 'HTTP_TLS'
  | 'HTTP_BLOCKED'
  | 'HTTP_PROTOCOL'
  | 'HTTP_BAD_ARGUMENT';

/** A request that produced no response. `url` and `method` name it; `cause` keeps the low-level error. */
export class HttpError extends SwitchyardError {
  constructor(
    code: HttpErrorCode,
    readonly method: string,
    readonly url: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(code, `${method} ${url}: ${message}`, options);
  }
}

/** A response body that is not JSON (json()). */
export class JsonBodyError extends SwitchyardError {
  constructor(
    readonly url: string,
    readonly status: number,
    cause: unknown,
  ) {
    super('HTTP_BAD_JSON', `the body of ${url} (status ${status}) is not JSON: ${(cause as Error).message}`, { cause });
  }
}

/** The HTTP server could not start, or a route is wrong. */
export class HttpServerError extends SwitchyardError {
  constructor(code: 'HTTP_LISTEN_FAILED' | 'HTTP_BAD_ROUTE' | 'HTTP_RESPONSE_SENT' | 'HTTP_BAD_RESPONSE' | 'HTTP_NO_SERVER', message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}

/** requestBatch() of something that is not an array of request options (HTTP_BAD_ARGUMENT). */
export function badBatch(requests: unknown): HttpError {
  return new HttpError('HTTP_BAD_ARGUMENT', 'GET', '?', `requestBatch() takes an array of request options, got ${describeValue(requests)}`);
}
