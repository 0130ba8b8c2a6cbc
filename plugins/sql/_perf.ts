import { createRuntime, definePlugin } from '@switchyard/runtime';
import { CommandBase } from '@switchyard/dispatcher';
import { sqlPlugin, query, execute } from './src/index.js';
import { Driver } from './src/driver.js';
class Echo extends CommandBase<number> { readonly id = 300; constructor(readonly v: number) { super(); } }
const echo = definePlugin({ name: 'echo', commands: [300], handlers: { 300: ((_c: unknown, cmd: Echo, tag: number, r: { completeYield(t: number, d: unknown): void }) => r.completeYield(tag, cmd.v)) as never } });
const rt = createRuntime({ plugins: [echo, sqlPlugin({ databases: { main: { file: ':memory:' } } })] });
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
const N = 300000;
async function time(name: string, f: () => Promise<void> | void) {
  for (let r = 0; r < 3; r++) { const t0 = performance.now(); await f(); const d = performance.now() - t0; console.log(name, Math.round(N / d * 1000)); }
}
await time('raw get', () => { for (let i = 0; i < N; i++) s.get(i % 1000); });
await time('raw all array', () => { for (let i = 0; i < N; i++) { s.all([i % 1000]); } });
await time('echo', () => rt.run(function* () { for (let i = 0; i < N; i++) yield* new Echo(i); }).then(() => {}));
await time('plugin', () => rt.run(function* () { for (let i = 0; i < N; i++) yield* query('main', 'select * from t where id = ?', [i % 1000]); }).then(() => {}));
await rt.stop();
