import { describe, expect, it } from 'vitest';
import { execute, query, SqlError } from '../src/index.js';
import { failure, MODES, setup } from './helpers.js';

describe.each(MODES)('query and execute (%s mode)', (mode) => {
  async function withTable() {
    const t = await setup(mode);
    await t.rt.run(function* () {
      yield* execute('main', 'create table users (id integer primary key, email text not null unique, age integer, avatar blob)');
    });
    return t;
  }

  it('returns columns and rows, and changes and lastInsertId', async () => {
    await using t = await withTable();
    const result = await t.rt.run(function* () {
      const a = yield* execute('main', 'insert into users (email, age) values (?, ?)', ['ada@example.com', 36]);
      const b = yield* execute('main', 'insert into users (email, age) values (?, ?)', ['bob@example.com', 41]);
      const up = yield* execute('main', 'update users set age = age + 1');
      const q = yield* query<{ id: number; email: string; age: number }>('main', 'select id, email, age from users order by id');
      return { a, b, up, q };
    });
    expect(result.a).toEqual({ changes: 1, lastInsertId: 1 });
    expect(result.b).toEqual({ changes: 1, lastInsertId: 2 });
    expect(result.up.changes).toBe(2);
    expect(result.q.columns).toEqual(['id', 'email', 'age']);
    expect(result.q.rows).toEqual([
      { id: 1, email: 'ada@example.com', age: 37 },
      { id: 2, email: 'bob@example.com', age: 42 },
    ]);
  });

  it('binds named parameters from an object (:name, @name, $name)', async () => {
    await using t = await withTable();
    const rows = await t.rt.run(function* () {
      yield* execute('main', 'insert into users (email, age) values (:email, @age)', { email: 'cy@example.com', age: 20 });
      return (yield* query('main', 'select email from users where age = $age', { age: 20 })).rows;
    });
    expect(rows).toEqual([{ email: 'cy@example.com' }]);
  });

  it('keeps a value that looks like SQL as data', async () => {
    await using t = await withTable();
    const hostile = "x'); drop table users; --";
    const rows = await t.rt.run(function* () {
      yield* execute('main', 'insert into users (email) values (?)', [hostile]);
      return (yield* query('main', 'select email from users')).rows;
    });
    expect(rows).toEqual([{ email: hostile }]);
  });

  it('returns BLOBs as Buffers, NULL as null and an empty result with its columns', async () => {
    await using t = await withTable();
    const r = await t.rt.run(function* () {
      yield* execute('main', 'insert into users (email, avatar) values (?, ?)', ['d@example.com', Buffer.from([1, 2, 3])]);
      const one = yield* query<{ avatar: Buffer; age: null }>('main', 'select avatar, age from users');
      const none = yield* query('main', 'select id, email from users where id = ?', [999]);
      return { one, none };
    });
    expect(Buffer.isBuffer(r.one.rows[0]!.avatar)).toBe(true);
    expect([...r.one.rows[0]!.avatar]).toEqual([1, 2, 3]);
    expect(r.one.rows[0]!.age).toBeNull();
    expect(r.none).toEqual({ columns: ['id', 'email'], rows: [] });
  });

  it('sees new columns after ALTER TABLE even for a cached statement', async () => {
    await using t = await withTable();
    const [before, after] = await t.rt.run(function* () {
      const sql = 'select * from users';
      const b = yield* query('main', sql);
      yield* execute('main', 'alter table users add column nick text');
      const a = yield* query('main', sql);
      return [b.columns, a.columns];
    });
    expect(before).toEqual(['id', 'email', 'age', 'avatar']);
    expect(after).toEqual(['id', 'email', 'age', 'avatar', 'nick']);
  });

  it('fails with SQLite code, database and statement on a constraint violation, and the process can go on', async () => {
    await using t = await withTable();
    const sql = 'insert into users (email) values (?)';
    const out = await t.rt.run(function* () {
      yield* execute('main', sql, ['ada@example.com']);
      let caught: unknown;
      try {
        yield* execute('main', sql, ['ada@example.com']);
      } catch (error) {
        caught = error;
      }
      const n = (yield* query<{ n: number }>('main', 'select count(*) as n from users')).rows[0]!.n;
      return { caught, n };
    });
    expect(out.caught).toBeInstanceOf(SqlError);
    expect(out.caught).toMatchObject({ code: 'SQL_ERROR', sqliteCode: 'SQLITE_CONSTRAINT_UNIQUE', database: 'main', sql });
    expect((out.caught as Error).message).toBe(
      'database "main": UNIQUE constraint failed: users.email [SQLITE_CONSTRAINT_UNIQUE] in statement: insert into users (email) values (?)',
    );
    expect(out.n).toBe(1);
  });

  it('reports a syntax error as SQL_ERROR with SQLITE_ERROR and the statement', async () => {
    await using t = await withTable();
    const error = await failure(t.rt.run(function* () {
      yield* query('main', 'selec * from users');
    }));
    expect(error).toMatchObject({ code: 'SQL_ERROR', sqliteCode: 'SQLITE_ERROR', database: 'main', sql: 'selec * from users' });
  });

  it.each<[string, unknown, RegExp]>([
    ['too few values', [], /Too few parameter values/],
    ['too many values', [1, 2], /Too many parameter values/],
    ['a boolean', [true], /can only bind numbers, strings, bigints, buffers, and null/],
    ['a bare number instead of an array', 7, /parameters must be an array \(positional\) or an object \(named\), got 7/],
  ])('refuses %s with SQL_BAD_PARAMS naming the statement', async (_what, params, message) => {
    await using t = await withTable();
    const sql = 'select * from users where id = ?';
    const error = await failure(t.rt.run(function* () {
      yield* query('main', sql, params as never);
    }));
    expect(error).toMatchObject({ code: 'SQL_BAD_PARAMS', database: 'main', sql, sqliteCode: undefined });
    expect(String(error.message)).toMatch(message);
  });

  it('refuses an empty or non-string SQL text with SqlError SQL_BAD_STATEMENT naming the database and what it got', async () => {
    await using t = await withTable();
    for (const [sql, got] of [['', 'an empty string'], ['  \n ', 'only whitespace'], [42, 'number']] as const) {
      const error = await failure(t.rt.run(function* () {
        yield* query('main', sql as string);
      }));
      expect(error).toBeInstanceOf(SqlError);
      expect(error).toMatchObject({ code: 'SQL_BAD_STATEMENT', database: 'main' });
      expect(error.message).toBe(`database "main": the SQL must be a non-empty string, got ${got}`);
    }
  });

  it('refuses several statements in one string and transaction control outside begin()/commit()', async () => {
    await using t = await withTable();
    const several = await failure(t.rt.run(function* () {
      yield* execute('main', 'delete from users; drop table users');
    }));
    expect(several).toMatchObject({ code: 'SQL_BAD_STATEMENT', database: 'main' });
    for (const sql of ['BEGIN', '  commit', 'rollback', 'savepoint a', 'END TRANSACTION']) {
      const error = await failure(t.rt.run(function* () {
        yield* execute('main', sql);
      }));
      expect(error).toMatchObject({ code: 'SQL_BAD_STATEMENT', sql });
      expect(String(error.message)).toContain('use begin(), commit() and rollback()');
    }
  });

  it('runs a non-returning statement given to query() and returns no rows', async () => {
    await using t = await withTable();
    const r = await t.rt.run(function* () {
      const q = yield* query('main', 'insert into users (email) values (?)', ['e@example.com']);
      const n = (yield* query<{ n: number }>('main', 'select count(*) as n from users')).rows[0]!.n;
      return { q, n };
    });
    expect(r).toEqual({ q: { columns: [], rows: [] }, n: 1 });
  });
});
