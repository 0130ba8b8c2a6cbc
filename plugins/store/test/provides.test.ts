import { definePlugin, type PluginContext } from '@switchyard/runtime';
import { createTestRuntime } from '@switchyard/testing';
import { describe, expect, it } from 'vitest';
import { get, set, storePlugin, storesKey, type Stores } from '../src/index.js';
import { BACKENDS, tempDir } from './helpers.js';

describe.each(BACKENDS)('the stores other plugins use (%s)', (backend) => {
  it('sees what processes wrote and the other way round, with the commands\' checks and expiry', async () => {
    using tmp = tempDir();
    const box: { stores?: Stores } = {};
    const user = definePlugin({ name: 'user', commands: [300], dependsOn: ['store'], setup: (ctx: PluginContext) => void (box.stores = ctx.boot.get(storesKey)) });
    const options = backend === 'memory' ? { backend } : { backend, file: tmp.file('s.db') };
    await using t = await createTestRuntime({ plugins: [user, storePlugin({ stores: { s: options } as never })] });
    const stores = box.stores!;
    expect(stores.names()).toEqual(['s']);
    await t.rt.run(function* () {
      yield* set('s', 'a', { n: 1 });
    });
    expect(stores.get('s', 'a')).toEqual({ n: 1 });
    stores.set('s', 'b', [2], { ttlMs: 100 });
    expect(await t.rt.run(function* () {
      return yield* get('s', 'b');
    })).toEqual([2]);
    await t.advance(100);
    expect(stores.get('s', 'b')).toBeUndefined();
    expect(stores.delete('s', 'a')).toBe(true);
    expect(stores.delete('s', 'a')).toBe(false);
    expect(() => stores.get('nope', 'a')).toThrow(expect.objectContaining({ code: 'NO_SUCH_STORE' }));
    expect(() => stores.set('s', 'k', () => 1)).toThrow(expect.objectContaining({ code: 'STORE_BAD_VALUE' }));
  });
});
