import { Driver, type DriverDatabase, type DriverStatement } from './driver.js';

/** A stored value: JSON text, version, expiry in store time (epoch ms) or null. */
export interface StoredRecord {
  readonly json: string;
  readonly version: number;
  readonly expiresAt: number | null;
}

export interface ListedRecord extends StoredRecord {
  readonly key: string;
}

/** Where a store keeps its records. Expiry policy lives in the handlers; backends only filter by it. */
export interface Backend {
  /** The highest version ever given, so versions keep increasing across restarts. */
  readonly lastVersion: number;
  get(key: string): StoredRecord | undefined;
  write(key: string, record: StoredRecord): void;
  /** Remove a key; `seq` is the store's version counter, persisted so a version is never reused. */
  remove(key: string, seq: number): boolean;
  /** Up to `limit` live records with `key` starting with `prefix`, after `after` (exclusive), in code point order. */
  list(prefix: string, after: string, limit: number, now: number): ListedRecord[];
  /** Remove every record expired at `now`; returns how many. */
  sweep(now: number, seq: number): number;
  /** Whether any record has an expiry (the sweep timer is needed). */
  hasExpiring(): boolean;
  /** Records held, expired or not (for stats). */
  size(): number;
  close(): void;
}

/**
 * Compare by Unicode code point, as SQLite's BINARY collation does on UTF-8, so both backends
 * list in the same order. Plain `<` compares UTF-16 code units, which puts U+10000..U+10FFFF
 * before U+E000..U+FFFF.
 */
export function compareKeys(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 0xd800 && x <= 0xdfff) x += 0x2000;
    else if (x >= 0xe000) x -= 0x800;
    if (y >= 0xd800 && y <= 0xdfff) y += 0x2000;
    else if (y >= 0xe000) y -= 0x800;
    return x - y;
  }
  return a.length - b.length;
}

export class MemoryBackend implements Backend {
  private readonly map = new Map<string, StoredRecord>();
  private expiring = 0;
  lastVersion = 0;

  get(key: string): StoredRecord | undefined {
    return this.map.get(key);
  }

  write(key: string, record: StoredRecord): void {
    const old = this.map.get(key);
    if (old !== undefined && old.expiresAt !== null) this.expiring--;
    if (record.expiresAt !== null) this.expiring++;
    this.map.set(key, record);
  }

  remove(key: string): boolean {
    const old = this.map.get(key);
    if (old === undefined) return false;
    if (old.expiresAt !== null) this.expiring--;
    return this.map.delete(key);
  }

  list(prefix: string, after: string, limit: number, now: number): ListedRecord[] {
    const keys: string[] = [];
    for (const [key, r] of this.map) {
      if (!key.startsWith(prefix) || (after !== '' && compareKeys(key, after) <= 0)) continue;
      if (r.expiresAt !== null && r.expiresAt <= now) continue;
      keys.push(key);
    }
    keys.sort(compareKeys);
    if (keys.length > limit) keys.length = limit;
    return keys.map((key) => ({ key, ...this.map.get(key)! }));
  }

  sweep(now: number): number {
    if (this.expiring === 0) return 0;
    let n = 0;
    for (const [key, r] of this.map) {
      if (r.expiresAt !== null && r.expiresAt <= now) {
        this.map.delete(key);
        this.expiring--;
        n++;
      }
    }
    return n;
  }

  hasExpiring(): boolean {
    return this.expiring > 0;
  }

  size(): number {
    return this.map.size;
  }

  close(): void {
    this.map.clear();
    this.expiring = 0;
  }
}

export interface SqliteBackendOptions {
  readonly file: string;
  readonly table: string;
  readonly busyTimeoutMs: number;
}

/** The smallest string greater than every string starting with `prefix`, or undefined if there is none. */
function prefixEnd(prefix: string): string | undefined {
  const cps = [...prefix];
  while (cps.length > 0) {
    const last = cps.pop()!.codePointAt(0)!;
    if (last < 0x10ffff) {
      // Skip the surrogate range: those code points cannot appear in a well-formed key.
      const next = last + 1 === 0xd800 ? 0xe000 : last + 1;
      return cps.join('') + String.fromCodePoint(next);
    }
  }
  return undefined;
}

interface Row {
  value: string;
  version: number;
  expires_at: number | null;
}

/**
 * Records in one SQLite table (WITHOUT ROWID, keyed by the key). The version counter is kept in a
 * side table whenever a record is removed, so that a restart never hands out an old version again.
 */
export class SqliteBackend implements Backend {
  private readonly db: DriverDatabase;
  private readonly sGet: DriverStatement;
  private readonly sPut: DriverStatement;
  private readonly sDel: DriverStatement;
  private readonly sSeq: DriverStatement;
  private readonly sSweep: DriverStatement;
  private readonly sExpiring: DriverStatement;
  private readonly sCount: DriverStatement;
  private readonly sList: DriverStatement;
  private readonly sListTo: DriverStatement;
  private readonly removeTx: (key: string, seq: number) => boolean;
  private readonly sweepTx: (now: number, seq: number) => number;
  readonly lastVersion: number;

  constructor(options: SqliteBackendOptions) {
    this.db = new Driver(options.file, { timeout: options.busyTimeoutMs });
    try {
      const t = `"${options.table}"`;
      const meta = `"${options.table}_meta"`;
      if (options.file !== ':memory:') this.db.pragma('journal_mode = WAL');
      // With WAL, NORMAL cannot corrupt the database; a power cut may lose the last commits.
      this.db.pragma('synchronous = NORMAL');
      this.db.exec(
        `CREATE TABLE IF NOT EXISTS ${t} (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL, version INTEGER NOT NULL, expires_at REAL) WITHOUT ROWID;
         CREATE INDEX IF NOT EXISTS "${options.table}_expiry" ON ${t} (expires_at) WHERE expires_at IS NOT NULL;
         CREATE TABLE IF NOT EXISTS ${meta} (name TEXT PRIMARY KEY NOT NULL, value INTEGER NOT NULL) WITHOUT ROWID;`,
      );
      this.sGet = this.db.prepare(`SELECT value, version, expires_at FROM ${t} WHERE key = ?`);
      this.sPut = this.db.prepare(
        `INSERT INTO ${t} (key, value, version, expires_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value, version = excluded.version, expires_at = excluded.expires_at`,
      );
      this.sDel = this.db.prepare(`DELETE FROM ${t} WHERE key = ?`);
      this.sSeq = this.db.prepare(`INSERT INTO ${meta} (name, value) VALUES ('seq', ?) ON CONFLICT (name) DO UPDATE SET value = max(value, excluded.value)`);
      this.sSweep = this.db.prepare(`DELETE FROM ${t} WHERE expires_at IS NOT NULL AND expires_at <= ?`);
      this.sExpiring = this.db.prepare(`SELECT 1 FROM ${t} WHERE expires_at IS NOT NULL LIMIT 1`);
      this.sCount = this.db.prepare(`SELECT count(*) AS n FROM ${t}`);
      const live = '(expires_at IS NULL OR expires_at > ?)';
      this.sList = this.db.prepare(`SELECT key, value, version, expires_at FROM ${t} WHERE key >= ? AND key > ? AND ${live} ORDER BY key LIMIT ?`);
      this.sListTo = this.db.prepare(`SELECT key, value, version, expires_at FROM ${t} WHERE key >= ? AND key > ? AND key < ? AND ${live} ORDER BY key LIMIT ?`);
      const seqs = this.db
        .prepare(`SELECT max(coalesce((SELECT max(version) FROM ${t}), 0), coalesce((SELECT value FROM ${meta} WHERE name = 'seq'), 0)) AS seq`)
        .get() as { seq: number };
      this.lastVersion = seqs.seq;
      this.removeTx = this.db.transaction((key: string, seq: number) => {
        const removed = this.sDel.run(key).changes > 0;
        if (removed) this.sSeq.run(seq);
        return removed;
      });
      this.sweepTx = this.db.transaction((now: number, seq: number) => {
        const n = this.sSweep.run(now).changes;
        if (n > 0) this.sSeq.run(seq);
        return n;
      });
    } catch (error) {
      this.db.close();
      throw error;
    }
  }

  get(key: string): StoredRecord | undefined {
    const r = this.sGet.get(key) as Row | undefined;
    return r === undefined ? undefined : { json: r.value, version: r.version, expiresAt: r.expires_at };
  }

  write(key: string, record: StoredRecord): void {
    this.sPut.run(key, record.json, record.version, record.expiresAt);
  }

  remove(key: string, seq: number): boolean {
    return this.removeTx(key, seq);
  }

  list(prefix: string, after: string, limit: number, now: number): ListedRecord[] {
    const end = prefixEnd(prefix);
    const rows = (end === undefined ? this.sList.all(prefix, after, now, limit) : this.sListTo.all(prefix, after, end, now, limit)) as (Row & { key: string })[];
    return rows.map((r) => ({ key: r.key, json: r.value, version: r.version, expiresAt: r.expires_at }));
  }

  sweep(now: number, seq: number): number {
    return this.sweepTx(now, seq);
  }

  hasExpiring(): boolean {
    return this.sExpiring.get() !== undefined;
  }

  size(): number {
    return (this.sCount.get() as { n: number }).n;
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
