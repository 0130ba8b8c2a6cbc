import { describe, expect, expectTypeOf, it } from 'vitest';
import { CommandBase, isCommand, type Command, type Op, type ResultOf } from '@switchyard/dispatcher';

class Lookup extends CommandBase<{ name: string; hits: number }> {
  readonly id = 300;
  constructor(readonly key: string) {
    super();
  }
}

class Ping extends CommandBase<void> {
  readonly id = 301;
}

describe('CommandBase', () => {
  it('yield* yields the command itself once and evaluates to what the driver sends back', () => {
    const cmd = new Lookup('k');
    function* proc(): Generator<Command, string, unknown> {
      const r = yield* cmd;
      return `${r.name}:${r.hits}`;
    }
    const g = proc();
    const first = g.next();
    expect(first.done).toBe(false);
    expect(first.value).toBe(cmd);
    // A driver sees a plain iterator result: no other own field.
    expect(first).toEqual({ value: cmd, done: false });
    expect(Object.keys(first).sort()).toEqual(['done', 'value']);
    const last = g.next({ name: 'k', hits: 3 });
    expect(last).toEqual({ done: true, value: 'k:3' });
  });

  it('an error thrown into the yield surfaces at the yield* site', () => {
    function* proc(): Generator<Command, string, unknown> {
      try {
        yield* new Ping();
        return 'no error';
      } catch (e) {
        return `caught ${(e as Error).message}`;
      }
    }
    const g = proc();
    g.next();
    expect(g.throw(new Error('boom'))).toEqual({ done: true, value: 'caught boom' });
  });

  it('each yield* of one command instance yields it again', () => {
    const ping = new Ping();
    function* proc(): Generator<Command, number, unknown> {
      yield* ping;
      yield* ping;
      return 2;
    }
    const g = proc();
    expect(g.next().value).toBe(ping);
    expect(g.next().value).toBe(ping);
    expect(g.next().done).toBe(true);
  });

  it('types: yield* gives the typed result; ResultOf reads it; a plain command gives unknown', () => {
    function* proc() {
      const r = yield* new Lookup('k');
      expectTypeOf(r).toEqualTypeOf<{ name: string; hits: number }>();
      const v = yield* new Ping();
      expectTypeOf(v).toEqualTypeOf<void>();
      return r.hits;
    }
    expectTypeOf(proc).returns.toEqualTypeOf<Generator<Command, number, unknown>>();
    expectTypeOf<ResultOf<Lookup>>().toEqualTypeOf<{ name: string; hits: number }>();
    expectTypeOf<ResultOf<{ id: 5 }>>().toEqualTypeOf<unknown>();
    expectTypeOf<Lookup>().toMatchTypeOf<Op<{ name: string; hits: number }>>();
    expectTypeOf<Lookup>().toMatchTypeOf<Command>();
    // Only a CommandBase (an Op) can be used with yield*; a plain command cannot.
    // @ts-expect-error a plain command is not iterable
    function* bad(): Generator<Command, void, unknown> { yield* ({ id: 5 } as Command); }
    expect(typeof bad).toBe('function');
  });
});

describe('isCommand', () => {
  it('is true for any object with a numeric id', () => {
    expect(isCommand(new Ping())).toBe(true);
    expect(isCommand({ id: 12 })).toBe(true);
  });
  it('is false for everything else', () => {
    for (const v of [null, undefined, 12, 'cmd', {}, { id: '12' }, [12]]) expect(isCommand(v)).toBe(false);
  });
});
