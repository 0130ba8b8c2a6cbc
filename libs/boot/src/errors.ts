/** A boot problem, with a stable `code` and a message naming the components at fault. */
export class BootError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = 'BootError';
  }
}

/** Component `stop` hooks that failed or timed out during shutdown; every one is listed. */
export class ShutdownError extends BootError {
  readonly errors: readonly { component: string; error: unknown }[];
  constructor(errors: readonly { component: string; error: unknown }[]) {
    super(
      'SHUTDOWN_FAILED',
      `shutdown finished with ${errors.length} error(s): ` +
        errors.map((e) => `"${e.component}": ${e.error instanceof Error ? e.error.message : String(e.error)}`).join('; '),
    );
    this.name = 'ShutdownError';
    this.errors = errors;
  }
}
