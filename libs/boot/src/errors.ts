import { SwitchyardError } from '@switchyard/errors';

/** A boot problem, with a stable `code` and a message naming the components at fault. */
export class BootError extends SwitchyardError {
  /** The component at fault, when there is one. */
  readonly component: string | undefined;
  /** MISSING_DEPENDENCY: the dependency that is not registered. */
  readonly dependency: string | undefined;
  /** DEPENDENCY_CYCLE: the component names along the cycle, first repeated at the end. */
  readonly cycle: readonly string[] | undefined;
  constructor(
    code: string,
    message: string,
    options?: { cause?: unknown; component?: string; dependency?: string; cycle?: readonly string[] },
  ) {
    super(code, message, options);
    this.component = options?.component;
    this.dependency = options?.dependency;
    this.cycle = options?.cycle;
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
