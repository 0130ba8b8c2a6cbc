import type { Event } from '../src/index.js';

export function ev(system: string, kind = 'k', path = 'p', data?: unknown): Event {
  return data === undefined ? { system, kind, path } : { system, kind, path, data };
}

/** Lets every queued microtask and one macrotask turn run. */
export function turn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

export type PromiseState = 'pending' | 'fulfilled' | 'rejected';

/** Observes a promise without waiting for it: what it is after the current work has run. */
export async function stateOf(p: Promise<unknown>): Promise<PromiseState> {
  const pending = Symbol('pending');
  try {
    const v = await Promise.race([p, turn().then(() => pending)]);
    return v === pending ? 'pending' : 'fulfilled';
  } catch {
    return 'rejected';
  }
}

export function systems(events: readonly Event[]): string[] {
  return events.map((e) => e.system);
}
