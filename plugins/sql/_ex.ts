import { Driver } from './src/driver.js';
const db = new Driver(':memory:');
db.exec('create table t(id integer primary key, name text, v real, email text unique)');
db.exec('create table u(a, b, c, primary key(a,b)) without rowid');
db.exec('create table s(id integer primary key, x int) strict');
function explain(sql: string) {
  const ex = db.prepare('EXPLAIN ' + sql);
  const pos: null[] = []; const named: Record<string, null> = {};
  for (let i = 0; i < 50; i++) {
    try { return (Object.keys(named).length ? ex.all(...pos, named) : ex.all(...pos)) as any[]; }
    catch (e: any) { const m = /^Missing named parameter "(.*)"$/.exec(e.message); if (m) named[m[1]!] = null; else if (e.message.startsWith('Too few parameter values')) pos.push(null); else { console.log('ERR', e.message); return []; } }
  }
  return [];
}
for (const sql of ['select * from t where id = ?', 'select * from t where id = :id', 'select * from t where id = ?2 and name = ?1', 'select * from t where email = @e', 'select count(*) as n from t', 'select * from u where a = ? and b = ?', 'select 1 union all select 2', 'select * from t where id in (?, ?)', 'select ? as x, $y as y', 'select * from t', 'select * from s where id = ?', 'select name, upper(name) from t where id = ? and v > 1.5', 'select * from t where id = ? limit 1', 'insert into t(name) values (?) returning id', 'select max(id) from t', 'select (select count(*) from t) as n']) {
  const rows = explain(sql);
  console.log(sql, '\n  ', rows.map((r) => `${r.addr}:${r.opcode}(${r.p1},${r.p2})`).join(' '));
}
