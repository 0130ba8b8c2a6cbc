import { BootContext } from './context.js';
import { bootLevels, type Component } from './component.js';
import { BootError, ShutdownError } from './errors.js';

export interface BootOptions {
  /** Longest wait for one component's stop hook during shutdown or rollback. Default 10 s. */
  stopTimeoutMs?: number;
  /** Runs after every component loaded and before any starts (the runtime freezes its registry here). */
  afterLoad?: (ctx: BootContext) => void | Promise<void>;
}

type Phase = 'idle' | 'booting' | 'running' | 'stopping' | 'stopped';

/**
 * Loads all components in dependency order, then starts them all. A failed load or start
 * stops what already started, in reverse. Shutdown stops in reverse load order, past errors.
 */
export class Boot {
  readonly order: readonly Component[];
  readonly levels: readonly (readonly Component[])[];
  private readonly started: { component: Component; ctx: BootContext }[] = [];
  private phase: Phase = 'idle';
  private readonly stopTimeoutMs: number;
  private readonly afterLoad: BootOptions['afterLoad'];
  private ctx: BootContext = BootContext.empty();

  constructor(components: readonly Component[], options: BootOptions = {}) {
    this.levels = bootLevels(components);
    this.order = this.levels.flat();
    this.stopTimeoutMs = options.stopTimeoutMs ?? 10_000;
    this.afterLoad = options.afterLoad;
  }

  get context(): BootContext {
    return this.ctx;
  }

  async boot(initial: BootContext = BootContext.empty()): Promise<BootContext> {
    if (this.phase !== 'idle') throw new BootError('BAD_PHASE', `boot() called twice (phase: ${this.phase})`);
    this.phase = 'booting';
    let ctx = initial;
    const loaded: { component: Component; ctx: BootContext }[] = [];
    try {
      for (const c of this.order) {
        let next: BootContext | void = ctx;
        try {
          if (c.load) next = await c.load(ctx);
        } catch (cause) {
          throw wrap(cause, `component "${c.name}" failed to load`);
        }
        if (next !== undefined && !(next instanceof BootContext)) {
          throw new BootError('BAD_COMPONENT', `component "${c.name}": load must return a BootContext or nothing`);
        }
        ctx = next ?? ctx;
        loaded.push({ component: c, ctx });
      }
      if (this.afterLoad) await this.afterLoad(ctx);
      for (const entry of loaded) {
        try {
          if (entry.component.start) await entry.component.start(ctx);
        } catch (cause) {
          throw wrap(cause, `component "${entry.component.name}" failed to start`);
        }
        this.started.push({ component: entry.component, ctx });
      }
    } catch (error) {
      const stopErrors = await this.stopStarted();
      this.phase = 'stopped';
      if (stopErrors.length > 0 && error instanceof Error) {
        (error as Error & { rollbackErrors?: unknown }).rollbackErrors = stopErrors;
      }
      throw error;
    }
    this.ctx = ctx;
    this.phase = 'running';
    return ctx;
  }

  /** Stops started components in reverse order; throws a ShutdownError listing every failure. */
  async shutdown(): Promise<void> {
    if (this.phase === 'stopped' || this.phase === 'idle') {
      this.phase = 'stopped';
      return;
    }
    if (this.phase === 'stopping') throw new BootError('BAD_PHASE', 'shutdown() is already in progress');
    this.phase = 'stopping';
    const errors = await this.stopStarted();
    this.phase = 'stopped';
    if (errors.length > 0) throw new ShutdownError(errors);
  }

  private async stopStarted(): Promise<{ component: string; error: unknown }[]> {
    const errors: { component: string; error: unknown }[] = [];
    while (this.started.length > 0) {
      const { component, ctx } = this.started.pop()!;
      if (!component.stop) continue;
      try {
        await withTimeout(Promise.resolve().then(() => component.stop!(ctx)), this.stopTimeoutMs, component.name);
      } catch (error) {
        errors.push({ component: component.name, error });
      }
    }
    return errors;
  }
}

function wrap(cause: unknown, message: string): Error {
  // Errors with a stable code (collisions, bad options, …) already name what is wrong: keep them as they are.
  if (cause instanceof Error && typeof (cause as { code?: unknown }).code === 'string') return cause;
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new BootError('COMPONENT_FAILED', `${message}: ${reason}`, { cause });
}

function withTimeout<T>(p: Promise<T>, ms: number, name: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new BootError('STOP_TIMEOUT', `component "${name}" did not stop within ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}
