import { SwitchyardError } from '@switchyard/dispatcher';
import type { ServiceSpec } from './config.js';

/**
 * stopped: not running and not wanted · starting · running · stopping: SIGTERM sent ·
 * backoff: crashed, restart scheduled · failed: too many restarts, given up ·
 * exited: ended on its own and its policy does not restart it.
 */
export type ServiceState = 'stopped' | 'starting' | 'running' | 'stopping' | 'backoff' | 'failed' | 'exited';

export interface ServiceStatus {
  readonly name: string;
  readonly group: string;
  readonly state: ServiceState;
  /** OS PID while it runs. */
  readonly pid: number | null;
  /** Automatic restarts so far (manual starts and restarts are not counted). */
  readonly restarts: number;
  /** Clock time it started (runtime clock, ms). */
  readonly startedAt: number | null;
  readonly lastExit: { readonly code: number | null; readonly signal: string | null } | null;
  /** Clock time of the scheduled restart (backoff). */
  readonly restartAt: number | null;
}

/** One structured log record: every state change, plus launcher events and service output. */
export type LogRecord =
  | {
      readonly event: 'state';
      readonly service: string;
      readonly from: ServiceState;
      readonly to: ServiceState;
      readonly pid?: number;
      readonly code?: number | null;
      readonly signal?: string | null;
      readonly restarts: number;
      /** For backoff: the delay before the restart. */
      readonly delayMs?: number;
      readonly reason?: string;
    }
  | { readonly event: 'launcher'; readonly what: 'started' | 'stopping' | 'stopped'; readonly reason?: string }
  | { readonly event: 'action'; readonly action: string; readonly target: string; readonly services: readonly string[] }
  | { readonly event: 'output'; readonly service: string; readonly stream: 'stdout' | 'stderr'; readonly line: string };

/** A target names no service and no group. */
export class UnknownTargetError extends SwitchyardError {
  readonly target: string;
  constructor(target: string, services: readonly string[], groups: readonly string[]) {
    super('UNKNOWN_SERVICE', `no service or group "${target}" (services: ${services.join(', ')}; groups: ${groups.map((g) => `@${g}`).join(', ')}; or "all")`);
    this.target = target;
  }
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * The services as the world sees them: written by the launcher machine only, read by the
 * status table and the API. Every change of state is logged.
 */
export class ServiceBoard {
  private readonly rows = new Map<string, Mutable<ServiceStatus>>();
  private readonly listeners = new Set<(record: LogRecord) => void>();

  constructor(specs: readonly ServiceSpec[]) {
    for (const s of specs) {
      this.rows.set(s.name, { name: s.name, group: s.group, state: 'stopped', pid: null, restarts: 0, startedAt: null, lastExit: null, restartAt: null });
    }
  }

  get names(): string[] {
    return [...this.rows.keys()];
  }

  get(name: string): ServiceStatus {
    const row = this.rows.get(name);
    if (row === undefined) throw new UnknownTargetError(name, this.names, this.groups());
    return { ...row };
  }

  all(): ServiceStatus[] {
    return [...this.rows.values()].map((r) => ({ ...r }));
  }

  groups(): string[] {
    return [...new Set([...this.rows.values()].map((r) => r.group))];
  }

  /** "all", "@group" or a service name → service names, in file order. */
  resolve(target: string): string[] {
    if (target === 'all') return this.names;
    if (target.startsWith('@')) {
      const names = [...this.rows.values()].filter((r) => r.group === target.slice(1)).map((r) => r.name);
      if (names.length > 0) return names;
    } else if (this.rows.has(target)) {
      return [target];
    }
    throw new UnknownTargetError(target, this.names, this.groups());
  }

  /** Change a service; a change of state is logged with `details`. */
  update(name: string, patch: Partial<Omit<ServiceStatus, 'name' | 'group'>>, details: { delayMs?: number; reason?: string } = {}): void {
    const row = this.rows.get(name)!;
    const from = row.state;
    Object.assign(row, patch);
    if (patch.state !== undefined && patch.state !== from) {
      this.log({
        event: 'state',
        service: name,
        from,
        to: row.state,
        ...(row.pid !== null ? { pid: row.pid } : {}),
        ...(patch.lastExit ? { code: patch.lastExit.code, signal: patch.lastExit.signal } : {}),
        restarts: row.restarts,
        ...details,
      });
    }
  }

  log(record: LogRecord): void {
    for (const l of this.listeners) l(record);
  }

  /** Every log record from now on. Returns a disposer. */
  subscribe(listener: (record: LogRecord) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

/** `key=value` pairs, values quoted when they contain spaces or quotes. */
export function formatLog(record: LogRecord, time: Date = new Date()): string {
  const parts = [`ts=${time.toISOString()}`];
  for (const [k, v] of Object.entries(record)) {
    if (v === undefined) continue;
    const s = Array.isArray(v) ? v.join(',') : v === null ? '-' : String(v);
    parts.push(`${k}=${/^[^\s"=]+$/.test(s) ? s : JSON.stringify(s)}`);
  }
  return parts.join(' ');
}
