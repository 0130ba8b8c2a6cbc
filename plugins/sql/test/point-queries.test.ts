import { describe, expect, it } from 'vitest';
import { Connection } from '../src/connection.js';
import { Driver } from '../src/driver.js';
import { execute, prepare, query, stmtQuery, type Params } from '../src/index.js';
import { MODES, setup } from './helpers.js';

const SCHEMA = [
  'create table t (id integer primary key, name text, score real, email text unique)',
  'create table pair (a, b, c, primary key (a, b)) without rowid',
  'create table s (id integer primary key, x int) strict',
];
const SEED: [string, unknown[]][] = [];
for (let i = 1; i <= 20; i++) {
  SEED.push(['insert into t values (?, ?, ?, ?)', [i, `n${i % 3}`, i * 1.5, `u${i}@example.com`]]);
  SEED.push(['insert into pair values (?, ?, ?)', [i % 4, i, `c${i}`]]);
  SEED.push(['insert into s values (?, ?)', [i, i * 10]]);
}

/** Query shapes, and whether SQLite's program for each provably returns at most one row. */
const SHAPES: [string, Params | undefined, boolean][] = [
  ['select * from t where id = ?', [3], true],
  ['select * from t where id = ?', [999], true],
  ['select * from t where id = :id', { id: 4 }, true],
  ['select name, upper(name) as up from t where id = @id and score > 1.5', { id: 5 }, true],
  ['select * from t where id = ? limit 1', [6], true],
  ['select count(*) as n from t', undefined, true],
  ['select ? as x', [5], true],
  ['select $y as y, :z as z', { y: 2, z: 3 }, true],
  ['select * from pair where a = ? and b = ?', [1, 5], true],
  ['select * from s where id = ?', [7], true],
  ['select * from t where email = ?', ['u8@example.com'], true],
  ['select * from t where name = ?', ['n1'], false],
  ['select * from t where id in (?, ?)', [1, 2], false],
  ['select * from pair where a = ?', [2], false],
  ['select 1 as v union all select 2', undefined, false],
  ['select max(id) as m from t', undefined, false],
  ['select (select count(*) from t) as n', undefined, false],
  ['select * from t order by score desc', undefined, false],
  ['select name, count(*) as n from t group by name', undefined, false],
];

function rawDatabase() {
  const db = new Driver(':memory:');
  for (const sql of SCHEMA) db.exec(sql);
  for (const [sql, params] of SEED) db.prepare(sql).run(...params);
  return db;
}

describe('point-query detection', () => {
  it.each(SHAPES)(
    'judges %s (params %j) as at most one row: %s',
    (sql, _params, single) => {
      const conn = new Connection(Driver, { file: ':memory:', readonly: false, wal: false, busyTimeoutMs: 0, foreignKeys: true, statementCacheSize: 10 });
      try {
        for (const s of SCHEMA) conn.execute(s, undefined);
        expect(conn.atMostOneRow(sql)).toBe(single);
      } finally {
        conn.close();
      }
    },
  );

  it('refuses what it cannot analyse', () => {
    expect(Connection.straightLine([])).toBe(false);
    const loop = [
      { addr: 0, opcode: 'Init', p1: 0, p2: 4 },
      { addr: 1, opcode: 'ResultRow', p1: 1, p2: 1 },
      { addr: 2, opcode: 'Eq', p1: 1, p2: 1 },
      { addr: 3, opcode: 'Halt', p1: 0, p2: 0 },
      { addr: 4, opcode: 'Goto', p1: 0, p2: 1 },
    ];
    expect(Connection.straightLine(loop)).toBe(false);
    const unknown = loop.map((i) => (i.addr === 2 ? { ...i, opcode: 'SomeFutureOpcode', p2: 3 } : i));
    expect(Connection.straightLine(unknown)).toBe(false);
    const fine = loop.map((i) => (i.addr === 2 ? { ...i, p2: 3 } : i));
    expect(Connection.straightLine(fine)).toBe(true);
  });
});

describe.each(MODES)('query results match SQLite for every shape (%s mode)', (mode) => {
  it('returns exactly the rows better-sqlite3 returns, by query() and by a prepared statement', async () => {
    await using t = await setup(mode);
    const raw = rawDatabase();
    await t.rt.run(function* () {
      for (const sql of SCHEMA) yield* execute('main', sql);
      for (const [sql, params] of SEED) yield* execute('main', sql, params as Params);
    });
    for (const [sql, params] of SHAPES) {
      const expected = params === undefined ? raw.prepare(sql).all() : Array.isArray(params) ? raw.prepare(sql).all(...params) : raw.prepare(sql).all(params);
      const got = await t.rt.run(function* () {
        // Twice: the second run uses the cached statement and what was learned about it.
        yield* query('main', sql, params);
        const viaQuery = (yield* query('main', sql, params)).rows;
        const s = yield* prepare('main', sql);
        yield* stmtQuery(s, params);
        return { viaQuery, viaStmt: (yield* stmtQuery(s, params)).rows };
      });
      expect(got.viaQuery, sql).toEqual(expected);
      expect(got.viaStmt, sql).toEqual(expected);
    }
    raw.close();
  });

  it('returns every row once a schema change turns a point query into a scan', async () => {
    await using t = await setup(mode);
    const sql = 'select * from t where id = ?';
    const out = await t.rt.run(function* () {
      yield* execute('main', 'create table t (id integer primary key, v text)');
      yield* execute('main', 'insert into t values (1, ?)', ['only']);
      const before = (yield* query('main', sql, [1])).rows;
      yield* execute('main', 'drop table t');
      yield* execute('main', 'create table t (id integer, v text)');
      yield* execute('main', 'insert into t values (1, ?), (1, ?)', ['first', 'second']);
      const after = (yield* query('main', sql, [1])).rows;
      return { before, after };
    });
    expect(out.before).toEqual([{ id: 1, v: 'only' }]);
    expect(out.after).toEqual([
      { id: 1, v: 'first' },
      { id: 1, v: 'second' },
    ]);
  });
});
