import type { Stores } from '@switchyard/plugin-store';

/** Where a token store keeps its records (hashes, never tokens). JSON data in, a fresh copy out. */
export interface Records {
  get(key: string): unknown;
  /** Keep `value` for `ttlMs` of the runtime clock. */
  set(key: string, value: unknown, ttlMs: number): void;
  delete(key: string): void;
}

/** Records in a store of the store plugin (memory or SQLite, as that store is configured). */
export function storeRecords(stores: Stores, store: string): Records {
  return {
    get: (key) => stores.get(store, key),
    set: (key, value, ttlMs) => void stores.set(store, key, value, { ttlMs: Math.max(1, ttlMs) }),
    delete: (key) => void stores.delete(store, key),
  };
}

/** Records held by the security plugin itself: the zero-configuration default, gone at restart. */
export function memoryRecords(now: () => number): Records & { size(): number } {
  const map = new Map<string, { json: string; until: number }>();
  let writes = 0;
  const sweep = () => {
    const t = now();
    for (const [k, r] of map) if (r.until <= t) map.delete(k);
  };
  return {
    get(key) {
      const r = map.get(key);
      if (r === undefined) return undefined;
      if (r.until <= now()) {
        map.delete(key);
        return undefined;
      }
      return JSON.parse(r.json) as unknown;
    },
    set(key, value, ttlMs) {
      // Records nobody reads again would pile up: sweep now and then, amortised over writes.
      if (++writes % 1024 === 0) sweep();
      map.set(key, { json: JSON.stringify(value), until: now() + ttlMs });
    },
    delete(key) {
      map.delete(key);
    },
    size: () => map.size,
  };
}
