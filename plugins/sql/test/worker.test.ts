import { describe, expect, it } from 'vitest';
import { createRuntime } from '@switchyard/runtime';
import { execute, query, sqlPlugin } from '../src/index.js';
import { setup } from './helpers.js';

const SLOW = 'with recursive c(x) as (select 1 union all select x + 1 from c where x < ?) select count(*) as n from c';

describe('worker mode', () => {
  it('lets other processes run while a slow query runs on the worker thread', async () => {
    await using t = await setup('inline', { reports: { file: ':memory:', mode: 'worker' } });
    const trace: string[] = [];
    const slow = t.rt.run(function* () {
      const r = yield* query<{ n: number }>('reports', SLOW, [1_000_000]);
      trace.push(`slow query counted ${r.rows[0]!.n}`);
    });
    const quick = t.rt.run(function* () {
      for (let i = 0; i < 20; i++) yield* query('main', 'select ? as i', [i]);
      trace.push('20 quick queries done');
    });
    await Promise.all([slow, quick]);
    expect(trace).toEqual(['20 quick queries done', 'slow query counted 1000000']);
  });

  it('ends its thread when the runtime stops, after finishing the statements already sent', async () => {
    const sql = sqlPlugin({ databases: { a: { file: ':memory:', mode: 'worker' }, b: { file: ':memory:', mode: 'worker' } } });
    const rt = createRuntime({ plugins: [sql] });
    await rt.start();
    expect(rt.stats().plugins.sql?.workers).toBe(2);
    await rt.run(function* () {
      yield* execute('a', 'create table t (x)');
    });
    await rt.stop();
    expect(rt.stats().plugins.sql).toEqual({ statements: 0, transactions: 0, waiting: 0, inFlight: 0, workers: 0 });
  });

  it('refuses parameters that cannot cross to the thread with SQL_BAD_PARAMS', async () => {
    await using t = await setup('worker');
    const error = await t.rt.run(function* () {
      yield* query('main', 'select ? as x', [(() => 1) as never]);
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'SQL_BAD_PARAMS', database: 'main', sql: 'select ? as x' });
    expect(t.stats().inFlight).toBe(0);
  });
});
