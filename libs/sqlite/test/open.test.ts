import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { OptionError } from '@switchyard/errors';
import { openDatabase } from '../src/index.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'sy-sqlite-'));
  dirs.push(d);
  return d;
};

describe('openDatabase', () => {
  it('opens a file in WAL mode with the synchronous level asked for', () => {
    const db = openDatabase(join(tmp(), 'a.db'), { synchronous: 'NORMAL' });
    try {
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      // NORMAL = 1, FULL = 2
      expect(db.pragma('synchronous', { simple: true })).toBe(1);
    } finally {
      db.close();
    }
  });

  it('keeps SQLite defaults for an in-memory database and rejects a bad synchronous level, closing the handle', () => {
    const db = openDatabase(':memory:');
    expect(db.pragma('journal_mode', { simple: true })).toBe('memory');
    db.close();
    const file = join(tmp(), 'b.db');
    expect(() => openDatabase(file, { synchronous: 'SOMETIMES' as 'FULL' })).toThrow(OptionError);
    expect(() => openDatabase(file, { synchronous: 'SOMETIMES' as 'FULL' })).toThrow(
      expect.objectContaining({ code: 'BAD_OPTION', option: 'synchronous', where: `openDatabase(${JSON.stringify(file)})` }),
    );
    expect(() => openDatabase(file, { synchronous: 'SOMETIMES' as 'FULL' })).toThrow(/"synchronous" must be one of OFF, NORMAL, FULL, EXTRA, got "SOMETIMES"/);
  });

  it('refuses to create a read-only database that does not exist', () => {
    expect(() => openDatabase(join(tmp(), 'missing.db'), { readonly: true })).toThrow();
  });
});
