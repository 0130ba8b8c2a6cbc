import { createRuntime } from '@switchyard/runtime';
import { sqlPlugin, query, execute } from './src/index.js';
import { Driver } from './src/driver.js';
const rt = createRuntime({ plugins: [sqlPlugin({ databases: { main: { file: ':memory:' } } })] });
await rt.start();
await rt.run(function* () {
  yield* execute('main', 'create table t(id integer primary key, name text, v real)');
  for (let i = 0; i < 1000; i++) yield* execute('main', 'insert into t values (?, ?, ?)', [i, 'n' + i, i * 1.5]);
});
const db = new Driver(':memory:');
db.exec('create table t(id integer primary key, name text, v real)');
const ins = db.prepare('insert into t values (?,?,?)');
for (let i = 0; i < 1000; i++) ins.run(i, 'n' + i, i * 1.5);
const s = db.prepare('select * from t where id = ?');
const N = 200000;
const variants: Record<string, () => Promise<void> | void> = {
  'raw get': () => { for (let i = 0; i < N; i++) s.get(i % 1000); },
  'raw all spread': () => { for (let i = 0; i < N; i++) { const p = [i % 1000]; s.all(...p); } },
  'raw all array': () => { for (let i = 0; i < N; i++) s.all([i % 1000]); },
  plugin: () => rt.run(function* () { for (let i = 0; i < N; i++) yield* query('main', 'select * from t where id = ?', [i % 1000]); }).then(() => {}),
};
const res: Record<string, number[]> = {};
for (let r = 0; r < 9; r++) for (const [k, f] of Object.entries(variants)) { const t0 = performance.now(); await f(); (res[k] ??= []).push(N / (performance.now() - t0) * 1000); }
for (const [k, v] of Object.entries(res)) { v.sort((a, b) => a - b); console.log(k.padEnd(16), Math.round(v[4]!)); }
await rt.stop();
