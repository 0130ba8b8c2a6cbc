import { describe, expect, it } from 'vitest';
import { createTestRuntime } from '@switchyard/testing';
import { receive, self, INBOX_TOPIC, type ProcessContext } from '../src/index.js';

describe('receive()', () => {
  it('takes messages in order, any topic by default', async () => {
    await using t = await createTestRuntime();
    const pid = t.rt.spawn(function* () {
      const a = yield* receive();
      const b = yield* receive();
      return [a.topic, a.payload, b.topic, b.payload];
    });
    t.rt.send(pid, 'x', 1);
    t.rt.send(pid, INBOX_TOPIC, 2);
    expect(await t.rt.wait(pid)).toEqual({ kind: 'normal', value: ['x', 1, INBOX_TOPIC, 2] });
  });

  it('selects by topic and leaves other messages queued in order', async () => {
    await using t = await createTestRuntime();
    const pid = t.rt.spawn(function* () {
      const wanted = yield* receive({ topic: 'b' });
      const rest = [yield* receive(), yield* receive()];
      return [wanted.payload, ...rest.map((m) => m.payload)];
    });
    t.rt.send(pid, 'a', 1);
    t.rt.send(pid, 'c', 3);
    t.rt.send(pid, 'b', 2);
    expect(await t.rt.wait(pid)).toEqual({ kind: 'normal', value: [2, 1, 3] });
  });

  it('times out with an error that names the topic, and leaves no timer behind', async () => {
    await using t = await createTestRuntime();
    const pid = t.rt.spawn(function* () {
      yield* receive({ topic: 'reply', timeout: 500 });
    });
    await t.settle();
    expect(t.clock.pending).toBe(1);
    await t.advance(499);
    expect(t.rt.isAlive(pid)).toBe(true);
    await t.advance(1);
    expect(t.rt.isAlive(pid)).toBe(false);
    expect(t.clock.pending).toBe(0);
  });

  it('rejects run() with ReceiveTimeoutError naming topic and timeout', async () => {
    await using t = await createTestRuntime();
    const done = t.rt
      .run(function* () {
        yield* receive({ topic: 'reply', timeout: 250 });
      })
      .then(() => 'resolved', (e: unknown) => e);
    await t.advance(250);
    expect(await done).toMatchObject({
      code: 'RECEIVE_TIMEOUT',
      message: 'receive on topic "reply" timed out after 250 ms',
    });
  });

  it('clears the timeout when the message arrives', async () => {
    await using t = await createTestRuntime();
    const pid = t.rt.spawn(function* () {
      return (yield* receive({ topic: 'r', timeout: 1000 })).payload;
    });
    await t.settle();
    t.rt.send(pid, 'r', 'ok');
    expect(await t.rt.wait(pid)).toEqual({ kind: 'normal', value: 'ok' });
    expect(t.clock.pending).toBe(0);
  });

  it('validates its options', () => {
    expect(() => receive({ timeout: -1 })).toThrow(/timeout must be/);
    expect(() => receive({ topic: 5 as unknown as string })).toThrow(/topic must be a string/);
  });

  it('self() and ctx.pid name the process', async () => {
    await using t = await createTestRuntime();
    let seen: unknown[] = [];
    const pid = t.rt.spawn(function* (ctx: ProcessContext) {
      seen = [yield* self(), ctx.pid];
    });
    await t.rt.wait(pid);
    expect(seen).toEqual([pid, pid]);
  });

  it('send() to a dead process returns false', async () => {
    await using t = await createTestRuntime();
    const pid = t.rt.spawn(function* () {});
    await t.rt.wait(pid);
    expect(t.rt.send(pid, 'x', 1)).toBe(false);
  });
});
