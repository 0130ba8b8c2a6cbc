import { Driver } from './src/driver.js';
import { Connection } from './src/connection.js';
const db = new Driver(':memory:');
db.exec('create table t(id integer primary key, name text, v real)');
const ins = db.prepare('insert into t values (?,?,?)');
for (let i = 0; i < 1000; i++) ins.run(i, 'n' + i, i * 1.5);
const s = db.prepare('select * from t where id = ?');
const conn = new Connection(Driver, { file: ':memory:', readonly: false, wal: false, busyTimeoutMs: 0, foreignKeys: true, statementCacheSize: 100 });
conn.db.exec('create table t(id integer primary key, name text, v real)');
for (let i = 0; i < 1000; i++) conn.execute('insert into t values (?, ?, ?)', [i, 'n' + i, i * 1.5]);
const N = 50000;
let sink = 0;
const variants: Record<string, () => void> = {
  'A get(i)': () => { for (let i = 0; i < N; i++) sink += (s.get(i % 1000) as any).id; },
  'B all(i)': () => { for (let i = 0; i < N; i++) sink += (s.all(i % 1000) as any).length; },
  'C get(...[i])': () => { for (let i = 0; i < N; i++) { const p = [i % 1000]; sink += (s.get(...p) as any).id; } },
  'D all(...[i])': () => { for (let i = 0; i < N; i++) { const p = [i % 1000]; sink += (s.all(...p) as any).length; } },
  'E all(p[0])': () => { for (let i = 0; i < N; i++) { const p = [i % 1000]; sink += (s.all(p[0]) as any).length; } },
  'F conn.query': () => { for (let i = 0; i < N; i++) sink += conn.query('select * from t where id = ?', [i % 1000]).rows.length; },
};
const res: Record<string, number[]> = {};
for (let r = 0; r < 40; r++) for (const [k, f] of Object.entries(variants)) { const t0 = performance.now(); f(); (res[k] ??= []).push((performance.now() - t0) / N * 1000); }
for (const [k, v] of Object.entries(res)) { v.sort((a, b) => a - b); console.log(k.padEnd(16), "min", v[0]!.toFixed(3), "p25", v[10]!.toFixed(3), "med", v[20]!.toFixed(3)); }
