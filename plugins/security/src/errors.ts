import { SwitchyardError } from '@switchyard/errors';

export type SecurityErrorCode =
  | 'TOKEN_INVALID'
  | 'TOKEN_EXPIRED'
  | 'TOKEN_REVOKED'
  | 'NO_SUCH_TOKEN_STORE'
  | 'SECURITY_BAD_OPTIONS'
  | 'SECURITY_BAD_ARGUMENT';

/** A token was refused, or a security command was misused. Messages never contain the token. */
export class SecurityError extends SwitchyardError {
  declare readonly code: SecurityErrorCode;
  /** The token store involved. */
  readonly store: string | undefined;
  constructor(code: SecurityErrorCode, message: string, store?: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.store = store;
  }
}
