import { describe, expect, it } from 'vitest';
import { receive } from '@switchyard/runtime';
import { execute, prepare, query, stmtClose, stmtExecute, stmtQuery, type Statement } from '../src/index.js';
import { eventually, failure, MODES, setup } from './helpers.js';

describe.each(MODES)('prepared statements (%s mode)', (mode) => {
  async function withTable() {
    const t = await setup(mode);
    await t.rt.run(function* () {
      yield* execute('main', 'create table kv (k text primary key, v integer)');
    });
    return t;
  }

  it('prepares once and runs many times with bound parameters', async () => {
    await using t = await withTable();
    const out = await t.rt.run(function* () {
      const ins = yield* prepare('main', 'insert into kv values (?, ?)');
      const sel = yield* prepare('main', 'select v from kv where k = :k');
      for (const [k, v] of [['a', 1], ['b', 2], ['c', 3]] as const) yield* stmtExecute(ins, [k, v]);
      const b = yield* stmtQuery<{ v: number }>(sel, { k: 'b' });
      const closed = [yield* stmtClose(ins), yield* stmtClose(ins)];
      return { ins, sel, b, closed };
    });
    expect(out.ins).toMatchObject({ database: 'main', sql: 'insert into kv values (?, ?)', reader: false });
    expect(out.sel.reader).toBe(true);
    expect(out.b).toEqual({ columns: ['v'], rows: [{ v: 2 }] });
    expect(out.closed).toEqual([true, false]);
  });

  it('fails with NO_SUCH_STATEMENT after stmtClose and reports a bad statement at prepare', async () => {
    await using t = await withTable();
    const closed = await failure(t.rt.run(function* () {
      const s = yield* prepare('main', 'select * from kv');
      yield* stmtClose(s);
      yield* stmtQuery(s);
    }));
    expect(closed).toMatchObject({ code: 'NO_SUCH_STATEMENT', database: 'main', sql: 'select * from kv' });
    const bad = await failure(t.rt.run(function* () {
      yield* prepare('main', 'select * from nowhere');
    }));
    expect(bad).toMatchObject({ code: 'SQL_ERROR', sqliteCode: 'SQLITE_ERROR', sql: 'select * from nowhere' });
    expect(t.sql.stats().statements).toBe(0);
  });

  it('refuses a statement to a process that does not own it', async () => {
    await using t = await withTable();
    const owner = t.rt.spawn(function* () {
      const s = yield* prepare('main', 'select * from kv');
      yield* receive({ topic: 'stop' });
      return s;
    });
    await eventually(() => expect(t.sql.stats().statements).toBe(1));
    const handle: Statement = { database: 'main', id: 1, sql: 'select * from kv', reader: true };
    const error = await failure(t.rt.run(function* () {
      yield* stmtQuery(handle);
    }));
    expect(error).toMatchObject({ code: 'NOT_OWNER', database: 'main' });
    expect(String(error.message)).toContain(`belongs to process ${owner}`);
    t.rt.send(owner, 'stop', null);
    await t.rt.wait(owner);
  });

  it.each(['returns', 'throws', 'is terminated'] as const)('closes the statements of a process that %s', async (how) => {
    await using t = await withTable();
    const pid = t.rt.spawn(function* () {
      yield* prepare('main', 'select * from kv');
      yield* prepare('main', 'insert into kv values (?, ?)');
      if (how === 'throws') throw new Error('boom');
      if (how === 'is terminated') yield* receive({ topic: 'never' });
    });
    const exited = t.rt.wait(pid);
    await eventually(() => expect(t.sql.stats().statements).toBe(how === 'is terminated' ? 2 : 0));
    if (how === 'is terminated') t.rt.terminate(pid);
    await exited;
    expect(t.sql.stats().statements).toBe(0);
    // The database is still usable by others.
    const rows = await t.rt.run(function* () {
      return (yield* query('main', 'select count(*) as n from kv')).rows;
    });
    expect(rows).toEqual([{ n: 0 }]);
  });
});
