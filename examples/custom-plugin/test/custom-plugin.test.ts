import { afterEach, beforeEach, describe, expect, expectTypeOf, it } from 'vitest';
import { race, receive, type Message, type ProcessContext } from '@switchyard/runtime';
import { createTestRuntime, type TestRuntime } from '@switchyard/testing';
import { forget, greet, GreetCmd, GreeterCommand, greeterPlugin, greetings, type Greeting } from '../src/index.js';

let t: TestRuntime;
let plugin: ReturnType<typeof greeterPlugin>;
const pending = () => t.rt.stats().plugins.greeter!.pending;
beforeEach(async () => {
  plugin = greeterPlugin({ delayMs: 50 });
  t = await createTestRuntime({ plugins: [plugin] });
});
afterEach(async () => {
  await t.stop();
});

describe('a custom plugin at IDs 256–263', () => {
  it('claims 256–263 under its own name', () => {
    expect(t.rt.commands()).toEqual([{ plugin: 'greeter', ids: [256, 257, 258, 259, 260, 261, 262, 263] }]);
    expect(greet('x')).toBeInstanceOf(GreetCmd);
    expect(greet('x').id).toBe(GreeterCommand.Greet);
    expect(greet('x').id).toBe(256);
  });

  it('a process yields its command and gets a typed result back', async () => {
    function* visitor(_ctx: ProcessContext, name: string) {
      const first = yield* greet(name);
      expectTypeOf(first).toEqualTypeOf<Greeting>();
      const second = yield* greet(name);
      const count = yield* greetings(name);
      expectTypeOf(count).toEqualTypeOf<number>();
      return { first, second, count };
    }
    const done = t.rt.run(visitor, 'Ada');
    expectTypeOf(done).resolves.toEqualTypeOf<{ first: Greeting; second: Greeting; count: number }>();
    await t.advance(100);
    expect(await done).toEqual({
      first: { text: 'Hello, Ada!', count: 1 },
      second: { text: 'Hello, Ada!', count: 2 },
      count: 2,
    });
  });

  it('completes asynchronously: the process resumes only after the delay', async () => {
    let greeting: Greeting | undefined;
    const pid = t.rt.spawn(function* () {
      greeting = yield* greet('Grace');
    });
    await t.advance(49);
    expect(greeting).toBeUndefined();
    expect(pending()).toBe(1);
    await t.advance(1);
    expect(greeting).toEqual({ text: 'Hello, Grace!', count: 1 });
    expect(t.rt.isAlive(pid)).toBe(false);
    expect(pending()).toBe(0);
  });

  it('many processes greet concurrently; each gets its own result', async () => {
    const runs = ['a', 'b', 'a', 'c', 'a'].map((name) =>
      t.rt.run(function* () {
        return yield* greet(name);
      }),
    );
    await t.advance(50);
    const results = await Promise.all(runs);
    expect(results.filter((g) => g.text === 'Hello, a!').map((g) => g.count).sort()).toEqual([1, 2, 3]);
    expect(await t.rt.run(function* () {
      return [yield* greetings('a'), yield* greetings('b'), yield* greetings('zed')];
    })).toEqual([3, 1, 0]);
  });

  it('honours ctx.signal: a process terminated mid-greeting leaves nothing scheduled and counts nothing', async () => {
    const pid = t.rt.spawn(function* () {
      yield* greet('Linus');
    });
    await t.settle();
    expect(pending()).toBe(1);
    expect(t.clock.pending).toBe(1);
    t.rt.terminate(pid);
    expect(pending()).toBe(0);
    expect(t.clock.pending).toBe(0);
    await t.advance(100);
    expect(await t.rt.run(function* () {
      return yield* greetings('Linus');
    })).toBe(0);
    expect(t.rt.stats().lateCompletions).toBe(0);
  });

  it('honours ctx.signal inside race(): a greeting that loses is dropped', async () => {
    const pid = t.rt.spawn(function* () {
      const winner = yield* race([greet('Barbara'), receive<string>({ topic: 'hurry' })]);
      return winner;
    });
    const exit = t.rt.wait(pid);
    await t.settle();
    t.rt.send(pid, 'hurry', 'no time');
    expect(await exit).toEqual({ kind: 'normal', value: { topic: 'hurry', payload: 'no time' } satisfies Message<string> });
    expect(pending()).toBe(0);
    expect(t.clock.pending).toBe(0);
  });

  it('forget resets a count', async () => {
    const done = t.rt.run(function* () {
      yield* greet('Ken');
      const forgotten = yield* forget('Ken');
      const again = yield* forget('Ken');
      const after = yield* greet('Ken');
      return { forgotten, again, after: after.count };
    });
    await t.advance(100);
    expect(await done).toEqual({ forgotten: true, again: false, after: 1 });
  });

  it('a bad name throws GREETER_BAD_NAME inside the process, which can catch it and go on', async () => {
    const done = t.rt.run(function* () {
      let error = '';
      try {
        yield* greet('  ');
      } catch (e) {
        error = (e as Error).message;
      }
      return { error, greeting: yield* greet('ok') };
    });
    await t.advance(50);
    expect(await done).toEqual({ error: 'greet(): name must be a non-empty string, got "  "', greeting: { text: 'Hello, ok!', count: 1 } });
  });

  it('the handler checks a hand-built command too', async () => {
    const r = t.rt.run(function* () {
      yield* new GreetCmd(42 as unknown as string);
    });
    await expect(r).rejects.toThrow('greet: name must be a non-empty string, got 42');
    expect(pending()).toBe(0);
  });

  it('options are checked when the plugin is created', () => {
    expect(() => greeterPlugin({ delayMs: -1 })).toThrow(/greeterPlugin\(\): "delayMs" must be a finite number >= 0, got -1/);
    expect(() => greeterPlugin({ delayMs: -1 })).toThrow('got -1');
    expect(() => greeterPlugin({ salutation: '' })).toThrow(expect.objectContaining({ code: 'BAD_OPTION', option: 'salutation' }));
  });

  it('two runtimes keep separate counts', async () => {
    const other = await createTestRuntime({ plugins: [greeterPlugin({ delayMs: 0, salutation: 'Hi' })] });
    try {
      const here = t.rt.run(function* () {
        return yield* greet('Ada');
      });
      await t.advance(50);
      expect((await here).count).toBe(1);
      const there = other.rt.run(function* () {
        return yield* greet('Ada');
      });
      await other.advance(0);
      expect(await there).toEqual({ text: 'Hi, Ada!', count: 1 });
    } finally {
      await other.stop();
    }
  });

  it('stopping the runtime leaves nothing scheduled', async () => {
    t.rt.spawn(function* () {
      yield* greet('Dennis');
    });
    await t.settle();
    expect(t.clock.pending).toBe(1);
    await t.stop();
    expect(pending()).toBe(0);
    expect(t.clock.pending).toBe(0);
  });
});

describe('one plugin value, two runtimes', () => {
  it('keeps separate state per installation: stopping one leaves the other working', async () => {
    const shared = greeterPlugin({ delayMs: 50 });
    const a = await createTestRuntime({ plugins: [shared] });
    const b = await createTestRuntime({ plugins: [shared] });
    const inB = b.rt.run(function* () {
      return yield* greet('B');
    });
    const inA = a.rt.run(function* () {
      yield* greet('A');
      return yield* greetings('A');
    });
    await b.advance(10);
    expect(b.rt.stats().plugins.greeter).toEqual({ pending: 1 });
    await a.advance(100);
    expect(await inA).toBe(1);
    await a.stop();
    await b.advance(40);
    expect(await inB).toEqual({ text: 'Hello, B!', count: 1 });
    expect(b.rt.stats().plugins.greeter).toEqual({ pending: 0 });
    await b.stop();
  });
});
