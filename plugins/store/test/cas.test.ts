import { describe, expect, it } from 'vitest';
import { del, entry, get, put, set, VersionConflictError } from '../src/index.js';
import { BACKENDS, failure, setup } from './helpers.js';

describe.each(BACKENDS)('put: compare-and-set and create-only (%s)', (backend) => {
  it('writes when the version matches and refuses a stale one, naming the key and both versions', async () => {
    await using t = await setup(backend);
    const v1 = await t.rt.run(function* () {
      return yield* set('s', 'counter', 1);
    });
    const v2 = await t.rt.run(function* () {
      const e = yield* entry<number>('s', 'counter');
      return yield* put('s', 'counter', e!.value + 1, { version: e!.version });
    });
    expect(v2).toBeGreaterThan(v1);
    const error = await failure(t.rt.run(function* () {
      yield* put('s', 'counter', 100, { version: v1 });
    }));
    expect(error).toBeInstanceOf(VersionConflictError);
    expect(error).toMatchObject({ code: 'VERSION_CONFLICT', store: 's', key: 'counter', expectedVersion: v1, actualVersion: v2 });
    expect(error.message).toBe(`store "s": key "counter" was expected at version ${v1} but is at version ${v2}`);
    expect(await t.rt.run(function* () {
      return yield* get('s', 'counter');
    })).toBe(2);
  });

  it('lets exactly one of two read-modify-write processes win', async () => {
    await using t = await setup(backend);
    await t.rt.run(function* () {
      yield* set('s', 'stock', 10);
    });
    const results = await Promise.all(
      [1, 2].map(() =>
        t.rt.run(function* () {
          const e = yield* entry<number>('s', 'stock');
          try {
            yield* put('s', 'stock', e!.value - 1, { version: e!.version });
            return 'won';
          } catch (error) {
            return (error as VersionConflictError).code;
          }
        }),
      ),
    );
    expect(results.sort()).toEqual(['VERSION_CONFLICT', 'won']);
    expect(await t.rt.run(function* () {
      return yield* get('s', 'stock');
    })).toBe(9);
  });

  it('creates only when absent with ifAbsent, and reports a missing key as "no value"', async () => {
    await using t = await setup(backend);
    const first = await t.rt.run(function* () {
      return yield* put('s', 'lock', 'owner-a', { ifAbsent: true });
    });
    const taken = await failure(t.rt.run(function* () {
      yield* put('s', 'lock', 'owner-b', { ifAbsent: true });
    }));
    expect(taken).toMatchObject({ code: 'VERSION_CONFLICT', key: 'lock', expectedVersion: null, actualVersion: first });
    expect(taken.message).toBe(`store "s": key "lock" was expected at no value but is at version ${first}`);
    const gone = await failure(t.rt.run(function* () {
      yield* del('s', 'lock');
      yield* put('s', 'lock', 'owner-c', { version: first });
    }));
    expect(gone).toMatchObject({ code: 'VERSION_CONFLICT', expectedVersion: first, actualVersion: null });
  });

  it('never gives a key a version it had before, even after delete', async () => {
    await using t = await setup(backend);
    const { old, recreated } = await t.rt.run(function* () {
      const o = yield* set('s', 'k', 'a');
      yield* del('s', 'k');
      return { old: o, recreated: yield* set('s', 'k', 'b') };
    });
    expect(recreated).toBeGreaterThan(old);
    const error = await failure(t.rt.run(function* () {
      yield* put('s', 'k', 'stale writer', { version: old });
    }));
    expect(error).toMatchObject({ code: 'VERSION_CONFLICT' });
  });

  it.each<[string, object, RegExp]>([
    ['a version of 0', { version: 0 }, /version for key "k" must be a version/],
    ['a fractional version', { version: 1.5 }, /must be a version/],
    ['both version and ifAbsent', { version: 1, ifAbsent: true }, /cannot have both version and ifAbsent/],
    ['a non-boolean ifAbsent', { ifAbsent: 'yes' }, /ifAbsent for key "k" must be true or false/],
    ['a negative ttlMs', { ttlMs: -5 }, /ttlMs for key "k" must be a finite number of ms > 0, got -5/],
  ])('refuses %s with STORE_BAD_ARGUMENT', async (_what, options, message) => {
    await using t = await setup(backend);
    const error = await failure(t.rt.run(function* () {
      yield* put('s', 'k', 1, options);
    }));
    expect(error).toMatchObject({ code: 'STORE_BAD_ARGUMENT', store: 's', key: 'k' });
    expect(String(error.message)).toMatch(message);
  });
});
