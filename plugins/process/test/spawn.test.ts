import { afterEach, beforeEach, describe, expect, expectTypeOf, it } from 'vitest';
import { LinkedExitError, receive, type Pid, type ProcessContext } from '@switchyard/runtime';
import { monitor, ProcessCommand, send, spawn, spawnLink, SpawnCmd } from '@switchyard/plugin-process';
import type { TestRuntime } from '@switchyard/testing';
import { attempt, errorOf, nextEvent, puppet, withProcess } from './harness.js';

let t: TestRuntime;
beforeEach(async () => {
  t = await withProcess();
});
afterEach(async () => {
  await t.stop();
});

function* reporter(ctx: ProcessContext, to: Pid, name: string, n: number) {
  yield* send(to, 'report', `${name}:${n} as ${ctx.pid}`);
}

describe('spawn', () => {
  it('is command 2 and resolves to a PID; arguments are type-checked', () => {
    const cmd = spawn(reporter, 'p', 'a', 1);
    expect(cmd).toBeInstanceOf(SpawnCmd);
    expect(cmd.id).toBe(ProcessCommand.Spawn);
    expect(cmd.id).toBe(2);
    expect(cmd.link).toBe(false);
    expect(spawnLink(reporter, 'p', 'a', 1).link).toBe(true);
    function* p() {
      expectTypeOf(yield* spawn(reporter, 'p', 'a', 1)).toEqualTypeOf<Pid>();
      // @ts-expect-error the arguments must match the process function
      yield* spawn(reporter, 'p', 1, 'a');
    }
    expect(typeof p).toBe('function');
  });

  it('starts a new process with the given arguments and returns its PID', async () => {
    const result = await t.rt.run(function* (ctx: ProcessContext) {
      const child = yield* spawn(reporter, ctx.pid, 'worker', 7);
      const m = yield* receive<string>({ topic: 'report' });
      return { child, report: m.payload, from: m.from };
    });
    expect(result.child).toMatch(/^\{local\|0x[0-9a-f]{5}\}$/);
    expect(result.report).toBe(`worker:7 as ${result.child}`);
    expect(result.from).toBe(result.child);
  });

  it('each spawn gets a new PID', async () => {
    const pids = await t.rt.run(function* () {
      const out: Pid[] = [];
      for (let i = 0; i < 3; i++) out.push(yield* spawn(function* () {}));
      return out;
    });
    expect(new Set(pids).size).toBe(3);
  });

  it('the child outlives its parent, and its failure does not touch the parent', async () => {
    let child: Pid = '';
    await t.rt.run(function* () {
      child = yield* spawn(puppet);
    });
    expect(t.rt.isAlive(child)).toBe(true);
    const parent = t.rt.spawn(function* () {
      const c = yield* spawn(puppet);
      yield* send(c, 'stop', { throw: 'child failed' });
      yield* receive({ topic: 'finish' });
      return 'parent fine';
    });
    const parentExit = t.rt.wait(parent);
    await t.settle();
    expect(t.rt.isAlive(parent)).toBe(true);
    t.rt.send(parent, 'finish', null);
    expect(await parentExit).toEqual({ kind: 'normal', value: 'parent fine' });
  });

  it('a function that is not a generator function fails the yield with BAD_SPAWN the parent can catch', async () => {
    const r = await t.rt.run(function* () {
      return yield* attempt(spawn((() => 42) as unknown as () => Generator<never, void, unknown>));
    });
    const err = errorOf(r);
    expect((err as { code: string }).code).toBe('BAD_SPAWN');
    expect((err as Error).message).toContain('function*');
  });

  it('spawn() of a non-function throws BAD_ARGUMENT at once', () => {
    expect(() => spawn(null as unknown as () => Generator<never, void, unknown>)).toThrow(/spawn\(\): expected a generator function or a registered process name, got null/);
    expect(() => spawnLink(7 as unknown as () => Generator<never, void, unknown>)).toThrow(/spawnLink\(\): expected a generator function or a registered process name, got 7/);
  });
});

describe('spawnLink', () => {
  it('links the child to the caller: the child failing fails the caller with LinkedExitError', async () => {
    let child: Pid = '';
    const parent = t.rt.spawn(function* () {
      child = yield* spawnLink(puppet);
      yield* receive({ topic: 'never' });
    });
    const exit = t.rt.wait(parent);
    await t.settle();
    t.rt.send(child, 'stop', { throw: 'child crashed' });
    const reason = await exit;
    expect(reason.kind).toBe('error');
    const err = (reason as { error: unknown }).error;
    expect(err).toBeInstanceOf(LinkedExitError);
    expect((err as LinkedExitError).code).toBe('LINKED_EXIT');
    expect((err as LinkedExitError).peer).toBe(child);
    expect(((err as Error).cause as Error).message).toBe('child crashed');
  });

  it('the caller failing fails the linked child too', async () => {
    let child: Pid = '';
    const parent = t.rt.spawn(function* () {
      child = yield* spawnLink(puppet);
      yield* receive({ topic: 'die' });
      throw new Error('parent crashed');
    });
    await t.settle();
    const childExit = t.rt.wait(child);
    t.rt.send(parent, 'die', null);
    const reason = await childExit;
    expect(reason.kind).toBe('error');
    expect((reason as { error: LinkedExitError }).error.peer).toBe(parent);
  });

  it('a normal exit of the linked child leaves the caller running', async () => {
    const result = await t.rt.run(function* () {
      const child = yield* spawnLink(puppet);
      yield* monitor(child);
      yield* send(child, 'stop', { value: 'ok' });
      const event = yield* nextEvent();
      return { event, after: 'caller still running' };
    });
    expect(result.event).toMatchObject({ type: 'pid.exit', reason: { kind: 'normal', value: 'ok' } });
    expect(result.after).toBe('caller still running');
  });
});
