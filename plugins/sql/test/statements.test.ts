import { describe, expect, it } from 'vitest';
import { NoSuchResourceError, NotOwnerError, receive } from '@switchyard/runtime';
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

  it('fails with NO_SUCH_RESOURCE after stmtClose and reports a bad statement at prepare', async () => {
    await using t = await withTable();
    let stmt: Statement | undefined;
    const closed = await failure(t.rt.run(function* () {
      const s = (stmt = yield* prepare('main', 'select * from kv'));
      expect(t.rt.stats().resources.byKind.statement).toBe(1);
      yield* stmtClose(s);
      yield* stmtQuery(s);
    }));
    expect(closed).toBeInstanceOf(NoSuchResourceError);
    expect(closed).toMatchObject({ code: 'NO_SUCH_RESOURCE', handle: stmt });
    expect(String(closed.message)).toContain(`statement #${stmt!.id}: it is closed`);
    const bad = await failure(t.rt.run(function* () {
      yield* prepare('main', 'select * from nowhere');
    }));
    expect(bad).toMatchObject({ code: 'SQL_ERROR', sqliteCode: 'SQLITE_ERROR', sql: 'select * from nowhere' });
    expect(t.stats().statements).toBe(0);
  });

  it('refuses a statement to a process that does not own it, and it stays usable by its owner', async () => {
    await using t = await withTable();
    let handle: Statement | undefined;
    const owner = t.rt.spawn(function* () {
      const s = (handle = yield* prepare('main', 'select count(*) as n from kv'));
      yield* receive({ topic: 'go' });
      return (yield* stmtQuery(s)).rows;
    });
    await eventually(() => expect(handle).toBeDefined());
    const copy: Statement = { ...handle! };
    for (const attempt of [() => stmtQuery(copy), () => stmtExecute(copy), () => stmtClose(copy)]) {
      const error = await failure(t.rt.run(function* () {
        yield* attempt();
      }));
      expect(error).toBeInstanceOf(NotOwnerError);
      expect(error).toMatchObject({ code: 'NOT_OWNER', owner, handle: copy });
    }
    expect(t.stats().statements).toBe(1);
    t.rt.send(owner, 'go', null);
    expect(await t.rt.wait(owner)).toMatchObject({ kind: 'normal', value: [{ n: 0 }] });
    expect(t.stats().statements).toBe(0);
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
    await eventually(() => expect(t.stats().statements).toBe(how === 'is terminated' ? 2 : 0));
    if (how === 'is terminated') t.rt.terminate(pid);
    await exited;
    expect(t.stats().statements).toBe(0);
    // The database is still usable by others.
    const rows = await t.rt.run(function* () {
      return (yield* query('main', 'select count(*) as n from kv')).rows;
    });
    expect(rows).toEqual([{ n: 0 }]);
  });
});
