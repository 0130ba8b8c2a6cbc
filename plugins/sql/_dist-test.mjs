import { createRuntime } from '@switchyard/runtime';
const which = process.argv[2];
const mod = which === 'cjs' ? (await import('module')).createRequire(import.meta.url)('/work/main/plugins/sql/dist/index.cjs') : await import('/work/main/plugins/sql/dist/index.js');
const { sqlPlugin, query, execute } = mod;
for (const mode of ['inline', 'worker']) {
  const rt = createRuntime({ plugins: [sqlPlugin({ databases: { main: { file: ':memory:', mode } } })] });
  await rt.start();
  const r = await rt.run(function* () {
    yield* execute('main', 'create table t(id integer primary key, b blob)');
    yield* execute('main', 'insert into t values (?, ?)', [1, Buffer.from('hi')]);
    return yield* query('main', 'select * from t');
  });
  console.log(which, mode, JSON.stringify(r), Buffer.isBuffer(r.rows[0].b));
  await rt.stop();
}
