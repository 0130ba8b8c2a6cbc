import { SwitchyardError } from '@switchyard/errors';

/**
 * What went wrong, for tools: `function`, `symbol` and `instance` (a class the codec does not
 * carry: Promise, WeakMap, a user class…), `cycle` and `size` (a bigint of more than
 * MAX_BIGINT_DIGITS digits) when encoding; `depth` in both directions; `malformed` when decoding.
 */
export type CodecFailureKind = 'function' | 'symbol' | 'instance' | 'cycle' | 'depth' | 'size' | 'malformed';

export type CodecErrorCode = 'CODEC_UNSUPPORTED' | 'CODEC_MALFORMED' | 'CODEC_TOO_DEEP';

/**
 * A value the codec cannot carry (`CODEC_UNSUPPORTED`), wire text that is not the codec's
 * (`CODEC_MALFORMED`), or nesting past the depth limit (`CODEC_TOO_DEEP`).
 */
export class CodecError extends SwitchyardError {
  declare readonly code: CodecErrorCode;
  /**
   * Where: `$` is the root, then `.key` / `["odd key"]` / `[3]`; a Map entry is `.keys()[i]` or
   * `.values()[i]`, a Set member `.values()[i]`. When encoding, a path into the value; when
   * decoding, a path into the wire JSON.
   */
  readonly path: string;
  readonly kind: CodecFailureKind;
  /** What was found, e.g. `a function (handler)`, `a Promise`, `a cycle back to $.a`. */
  readonly reason: string;
  constructor(code: CodecErrorCode, kind: CodecFailureKind, path: string, reason: string, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.path = path;
    this.kind = kind;
    this.reason = reason;
  }
}

/** The fields an error travels with (the `v` of an `err` tag). */
export interface ErrorRecord {
  readonly name: string;
  readonly message: string;
  /** `null` on the wire when the error had no string code; revived as `REMOTE_ERROR`. */
  readonly code: string | null;
  /** The error's own enumerable fields (other than name, message, code, stack, cause). */
  readonly data: Readonly<Record<string, unknown>>;
  readonly cause?: unknown;
  /** Names of fields (or `cause`) that were dropped because the codec cannot carry them. */
  readonly omitted?: readonly string[];
}

/** The code of a revived error whose original had no string `code`. */
export const REMOTE_ERROR = 'REMOTE_ERROR';

// Own keys of a revived error that its data fields never overwrite.
const RESERVED = new Set(['name', 'message', 'code', 'stack', 'cause']);

/**
 * An error that crossed the wire. It keeps the original's `name`, `message`, `code` and data
 * fields (as own properties, so `err.path` reads as it did on the sender) and its `cause`.
 * `omitted` lists fields the sender could not encode.
 */
export class RemoteError extends SwitchyardError {
  /** Fields the sender dropped because the codec cannot carry them (non-enumerable). */
  declare readonly omitted: readonly string[];
  [field: string]: unknown;

  constructor(record: ErrorRecord) {
    super(record.code ?? REMOTE_ERROR, record.message, 'cause' in record ? { cause: record.cause } : undefined);
    // The original's class name: `err.name === 'NotOwnerError'` while `err instanceof RemoteError`.
    this.name = record.name;
    for (const key of Object.keys(record.data)) {
      if (RESERVED.has(key)) continue;
      Object.defineProperty(this, key, { value: record.data[key], enumerable: true, writable: true, configurable: true });
    }
    if (!Object.prototype.hasOwnProperty.call(this, 'omitted')) {
      Object.defineProperty(this, 'omitted', { value: Object.freeze([...(record.omitted ?? [])]), enumerable: false, writable: false, configurable: true });
    }
  }
}
