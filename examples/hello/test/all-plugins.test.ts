import { createRuntime } from '@switchyard/runtime';
import { clockPlugin, sleep } from '@switchyard/plugin-clock';
import { eventPlugin, publish, subscribe } from '@switchyard/plugin-event';
import { execPlugin, run } from '@switchyard/plugin-exec';
import { processPlugin, spawn } from '@switchyard/plugin-process';
import { execute, query, sqlPlugin } from '@switchyard/plugin-sql';
import { get, set, storePlugin } from '@switchyard/plugin-store';
import { receive } from '@switchyard/runtime';
import { describe, expect, it } from 'vitest';

describe('a newcomer installs every shipped plugin', () => {
  it('all of them boot in one runtime without options, and the defaults work: sql "default" in memory, store "default" in memory', async () => {
    const sql = sqlPlugin();
    const store = storePlugin();
    const exec = execPlugin();
    const rt = createRuntime({ plugins: [processPlugin(), clockPlugin(), eventPlugin(), sql, store, exec] });
    await rt.start();
    try {
      const result = await rt.run(function* () {
        yield* sleep(1);
        yield* execute('default', 'create table t (n integer)');
        yield* execute('default', 'insert into t values (1), (2)');
        const rows = yield* query<{ total: number }>('default', 'select sum(n) as total from t');
        yield* set('default', 'greeting', 'hello');
        const stored = yield* get<string>('default', 'greeting');
        yield* subscribe('demo');
        yield* publish({ system: 'demo', kind: 'ping', path: 'here' });
        const event = yield* receive<{ kind: string }>({ topic: '@event/demo', timeout: 1000 });
        const child = yield* spawn(function* () {
          return 'child done';
        });
        const ran = yield* run(process.execPath, ['-e', 'process.stdout.write("ok")']);
        return { total: rows.rows[0]?.total, stored, kind: event.payload.kind, child: typeof child, out: ran.stdout };
      });
      expect(result).toEqual({ total: 3, stored: 'hello', kind: 'ping', child: 'string', out: 'ok' });
      // Nothing left behind by the defaults once the processes ended.
      expect(rt.stats().resources.live).toBe(0);
      expect(rt.stats().plugins.sql).toMatchObject({ statements: 0, transactions: 0, waiting: 0, inFlight: 0 });
      expect(rt.stats().plugins.exec).toMatchObject({ running: 0 });
    } finally {
      await rt.stop();
    }
  });

  it('the defaults are documented values a user can name: sqlPlugin() is { databases: { default: { file: ":memory:" } } }', async () => {
    const { DEFAULT_SQL_OPTIONS } = await import('@switchyard/plugin-sql');
    const { DEFAULT_STORE_OPTIONS } = await import('@switchyard/plugin-store');
    expect(DEFAULT_SQL_OPTIONS).toEqual({ databases: { default: { file: ':memory:' } } });
    expect(DEFAULT_STORE_OPTIONS).toEqual({ stores: { default: { backend: 'memory' } } });
  });
});
