import { SwitchyardError } from '@switchyard/errors';

export type CloudStorageErrorCode =
  | 'NOT_FOUND'
  | 'PRECONDITION_FAILED'
  | 'NOT_MODIFIED'
  | 'STORAGE_BAD_KEY'
  | 'STORAGE_BAD_ARGUMENT'
  | 'STORAGE_BAD_OPTION'
  | 'STORAGE_NO_SUCH_STORAGE'
  | 'STORAGE_TOO_LARGE'
  | 'STORAGE_NO_PRESIGN'
  | 'STORAGE_IO';

/** Every cloud storage failure: `storage` names the store, `key` the object (when there is one). */
export class CloudStorageError extends SwitchyardError {
  constructor(
    code: CloudStorageErrorCode,
    readonly storage: string,
    readonly key: string | undefined,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
  }
}

export function notFound(storage: string, key: string): CloudStorageError {
  return new CloudStorageError('NOT_FOUND', storage, key, `storage "${storage}": no object "${key}"`);
}

export function preconditionFailed(storage: string, key: string, what: string): CloudStorageError {
  return new CloudStorageError('PRECONDITION_FAILED', storage, key, `storage "${storage}": precondition failed for "${key}": ${what}`);
}

export function tooLarge(storage: string, key: string, length: number, maxBytes: number): CloudStorageError {
  return new CloudStorageError('STORAGE_TOO_LARGE', storage, key, `storage "${storage}": "${key}" is ${length} bytes, over maxBytes ${maxBytes} (use downloadStream)`);
}
