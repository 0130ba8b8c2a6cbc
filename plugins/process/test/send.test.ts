import { afterEach, beforeEach, describe, expect, expectTypeOf, it } from 'vitest';
import { receive, type Message, type Pid, type ProcessContext } from '@switchyard/runtime';
import { ProcessCommand, send, SendCmd } from '@switchyard/plugin-process';
import type { TestRuntime } from '@switchyard/testing';
import { withProcess } from './harness.js';

let t: TestRuntime;
beforeEach(async () => {
  t = await withProcess();
});
afterEach(async () => {
  await t.stop();
});

function* collector(_ctx: ProcessContext, n: number) {
  const got: Message[] = [];
  for (let i = 0; i < n; i++) got.push(yield* receive());
  return got;
}

describe('send', () => {
  it('is command 1 and resolves to a boolean', () => {
    const cmd = send('{local|0x00001}', 'topic', 1);
    expect(cmd).toBeInstanceOf(SendCmd);
    expect(cmd.id).toBe(ProcessCommand.Send);
    expect(cmd.id).toBe(1);
    function* p() {
      expectTypeOf(yield* send('x', 't', null)).toEqualTypeOf<boolean>();
    }
    expect(typeof p).toBe('function');
  });

  it('puts the message on the topic in the target mailbox, with the sender as `from`', async () => {
    const target = t.rt.spawn(collector, 1);
    const received = t.rt.wait(target);
    let senderPid: Pid = '';
    const sent = await t.rt.run(function* (ctx: ProcessContext) {
      senderPid = ctx.pid;
      return yield* send(target, 'greet', { hello: 'world' });
    });
    expect(sent).toBe(true);
    expect(await received).toEqual({ kind: 'normal', value: [{ topic: 'greet', payload: { hello: 'world' }, from: senderPid }] });
  });

  it('messages from one sender arrive in send order', async () => {
    const target = t.rt.spawn(collector, 5);
    const received = t.rt.wait(target);
    await t.rt.run(function* () {
      for (let i = 1; i <= 5; i++) yield* send(target, 'n', i);
    });
    const exit = await received;
    expect((exit as { value: Message[] }).value.map((m) => m.payload)).toEqual([1, 2, 3, 4, 5]);
  });

  it('a process can send to itself', async () => {
    expect(await t.rt.run(function* (ctx: ProcessContext) {
      yield* send(ctx.pid, 'note', 'to self');
      const m = yield* receive<string>({ topic: 'note' });
      return [m.payload, m.from === ctx.pid];
    })).toEqual(['to self', true]);
  });

  it('resolves to false when the target is not alive', async () => {
    const gone = t.rt.spawn(function* () {});
    await t.rt.wait(gone);
    expect(await t.rt.run(function* () {
      return yield* send(gone, 'greet', 1);
    })).toBe(false);
    expect(await t.rt.run(function* () {
      return yield* send('{local|0xfffff}', 'greet', 1);
    })).toBe(false);
  });

  it('refuses a bad target or topic with a coded error naming what is wrong', () => {
    expect(() => send('', 't', 1)).toThrow(expect.objectContaining({ code: 'BAD_ARGUMENT' }));
    expect(() => send('', 't', 1)).toThrow(/send\(\): expected a PID or a registered name, got ""/);
    expect(() => send(42 as unknown as Pid, 't', 1)).toThrow(/got 42/);
    expect(() => send('{local|12}', 't', 1)).toThrow(/expected a PID like/);
    expect(() => send('x', 7 as unknown as string, 1)).toThrow(/send\(\): topic must be a string, got 7/);
  });
});

describe('send to names and full mailboxes', () => {
  it('sends to a registered name, fails with NO_SUCH_NAME for an unknown one and MAILBOX_FULL for a full mailbox', async () => {
    const { createRuntime, receive } = await import('@switchyard/runtime');
    const { processPlugin, spawnWith } = await import('../src/index.js');
    const rt = createRuntime({ plugins: [processPlugin()] });
    await rt.start();
    const out = await rt.run(function* () {
      const pid = yield* spawnWith({ name: 'sink', mailbox: { capacity: 1 } }, function* () {
        yield* receive({ topic: 'never' });
      });
      const first = yield* send('sink', 't', 1);
      const codes: string[] = [];
      for (const to of ['sink', 'sinc']) {
        try {
          yield* send(to, 't', 2);
        } catch (e) {
          codes.push((e as { code: string }).code);
        }
      }
      return { first, codes, pid };
    });
    expect(out.first).toBe(true);
    expect(out.codes).toEqual(['MAILBOX_FULL', 'NO_SUCH_NAME']);
    await rt.stop();
  });
});
