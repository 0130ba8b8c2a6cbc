import { describe, expect, it } from 'vitest';
import { createRuntime, receive, LinkedExitError, SpawnError, BadYieldError } from '../src/index.js';

describe('defects fixed in kernel v2', () => {
  it('an async generator is refused at spawn, naming it, before it runs', async () => {
    const rt = createRuntime();
    await rt.start();
    let ran = false;
    async function* fetcher() {
      ran = true;
      yield 1;
    }
    expect(() => rt.spawn(fetcher as never)).toThrow(SpawnError);
    expect(() => rt.spawn(fetcher as never)).toThrow('spawn(): an async generator function (fetcher) cannot be a process');
    expect(() => rt.spawn((async () => 1) as never)).toThrow(/an async function cannot be a process/);
    expect(() => rt.spawn(42 as never)).toThrow('expected a generator function or a registered process name, got 42');
    // A plain function returning an async iterator is refused too.
    expect(() => rt.spawn((() => fetcher()) as never)).toThrow(/returned an? .*not a generator/);
    expect(ran).toBe(false);
    expect(rt.stats().processes.live).toBe(0);
    await rt.stop();
  });

  it('a crash at the head of a 100,000-process link chain fails every one without recursion', async () => {
    const rt = createRuntime();
    await rt.start();
    const n = 100_000;
    const pids: string[] = [];
    let prev: string | undefined;
    for (let i = 0; i < n; i++) {
      const pid = rt.spawnWith(prev === undefined ? {} : { linkTo: prev }, function* () {
        yield* receive({ topic: 'crash' });
        throw new Error('head crashed');
      });
      pids.push(pid);
      prev = pid;
    }
    await rt.whenIdle();
    const last = rt.wait(pids[n - 1]!);
    rt.send(pids[0]!, 'crash', null);
    const reason = await last;
    expect(reason.kind).toBe('error');
    expect((reason as { error: unknown }).error).toBeInstanceOf(LinkedExitError);
    expect(rt.stats().processes.live).toBe(0);
    await rt.stop();
  }, 120_000);

  it('stop() is idempotent: every call gets the same promise, also during the first', async () => {
    const rt = createRuntime();
    await rt.start();
    rt.spawn(function* () {
      yield* receive();
    });
    const a = rt.stop();
    const b = rt.stop();
    expect(b).toBe(a);
    await a;
    expect(rt.stop()).toBe(a);
    const fresh = createRuntime();
    await expect(fresh.stop()).resolves.toBeUndefined();
  });

  it('yielding a Promise says it is a Promise and how to do it instead', async () => {
    const rt = createRuntime();
    await rt.start();
    const error = await rt
      .run(function* () {
        yield Promise.resolve(1) as never;
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BadYieldError);
    expect((error as Error).message).toMatch(/yielded a Promise, which is not a command: a process cannot await/);
    expect((error as Error).message).toContain('yield* sleep(10)');
    await rt.stop();
  });

  it('yielding a generator suggests yield*', async () => {
    const rt = createRuntime();
    await rt.start();
    function* inner() {
      yield* receive({ timeout: 0 });
    }
    const error = await rt
      .run(function* () {
        yield inner() as never;
      })
      .catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/yielded a generator, .*did you mean yield\* \?/);
    await rt.stop();
  });
});
