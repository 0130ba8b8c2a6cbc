import { createRuntime, definePlugin } from '@switchyard/runtime';
import { CommandBase } from '@switchyard/dispatcher';
import { sqlPlugin, query, execute } from './src/index.js';
import { Driver } from './src/driver.js';
import { Connection } from './src/connection.js';
class Echo extends CommandBase<number> { readonly id = 300; constructor(readonly v: number) { super(); } }
const echo = definePlugin({ name: 'echo', commands: [300], handlers: { 300: ((_c: unknown, cmd: Echo, tag: number, r: { completeYield(t: number, d: unknown): void }) => r.completeYield(tag, cmd.v)) as never } });
class Q extends CommandBase<any> { readonly id = 301; constructor(readonly database: string, readonly sql: string, readonly params: unknown) { super(); } }
let conn2: Connection;
const minimal = definePlugin({ name: 'minimal', commands: [301], handlers: { 301: ((_c: unknown, cmd: Q, tag: number, r: { completeYield(t: number, d: unknown): void }) => r.completeYield(tag, conn2.query(cmd.sql, cmd.params))) as never } });
const rt = createRuntime({ plugins: [echo, minimal, sqlPlugin({ databases: { main: { file: ':memory:' } } })] });
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
const conn = new Connection(Driver, { file: ':memory:', readonly: false, wal: false, busyTimeoutMs: 0, foreignKeys: true, statementCacheSize: 100 });
conn.db.exec('create table t(id integer primary key, name text, v real)');
for (let i = 0; i < 1000; i++) conn.execute('insert into t values (?, ?, ?)', [i, 'n' + i, i * 1.5]);
conn2 = conn;
const N = 200000;
let sink = 0;
const variants: Record<string, () => Promise<void> | void> = {
  'raw get': () => { for (let i = 0; i < N; i++) sink += (s.get(i % 1000) as any).id; },
  'raw all': () => { for (let i = 0; i < N; i++) sink += (s.all(i % 1000) as any).length; },
  'raw all spread': () => { for (let i = 0; i < N; i++) { const p = [i % 1000]; sink += (s.all(...p) as any).length; } },
  'conn.query': () => { for (let i = 0; i < N; i++) sink += conn.query('select * from t where id = ?', [i % 1000]).rows.length; },
  echo: () => rt.run(function* () { for (let i = 0; i < N; i++) sink += yield* new Echo(i); }).then(() => {}),
  minimal: () => rt.run(function* () { for (let i = 0; i < N; i++) sink += (yield* new Q('main', 'select * from t where id = ?', [i % 1000])).rows.length; }).then(() => {}),
  plugin: () => rt.run(function* () { for (let i = 0; i < N; i++) sink += (yield* query('main', 'select * from t where id = ?', [i % 1000])).rows.length; }).then(() => {}),
};
const res: Record<string, number[]> = {};
for (let r = 0; r < 25; r++) for (const [k, f] of Object.entries(variants)) { const t0 = performance.now(); await f(); (res[k] ??= []).push((performance.now() - t0) / N * 1000); }
for (const [k, v] of Object.entries(res)) { v.sort((a, b) => a - b); console.log(k.padEnd(16), "min", v[0]!.toFixed(3), "med", v[12]!.toFixed(3)); }
await rt.stop();
