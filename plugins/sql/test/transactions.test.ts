import { describe, expect, it } from 'vitest';
import { NoSuchResourceError, NotOwnerError, receive } from '@switchyard/runtime';
import {
  begin,
  commit,
  execute,
  query,
  rollback,
  stmtExecute,
  stmtQuery,
  transaction,
  txExecute,
  txPrepare,
  txQuery,
  type Transaction,
} from '../src/index.js';
import { eventually, failure, MODES, setup } from './helpers.js';

describe.each(MODES)('transactions (%s mode)', (mode) => {
  async function withTable() {
    const t = await setup(mode);
    await t.rt.run(function* () {
      yield* execute('main', 'create table acct (id integer primary key, balance integer not null check (balance >= 0))');
      yield* execute('main', 'insert into acct values (1, 100), (2, 0)');
    });
    const balances = () =>
      t.rt.run(function* () {
        return (yield* query<{ id: number; balance: number }>('main', 'select id, balance from acct order by id')).rows.map((r) => r.balance);
      });
    return Object.assign(t, { balances });
  }

  it('commits what a transaction wrote and rolls back what it discarded', async () => {
    await using t = await withTable();
    const rolledBack = await t.rt.run(function* () {
      const tx = yield* begin('main');
      yield* txExecute(tx, 'update acct set balance = balance - 30 where id = 1');
      yield* txExecute(tx, 'update acct set balance = balance + 30 where id = 2');
      const inside = (yield* txQuery<{ balance: number }>(tx, 'select balance from acct where id = 2')).rows[0]!.balance;
      yield* commit(tx);
      const tx2 = yield* begin('main', { mode: 'deferred' });
      yield* txExecute(tx2, 'delete from acct');
      return { inside, first: yield* rollback(tx2), second: yield* rollback(tx2) };
    });
    expect(rolledBack).toEqual({ inside: 30, first: true, second: false });
    expect(await t.balances()).toEqual([70, 30]);
    expect(t.stats().transactions).toBe(0);
  });

  it('transaction() commits on return and rolls back on throw', async () => {
    await using t = await withTable();
    const moved = await t.rt.run(function* () {
      return yield* transaction('main', function* (tx) {
        yield* txExecute(tx, 'update acct set balance = balance - 10 where id = 1');
        yield* txExecute(tx, 'update acct set balance = balance + 10 where id = 2');
        return 10;
      });
    });
    expect(moved).toBe(10);
    const error = await failure(t.rt.run(function* () {
      yield* transaction('main', function* (tx) {
        yield* txExecute(tx, 'update acct set balance = balance + 500 where id = 2');
        yield* txExecute(tx, 'update acct set balance = balance - 500 where id = 1');
      });
    }));
    expect(error).toMatchObject({ code: 'SQL_ERROR', sqliteCode: 'SQLITE_CONSTRAINT_CHECK', sql: 'update acct set balance = balance - 500 where id = 1' });
    expect(await t.balances()).toEqual([90, 10]);
  });

  it('keeps the transaction open after a failed statement so the process decides', async () => {
    await using t = await withTable();
    await t.rt.run(function* () {
      const tx = yield* begin('main');
      yield* txExecute(tx, 'update acct set balance = 1 where id = 2');
      try {
        yield* txExecute(tx, 'insert into acct values (1, 5)');
      } catch {
        // duplicate id: SQLite undoes that statement only
      }
      yield* commit(tx);
    });
    expect(await t.balances()).toEqual([100, 1]);
  });

  it('closes statements of txPrepare when the transaction ends', async () => {
    await using t = await withTable();
    const error = await failure(t.rt.run(function* () {
      const tx = yield* begin('main');
      const s = yield* txPrepare(tx, 'update acct set balance = balance + ? where id = ?');
      yield* stmtExecute(s, [5, 2]);
      yield* commit(tx);
      yield* stmtExecute(s, [5, 2]);
    }));
    expect(error).toMatchObject({ code: 'NO_SUCH_RESOURCE' });
    expect(await t.balances()).toEqual([100, 5]);
    expect(t.stats().statements).toBe(0);
  });

  it('refuses a second begin by the holder, and commit of an ended transaction', async () => {
    await using t = await withTable();
    const nested = await failure(t.rt.run(function* () {
      yield* begin('main');
      yield* begin('main');
    }));
    expect(nested).toMatchObject({ code: 'TX_ALREADY_OPEN', database: 'main' });
    const ended = await failure(t.rt.run(function* () {
      const tx = yield* begin('main');
      yield* commit(tx);
      yield* commit(tx);
    }));
    expect(ended).toBeInstanceOf(NoSuchResourceError);
    expect(ended).toMatchObject({ code: 'NO_SUCH_RESOURCE', handle: { kind: 'transaction', database: 'main' } });
    const badMode = await failure(t.rt.run(function* () {
      yield* begin('main', { mode: 'later' as never });
    }));
    expect(badMode).toMatchObject({ code: 'SQL_BAD_ARGUMENT' });
  });

  it("refuses another process's transaction with NOT_OWNER", async () => {
    await using t = await withTable();
    let handle: Transaction | undefined;
    const owner = t.rt.spawn(function* () {
      handle = yield* begin('main');
      yield* receive({ topic: 'done' });
      yield* commit(handle);
    });
    await eventually(() => expect(handle).toBeDefined());
    for (const attempt of [txQuery, txExecute] as const) {
      const error = await failure(t.rt.run(function* () {
        yield* attempt(handle!, 'select 1');
      }));
      expect(error).toBeInstanceOf(NotOwnerError);
      expect(error).toMatchObject({ code: 'NOT_OWNER', owner, handle });
    }
    for (const attempt of [commit, rollback, (tx: Transaction) => txPrepare(tx, 'select 1')] as const) {
      const error = await failure(t.rt.run(function* () {
        yield* attempt(handle!);
      }));
      expect(error).toMatchObject({ code: 'NOT_OWNER', owner });
    }
    expect(t.stats().transactions).toBe(1);
    t.rt.send(owner, 'done', null);
    await t.rt.wait(owner);
  });

  it.each(['returns without commit', 'throws', 'is terminated', 'is cancelled'] as const)(
    'rolls back the open transaction of a process that %s',
    async (how) => {
      await using t = await withTable();
      const pid = t.rt.spawn(function* () {
        const tx = yield* begin('main');
        const s = yield* txPrepare(tx, 'update acct set balance = ? where id = ?');
        yield* stmtExecute(s, [0, 1]);
        yield* txExecute(tx, 'update acct set balance = 100 where id = 2');
        if (how === 'throws') throw new Error('crash mid-transaction');
        if (how === 'is terminated' || how === 'is cancelled') yield* receive({ topic: 'never' });
      });
      const exited = t.rt.wait(pid);
      await eventually(() => expect(t.stats()).toMatchObject(how === 'is terminated' || how === 'is cancelled' ? { transactions: 1, statements: 1, inFlight: 0 } : { transactions: 0 }));
      if (how === 'is terminated') t.rt.terminate(pid);
      if (how === 'is cancelled') t.rt.cancel(pid, 'shutdown');
      await exited;
      expect(t.stats()).toMatchObject({ transactions: 0, statements: 0 });
      expect(await t.balances()).toEqual([100, 0]);
      // The database is free again for a new transaction.
      await t.rt.run(function* () {
        const tx = yield* begin('main');
        const r = yield* stmtQuery(yield* txPrepare(tx, 'select 1 as one'));
        yield* commit(tx);
        return r;
      });
    },
  );
});
