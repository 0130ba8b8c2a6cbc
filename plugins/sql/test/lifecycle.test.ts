import { describe, expect, it } from 'vitest';
import { createRuntime, type Runtime } from '@switchyard/runtime';
import { execute, query, sqlPlugin, type DatabaseOptions, type SqlMode } from '../src/index.js';
import { failure, MODES, tempDir } from './helpers.js';

/** Start a runtime with one database "app", run `body`, stop. */
async function withDb<T>(options: DatabaseOptions, body: (rt: Runtime) => Promise<T>): Promise<T> {
  const rt = createRuntime({ plugins: [sqlPlugin({ databases: { app: options } })] });
  await rt.start();
  try {
    return await body(rt);
  } finally {
    await rt.stop();
  }
}

function* settings() {
  const journal = (yield* query('app', 'pragma journal_mode')).rows[0];
  const timeout = (yield* query('app', 'pragma busy_timeout')).rows[0];
  const fk = (yield* query('app', 'pragma foreign_keys')).rows[0];
  return { journal, timeout, fk };
}

describe.each(MODES)('file databases (%s mode)', (mode: SqlMode) => {
  it('uses WAL, a 5 s busy timeout and foreign keys by default', async () => {
    using tmp = tempDir();
    const s = await withDb({ file: tmp.file('app.db'), mode }, (rt) => rt.run(settings));
    expect(s).toEqual({ journal: { journal_mode: 'wal' }, timeout: { timeout: 5000 }, fk: { foreign_keys: 1 } });
  });

  it('honours wal: false, busyTimeoutMs and foreignKeys: false', async () => {
    using tmp = tempDir();
    const s = await withDb({ file: tmp.file('app.db'), mode, wal: false, busyTimeoutMs: 250, foreignKeys: false }, (rt) => rt.run(settings));
    expect(s).toEqual({ journal: { journal_mode: 'delete' }, timeout: { timeout: 250 }, fk: { foreign_keys: 0 } });
  });

  it('keeps committed data across a restart, and refuses writes when read-only', async () => {
    using tmp = tempDir();
    const file = tmp.file('app.db');
    await withDb({ file, mode }, (rt) =>
      rt.run(function* () {
        yield* execute('app', 'create table notes (body text)');
        yield* execute('app', 'insert into notes values (?)', ['survives']);
      }),
    );
    await withDb({ file, mode, readonly: true }, async (rt) => {
      const rows = await rt.run(function* () {
        return (yield* query('app', 'select body from notes')).rows;
      });
      expect(rows).toEqual([{ body: 'survives' }]);
      const error = await failure(rt.run(function* () {
        yield* execute('app', 'delete from notes');
      }));
      expect(error).toMatchObject({ code: 'SQL_ERROR', sqliteCode: 'SQLITE_READONLY', database: 'app', sql: 'delete from notes' });
    });
  });

  it('enforces foreign keys', async () => {
    using tmp = tempDir();
    const error = await withDb({ file: tmp.file('app.db'), mode }, (rt) =>
      failure(rt.run(function* () {
        yield* execute('app', 'create table parent (id integer primary key)');
        yield* execute('app', 'create table child (pid integer references parent(id))');
        yield* execute('app', 'insert into child values (?)', [42]);
      })),
    );
    expect(error).toMatchObject({ code: 'SQL_ERROR', sqliteCode: 'SQLITE_CONSTRAINT_FOREIGNKEY' });
  });
});
