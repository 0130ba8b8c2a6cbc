import { describe, expect, it } from 'vitest';
import { createTestRuntime } from '@switchyard/testing';
import { NotOwnerError, receive, transfer, type Pid } from '@switchyard/runtime';
import { begin, commit, execute, prepare, query, sqlPlugin, stmtQuery, txExecute, txPrepare, txQuery, type SqlStats, type Statement, type Transaction } from '../src/index.js';
import { eventually, failure, MODES, setup } from './helpers.js';

describe.each(MODES)('statements and transactions are resources (%s mode)', (mode) => {
  it('after transfer(statement, pid) the new owner can use it and the old one cannot', async () => {
    await using t = await setup(mode);
    const heir = t.rt.spawn(function* () {
      const { payload: s } = yield* receive<Statement>({ topic: 'stmt' });
      return (yield* stmtQuery<{ one: number }>(s)).rows;
    });
    const heirDone = t.rt.wait(heir);
    const refused = await failure(t.rt.run(function* () {
      const s = yield* prepare('main', 'select 1 as one');
      yield* transfer(s, heir);
      t.rt.send(heir, 'stmt', s);
      yield* stmtQuery(s);
    }));
    expect(refused).toBeInstanceOf(NotOwnerError);
    expect(refused).toMatchObject({ owner: heir });
    expect(await heirDone).toEqual({ kind: 'normal', value: [{ one: 1 }] });
    // The heir ended: its statement was closed with it.
    expect(t.stats().statements).toBe(0);
    expect(t.rt.stats().resources.live).toBe(0);
  });

  it('after transfer(transaction, pid) the new owner works in it and commits; the old owner is refused and waits like any other', async () => {
    await using t = await setup(mode);
    await t.rt.run(function* () {
      yield* execute('main', 'create table t (x integer)');
    });
    const heir = t.rt.spawn(function* () {
      const { payload: tx } = yield* receive<Transaction>({ topic: 'tx' });
      const seen = (yield* txQuery<{ n: number }>(tx, 'select count(*) as n from t')).rows[0]!.n;
      yield* txExecute(tx, 'insert into t values (2)');
      yield* commit(tx);
      return seen;
    });
    const heirDone = t.rt.wait(heir);
    const old = await t.rt.run(function* () {
      const tx = yield* begin('main');
      yield* txExecute(tx, 'insert into t values (1)');
      yield* transfer(tx, heir);
      let refused: unknown;
      try {
        yield* txExecute(tx, 'insert into t values (99)');
      } catch (e) {
        refused = e;
      }
      t.rt.send(heir, 'tx', tx);
      // No longer the holder: this waits until the heir's commit, then sees both rows.
      const rows = (yield* query<{ x: number }>('main', 'select x from t order by x')).rows.map((r) => r.x);
      return { refused, rows };
    });
    expect(old.refused).toBeInstanceOf(NotOwnerError);
    expect(old.rows).toEqual([1, 2]);
    expect(await heirDone).toEqual({ kind: 'normal', value: 1 });
    expect(t.stats()).toMatchObject({ transactions: 0, waiting: 0 });
  });

  it('when the owner exits, its transaction is rolled back and its statements closed: the table is empty', async () => {
    await using t = await setup(mode);
    await t.rt.run(function* () {
      yield* execute('main', 'create table t (x integer)');
    });
    const pid = t.rt.spawn(function* () {
      yield* prepare('main', 'select * from t');
      const tx = yield* begin('main');
      yield* txExecute(tx, 'insert into t values (1)');
      yield* txPrepare(tx, 'select count(*) from t');
      yield* receive({ topic: 'never' });
    });
    const exited = t.rt.wait(pid);
    await eventually(() => expect(t.stats()).toMatchObject({ statements: 2, transactions: 1, inFlight: 0 }));
    expect(t.rt.stats().resources.byKind).toEqual({ statement: 2, transaction: 1 });
    t.rt.terminate(pid);
    await exited;
    expect(t.stats()).toMatchObject({ statements: 0, transactions: 0 });
    expect(t.rt.stats().resources.live).toBe(0);
    const rows = await t.rt.run(function* () {
      return (yield* query('main', 'select count(*) as n from t')).rows;
    });
    expect(rows).toEqual([{ n: 0 }]);
  });
});

describe('one plugin value installed in two runtimes', () => {
  it('each runtime has its own databases and statements; stopping one leaves the other working', async () => {
    const sql = sqlPlugin({ databases: { main: { file: ':memory:' } } });
    const a = await createTestRuntime({ plugins: [sql] });
    await using b = await createTestRuntime({ plugins: [sql] });
    const stats = (rt: typeof a.rt) => rt.stats().plugins.sql as SqlStats;
    let stmtInB: Statement | undefined;
    const ownerInB: Pid = b.rt.spawn(function* () {
      yield* execute('main', 'create table t (x integer)');
      yield* execute('main', 'insert into t values (42)');
      const s = (stmtInB = yield* prepare('main', 'select x from t'));
      yield* receive({ topic: 'go' });
      return (yield* stmtQuery<{ x: number }>(s)).rows;
    });
    const ownerDone = b.rt.wait(ownerInB);
    await a.rt.run(function* () {
      yield* prepare('main', 'select 1');
      // A's database is its own: B's table is not there.
      return yield* query('main', "select count(*) as n from sqlite_master where name = 't'");
    }).then((r) => expect(r.rows).toEqual([{ n: 0 }]));
    await eventually(() => expect(stmtInB).toBeDefined());
    expect(stats(b.rt).statements).toBe(1);
    await a.rt.stop();
    expect(stats(a.rt)).toMatchObject({ statements: 0, transactions: 0 });
    b.rt.send(ownerInB, 'go', null);
    expect(await ownerDone).toEqual({ kind: 'normal', value: [{ x: 42 }] });
  });
});
