import { describe, expect, it } from 'vitest';
import { createRuntime } from '@switchyard/runtime';
import { query, sqlPlugin, SqlError, type SqlPluginOptions } from '../src/index.js';
import { tempDir } from './helpers.js';

async function startWith(options: unknown): Promise<unknown> {
  const rt = createRuntime({ plugins: [sqlPlugin(options as SqlPluginOptions)] });
  try {
    await rt.start();
  } catch (error) {
    return error;
  }
  await rt.stop();
  throw new Error('expected rt.start() to fail');
}

describe('sqlPlugin options', () => {
  it.each([
    [{ databases: { main: { file: 42 } } }, /database "main": "file" must be a file path or ":memory:", got 42/],
    [{ databases: { main: { file: '' } } }, /database "main": "file" must be a file path/],
    [{ databases: { main: { file: ':memory:', mode: 'thread' } } }, /database "main": "mode" must be "inline" or "worker", got "thread"/],
    [{ databases: { main: { file: ':memory:', busyTimeoutMs: -1 } } }, /database "main": "busyTimeoutMs" must be an integer from 0/],
    [{ databases: { main: { file: ':memory:', wal: 'yes' } } }, /database "main": "wal" must be true or false, got "yes"/],
    [{ databases: { main: { file: ':memory:', busyTimeout: 10 } } }, /database "main": "busyTimeout" is not an option \(known: file, mode/],
    [{ databases: { main: { file: ':memory:', readonly: true } } }, /database "main": "readonly" cannot be true for ":memory:"/],
    [{ databases: { main: { file: ':memory:' }, logs: 'logs.db' } }, /database "logs": "options" must be an object/],
    [{ databases: {} }, /"databases" must name at least one database/],
    [{}, /"databases" must be an object/],
  ])('fails rt.start() for %j, naming the database and the field', async (options, message) => {
    const error = await startWith(options);
    expect(error).toBeInstanceOf(SqlError);
    expect(error).toMatchObject({ code: 'SQL_BAD_OPTIONS' });
    expect((error as Error).message).toMatch(message);
  });

  it.each(['inline', 'worker'] as const)('fails rt.start() with SQL_OPEN_FAILED when a %s database cannot be opened', async (mode) => {
    using tmp = tempDir();
    const file = tmp.file('missing-dir/app.db');
    const error = await startWith({ databases: { main: { file: ':memory:' }, app: { file, mode } } });
    expect(error).toMatchObject({ code: 'SQL_OPEN_FAILED', database: 'app' });
    expect((error as Error).message).toContain(`database "app": cannot open "${file}"`);
  });

  it('opens a read-only database only when the file exists', async () => {
    using tmp = tempDir();
    const error = await startWith({ databases: { ro: { file: tmp.file('none.db'), readonly: true } } });
    expect(error).toMatchObject({ code: 'SQL_OPEN_FAILED', database: 'ro' });
  });

  it('names the configured databases when a process uses an unknown one', async () => {
    const rt = createRuntime({ plugins: [sqlPlugin({ databases: { main: { file: ':memory:' }, logs: { file: ':memory:' } } })] });
    await rt.start();
    try {
      const error = await rt.run(function* () {
        yield* query('mian', 'select 1');
      }).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'NO_SUCH_DATABASE', database: 'mian' });
      expect((error as Error).message).toBe('no database "mian" (did you mean "main"?) (configured: "main", "logs")');
    } finally {
      await rt.stop();
    }
  });
});
