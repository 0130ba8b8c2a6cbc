import { createRuntime } from '@switchyard/runtime';
import { sqlPlugin, query, execute } from './src/index.js';
for (const mode of ['inline', 'worker'] as const) {
  const rt = createRuntime({ plugins: [sqlPlugin({ databases: { main: { file: ':memory:', mode } } })] });
  await rt.start();
  const r = await rt.run(function* () {
    yield* execute('main', 'create table t(id integer primary key, name text)');
    for (let i = 0; i < 1000; i++) yield* execute('main', 'insert into t values (?, ?)', [i, 'n' + i]);
    const q = yield* query('main', 'select * from t where id = ?', [5]);
    return q;
  });
  console.log(mode, r);
  const N = 200000;
  const t0 = performance.now();
  await rt.run(function* () {
    for (let i = 0; i < N; i++) yield* query('main', 'select * from t where id = ?', [i % 1000]);
  });
  const d = performance.now() - t0;
  console.log(mode, Math.round(N / d * 1000), 'q/s');
  await rt.stop();
}
