import { createRuntime } from '@switchyard/runtime';
import { sqlPlugin, query, execute } from './src/index.js';
const rt = createRuntime({ plugins: [sqlPlugin({ databases: { main: { file: ':memory:' } } })] });
await rt.start();
await rt.run(function* () {
  yield* execute('main', 'create table t(id integer primary key, name text, v real)');
  for (let i = 0; i < 1000; i++) yield* execute('main', 'insert into t values (?, ?, ?)', [i, 'n' + i, i * 1.5]);
});
const N = 3_000_000;
await rt.run(function* () { for (let i = 0; i < N; i++) yield* query('main', 'select * from t where id = ?', [i % 1000]); });
await rt.stop();
