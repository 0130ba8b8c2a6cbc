import { describe, expect, expectTypeOf, it } from 'vitest';
import { Boot, BootContext, BootError, createKey, defineComponent } from '@switchyard/boot';

interface Pool {
  query(sql: string): string;
}

describe('boot context', () => {
  it('with() returns a new context; the old one is unchanged', () => {
    const port = createKey<number>('port');
    const a = BootContext.empty();
    const b = a.with(port, 8080);
    expect(a.has(port)).toBe(false);
    expect(a.find(port)).toBeUndefined();
    expect(b.get(port)).toBe(8080);
    expect(b.find(port)).toBe(8080);
  });

  it('keys are compared by identity, not by name', () => {
    const k1 = createKey<string>('name');
    const k2 = createKey<string>('name');
    const ctx = BootContext.empty().with(k1, 'one');
    expect(ctx.has(k2)).toBe(false);
    expect(ctx.get(k1)).toBe('one');
  });

  it('get() of a missing key throws MISSING_CONTEXT naming the key', () => {
    const pool = createKey<Pool>('sql.pool');
    let caught: unknown;
    try {
      BootContext.empty().get(pool);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(BootError);
    expect((caught as BootError).code).toBe('MISSING_CONTEXT');
    expect((caught as Error).message).toContain('"sql.pool"');
  });

  it('a value stored as undefined is present', () => {
    const k = createKey<string | undefined>('maybe');
    const ctx = BootContext.empty().with(k, undefined);
    expect(ctx.has(k)).toBe(true);
    expect(ctx.get(k)).toBeUndefined();
  });

  it('types: get() and find() return the key type', () => {
    const pool = createKey<Pool>('sql.pool');
    const ctx = BootContext.empty();
    expectTypeOf(ctx.find(pool)).toEqualTypeOf<Pool | undefined>();
    expectTypeOf(() => ctx.get(pool)).returns.toEqualTypeOf<Pool>();
    // @ts-expect-error the value must match the key's type
    ctx.with(pool, 'not a pool');
  });

  it('load passes values to the components that follow, and start and stop see the final context', async () => {
    const pool = createKey<Pool>('sql.pool');
    const prefix = createKey<string>('prefix');
    const seen: string[] = [];
    const components = [
      defineComponent({
        name: 'dispatcher.sql',
        dependsOn: ['sql.pool', 'config'],
        load: (ctx) => {
          seen.push(`load dispatcher: ${ctx.get(pool).query('select 1')}`);
        },
        start: (ctx) => {
          seen.push(`start dispatcher: ${ctx.get(pool).query('select 2')}`);
        },
        stop: (ctx) => {
          seen.push(`stop dispatcher: ${ctx.has(pool)}`);
        },
      }),
      defineComponent({
        name: 'sql.pool',
        dependsOn: ['config'],
        load: (ctx) => ctx.with(pool, { query: (sql) => `${ctx.get(prefix)}${sql}` }),
      }),
      defineComponent({ name: 'config', load: async (ctx) => ctx.with(prefix, 'db> ') }),
    ];
    const boot = new Boot(components);
    const initial = createKey<string>('initial');
    const ctx = await boot.boot(BootContext.empty().with(initial, 'given'));
    expect(ctx.get(initial)).toBe('given');
    expect(ctx.get(prefix)).toBe('db> ');
    expect(ctx.get(pool).query('x')).toBe('db> x');
    expect(boot.context).toBe(ctx);
    await boot.shutdown();
    expect(seen).toEqual(['load dispatcher: db> select 1', 'start dispatcher: db> select 2', 'stop dispatcher: true']);
  });

  it('a component that reads a key no dependency provided fails the boot naming the key', async () => {
    const pool = createKey<Pool>('sql.pool');
    const boot = new Boot([defineComponent({ name: 'dispatcher.sql', load: (ctx) => void ctx.get(pool) })]);
    const err = await boot.boot().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BootError);
    expect((err as BootError).code).toBe('MISSING_CONTEXT');
    expect((err as Error).message).toContain('"sql.pool"');
  });

  it('a load that returns something other than a context fails the boot naming the component', async () => {
    const boot = new Boot([defineComponent({ name: 'weird', load: () => ({ pool: 1 }) as unknown as BootContext })]);
    const err = await boot.boot().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BootError);
    expect((err as BootError).code).toBe('BAD_COMPONENT');
    expect((err as Error).message).toContain('"weird"');
  });
});
