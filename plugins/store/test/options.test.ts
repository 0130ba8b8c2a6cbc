import { describe, expect, it } from 'vitest';
import { createRuntime } from '@switchyard/runtime';
import { get, StoreError, storePlugin, type StorePluginOptions } from '../src/index.js';
import { failure, tempDir } from './helpers.js';

async function startWith(options: unknown): Promise<Record<string, unknown>> {
  const rt = createRuntime({ plugins: [storePlugin(options as StorePluginOptions)] });
  const error = await failure(rt.start());
  await rt.stop();
  return error;
}

describe('storePlugin options', () => {
  it.each([
    [{ stores: { cache: { backend: 'redis' } } }, /store "cache": "backend" must be "memory" or "sqlite", got "redis"/],
    [{ stores: { main: { backend: 'sqlite' } } }, /store "main": "file" must be a file path or ":memory:", got undefined/],
    [{ stores: { main: { backend: 'sqlite', file: 'a.db', table: 'kv; drop table x' } } }, /store "main": "table" must be a plain identifier/],
    [{ stores: { cache: { backend: 'memory', file: 'a.db' } } }, /store "cache": "file" is not an option of the memory backend/],
    [{ stores: { cache: { backend: 'memory', sweepIntervalMs: 0 } } }, /store "cache": "sweepIntervalMs" must be an integer from 1/],
    [{ stores: {} }, /"stores" must name at least one store/],
    [{ stores: { cache: null } }, /store "cache": "options" must be an object/],
  ])('fails rt.start() for %j, naming the store and the field', async (options, message) => {
    const error = await startWith(options);
    expect(error).toBeInstanceOf(StoreError);
    expect(error).toMatchObject({ code: 'STORE_BAD_OPTIONS' });
    expect(String(error.message)).toMatch(message);
  });

  it('fails rt.start() with STORE_OPEN_FAILED when the SQLite file cannot be opened', async () => {
    using tmp = tempDir();
    const file = tmp.file('no/such/dir/store.db');
    const error = await startWith({ stores: { cache: { backend: 'memory' }, main: { backend: 'sqlite', file } } });
    expect(error).toMatchObject({ code: 'STORE_OPEN_FAILED', store: 'main' });
    expect(String(error.message)).toContain(`store "main": cannot open "${file}"`);
  });

  it('names the configured stores when a process uses an unknown one', async () => {
    const rt = createRuntime({ plugins: [storePlugin({ stores: { cache: { backend: 'memory' } } })] });
    await rt.start();
    try {
      const error = await failure(rt.run(function* () {
        yield* get('cahce', 'k');
      }));
      expect(error).toMatchObject({ code: 'NO_SUCH_STORE', store: 'cahce' });
      expect(error.message).toBe('no store "cahce" (did you mean "cache"?) (configured: "cache")');
    } finally {
      await rt.stop();
    }
  });
});
