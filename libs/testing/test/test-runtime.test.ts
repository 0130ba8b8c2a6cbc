import { describe, expect, it } from 'vitest';
import {
  definePlugin,
  receive,
  ReceiveTimeoutError,
  RuntimeStateError,
  type Message,
  type ProcessContext,
} from '@switchyard/runtime';
import { CommandBase } from '@switchyard/dispatcher';
import { createTestRuntime } from '@switchyard/testing';

function* waiter(_ctx: ProcessContext, timeout: number) {
  try {
    const msg = yield* receive<string>({ topic: 'ping', timeout });
    return `got ${msg.payload}`;
  } catch (e) {
    if (e instanceof ReceiveTimeoutError) return `timed out after ${e.timeoutMs}`;
    throw e;
  }
}

class NowCmd extends CommandBase<number> {
  readonly id = 256;
}

describe('createTestRuntime', () => {
  it('returns a started runtime on a virtual clock', async () => {
    const t = await createTestRuntime();
    try {
      expect(t.rt.clock).toBe(t.clock);
      expect(t.clock.now()).toBe(0);
      const pid = t.rt.spawn(waiter, 50);
      expect(t.rt.isAlive(pid)).toBe(true);
    } finally {
      await t.stop();
    }
  });

  it('time passes only through advance(); a receive timeout fires at its virtual time', async () => {
    const t = await createTestRuntime();
    try {
      const pid = t.rt.spawn(waiter, 50);
      const done = t.rt.wait(pid);
      await t.settle();
      expect(t.clock.pending).toBe(1);
      await t.advance(49);
      expect(t.rt.isAlive(pid)).toBe(true);
      await t.advance(1);
      expect(await done).toEqual({ kind: 'normal', value: 'timed out after 50' });
      expect(t.clock.pending).toBe(0);
    } finally {
      await t.stop();
    }
  });

  it('settle() lets processes run until they block', async () => {
    const t = await createTestRuntime();
    try {
      const log: string[] = [];
      function* chatty(ctx: ProcessContext) {
        log.push(`started ${ctx.pid}`);
        const m: Message = yield* receive();
        log.push(`got ${String(m.payload)}`);
      }
      const pid = t.rt.spawn(chatty);
      await t.settle();
      expect(log).toEqual([`started ${pid}`]);
      t.rt.send(pid, 'any', 'hi');
      await t.settle();
      expect(log).toEqual([`started ${pid}`, 'got hi']);
      expect(t.rt.isAlive(pid)).toBe(false);
    } finally {
      await t.stop();
    }
  });

  it('a message that arrives before the timeout wins and clears the timer', async () => {
    const t = await createTestRuntime();
    try {
      const pid = t.rt.spawn(waiter, 50);
      const done = t.rt.run(waiter, 1000);
      await t.settle();
      t.rt.send(pid, 'ping', 'pong');
      await t.advance(10);
      expect(t.rt.isAlive(pid)).toBe(false);
      await t.advance(1000);
      expect(await done).toBe('timed out after 1000');
      expect(t.clock.pending).toBe(0);
    } finally {
      await t.stop();
    }
  });

  it('installs the given plugins, which see the virtual clock', async () => {
    const plugin = definePlugin({
      name: 'now',
      commands: [256],
      setup: (ctx) => ({ handlers: { 256: (_c, _cmd, tag, r) => r.completeYield(tag, ctx.clock.now()) } }),
    });
    const t = await createTestRuntime({ plugins: [plugin] });
    try {
      function* readNow() {
        return yield* new NowCmd();
      }
      await t.advance(123);
      expect(await t.rt.run(readNow)).toBe(123);
      expect(t.rt.commands().map((c) => c.plugin)).toEqual(['now']);
    } finally {
      await t.stop();
    }
  });

  it('stop() ends the processes and the runtime', async () => {
    const t = await createTestRuntime();
    const pid = t.rt.spawn(waiter, 10_000);
    const exit = t.rt.wait(pid);
    await t.settle();
    await t.stop();
    expect(await exit).toEqual({ kind: 'cancelled', reason: 'runtime stopping' });
    expect(t.clock.pending).toBe(0);
    expect(() => t.rt.spawn(waiter, 1)).toThrow(RuntimeStateError);
  });

  it('is async-disposable', async () => {
    let pid = '';
    let rtRef: Awaited<ReturnType<typeof createTestRuntime>>['rt'] | undefined;
    {
      await using t = await createTestRuntime();
      rtRef = t.rt;
      pid = t.rt.spawn(waiter, 10_000);
      await t.settle();
    }
    expect(rtRef.isAlive(pid)).toBe(false);
    expect(() => rtRef!.spawn(waiter, 1)).toThrow(RuntimeStateError);
  });

  it('two test runtimes have separate clocks and processes', async () => {
    const a = await createTestRuntime();
    const b = await createTestRuntime();
    try {
      const pa = a.rt.spawn(waiter, 10);
      await a.settle();
      await b.advance(100);
      expect(a.rt.isAlive(pa)).toBe(true);
      expect(b.rt.isAlive(pa)).toBe(false);
      expect(a.clock.now()).toBe(0);
      await a.advance(10);
      expect(a.rt.isAlive(pa)).toBe(false);
    } finally {
      await a.stop();
      await b.stop();
    }
  });
});
