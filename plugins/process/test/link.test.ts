import { afterEach, beforeEach, describe, expect, expectTypeOf, it } from 'vitest';
import { LinkedExitError, NoSuchProcessError, receive, type Pid, type ProcessContext, type ProcessEvent } from '@switchyard/runtime';
import { SwitchyardError } from '@switchyard/dispatcher';
import { link, LinkCmd, ProcessCommand, unlink, UnlinkCmd } from '@switchyard/plugin-process';
import type { TestRuntime } from '@switchyard/testing';
import { attempt, errorOf, nextEvent, puppet, withProcess } from './harness.js';

let t: TestRuntime;
beforeEach(async () => {
  t = await withProcess();
});
afterEach(async () => {
  await t.stop();
});

/** Links to `peer`, then waits; records its finally block in `log`. */
function* linker(ctx: ProcessContext, peer: Pid, log: string[], trap = false) {
  ctx.trapLinks = trap;
  try {
    yield* link(peer);
    log.push('linked');
    const m = yield* receive();
    return m;
  } finally {
    log.push('linker finally');
  }
}

describe('link', () => {
  it('link is command 7 and unlink command 8, both resolving to void', () => {
    expect(link('{local|0x00001}')).toBeInstanceOf(LinkCmd);
    expect(link('{local|0x00001}').id).toBe(ProcessCommand.Link);
    expect(link('{local|0x00001}').id).toBe(7);
    expect(unlink('{local|0x00001}')).toBeInstanceOf(UnlinkCmd);
    expect(unlink('{local|0x00001}').id).toBe(8);
    function* p() {
      expectTypeOf(yield* link('{local|0x00001}')).toEqualTypeOf<void>();
      expectTypeOf(yield* unlink('{local|0x00001}')).toEqualTypeOf<void>();
    }
    expect(typeof p).toBe('function');
    expect(() => link('')).toThrow(/link\(\): expected a PID like/);
    expect(() => unlink('')).toThrow(/unlink\(\): expected a PID like/);
  });

  it('an abnormal exit of the peer fails the linked process with LinkedExitError (LINKED_EXIT)', async () => {
    const peer = t.rt.spawn(puppet);
    const log: string[] = [];
    const a = t.rt.spawn(linker, peer, log);
    const exit = t.rt.wait(a);
    await t.settle();
    t.rt.send(peer, 'stop', { throw: 'peer crashed' });
    const reason = await exit;
    expect(reason.kind).toBe('error');
    const err = (reason as { error: unknown }).error;
    expect(err).toBeInstanceOf(LinkedExitError);
    expect(err).toBeInstanceOf(SwitchyardError);
    const e = err as LinkedExitError;
    expect(e.code).toBe('LINKED_EXIT');
    expect(e.peer).toBe(peer);
    expect(e.reason.kind).toBe('error');
    expect(e.message).toContain(peer);
    expect(e.message).toContain('peer crashed');
    expect(log).toEqual(['linked', 'linker finally']);
  });

  it('a termination or a cancel of the peer is abnormal too', async () => {
    for (const end of ['terminate', 'cancel'] as const) {
      const peer = t.rt.spawn(puppet);
      const a = t.rt.spawn(linker, peer, []);
      const exit = t.rt.wait(a);
      await t.settle();
      if (end === 'terminate') t.rt.terminate(peer);
      else t.rt.cancel(peer, 'bye');
      const reason = await exit;
      expect(((reason as { error: LinkedExitError }).error).reason.kind).toBe(end === 'terminate' ? 'terminated' : 'cancelled');
    }
  });

  it('the link goes both ways: the linking process failing fails the peer', async () => {
    const peer = t.rt.spawn(puppet);
    const peerExit = t.rt.wait(peer);
    const a = t.rt.spawn(function* () {
      yield* link(peer);
      yield* receive({ topic: 'die' });
      throw new Error('linker crashed');
    });
    await t.settle();
    t.rt.send(a, 'die', null);
    const reason = await peerExit;
    expect(reason.kind).toBe('error');
    expect(((reason as { error: LinkedExitError }).error).peer).toBe(a);
  });

  it('a normal exit of the peer does not end the linked process', async () => {
    const peer = t.rt.spawn(puppet);
    const log: string[] = [];
    const a = t.rt.spawn(linker, peer, log);
    const exit = t.rt.wait(a);
    await t.settle();
    t.rt.send(peer, 'stop', { value: 'fine' });
    await t.rt.wait(peer);
    await t.settle();
    expect(t.rt.isAlive(a)).toBe(true);
    t.rt.send(a, 'hello', 'still here');
    expect(await exit).toEqual({ kind: 'normal', value: { topic: 'hello', payload: 'still here' } });
  });

  it('a process that traps links gets a pid.exit message with link: true instead', async () => {
    const peer = t.rt.spawn(puppet);
    const a = t.rt.spawn(function* (ctx: ProcessContext) {
      ctx.trapLinks = true;
      yield* link(peer);
      const event: ProcessEvent = yield* nextEvent();
      return event;
    });
    const exit = t.rt.wait(a);
    await t.settle();
    t.rt.send(peer, 'stop', { throw: 'peer crashed' });
    const reason = await exit;
    expect(reason.kind).toBe('normal');
    const event = (reason as { value: ProcessEvent }).value;
    expect(event).toMatchObject({ type: 'pid.exit', pid: peer, link: true, reason: { kind: 'error' } });
  });

  it('linking to a dead process fails the yield with NoSuchProcessError naming it', async () => {
    const gone = t.rt.spawn(function* () {});
    await t.rt.wait(gone);
    const r = await t.rt.run(function* () {
      return yield* attempt(link(gone));
    });
    const err = errorOf(r);
    expect(err).toBeInstanceOf(NoSuchProcessError);
    expect((err as NoSuchProcessError).code).toBe('NO_SUCH_PROCESS');
    expect((err as Error).message).toContain(gone);
  });

  it('linking to itself does nothing', async () => {
    expect(await t.rt.run(function* (ctx: ProcessContext) {
      yield* link(ctx.pid);
      return 'ok';
    })).toBe('ok');
  });
});

describe('unlink', () => {
  it('after unlink, an abnormal exit of the former peer leaves the process running', async () => {
    const peer = t.rt.spawn(puppet);
    const a = t.rt.spawn(function* () {
      yield* link(peer);
      yield* unlink(peer);
      const m = yield* receive<string>({ topic: 'finish' });
      return m.payload;
    });
    const exit = t.rt.wait(a);
    await t.settle();
    t.rt.send(peer, 'stop', { throw: 'peer crashed' });
    await t.rt.wait(peer);
    await t.settle();
    expect(t.rt.isAlive(a)).toBe(true);
    t.rt.send(a, 'finish', 'unaffected');
    expect(await exit).toEqual({ kind: 'normal', value: 'unaffected' });
  });

  it('unlink removes both directions', async () => {
    const peer = t.rt.spawn(puppet);
    const peerExit = t.rt.wait(peer);
    const a = t.rt.spawn(function* () {
      yield* link(peer);
      yield* unlink(peer);
      throw new Error('linker crashed');
    });
    await t.rt.wait(a);
    await t.settle();
    expect(t.rt.isAlive(peer)).toBe(true);
    t.rt.send(peer, 'stop', { value: 'fine' });
    expect(await peerExit).toEqual({ kind: 'normal', value: 'fine' });
  });

  it('unlinking a process that is not linked, or not alive, is harmless', async () => {
    const gone = t.rt.spawn(function* () {});
    await t.rt.wait(gone);
    const other = t.rt.spawn(puppet);
    expect(await t.rt.run(function* () {
      yield* unlink(gone);
      yield* unlink(other);
      return 'ok';
    })).toBe('ok');
    t.rt.terminate(other);
  });
});
