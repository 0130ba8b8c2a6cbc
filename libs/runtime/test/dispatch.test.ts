import { describe, expect, it } from 'vitest';
import { UnknownCommandError, type Command } from '@switchyard/dispatcher';
import { createRuntime, type ProcessContext } from '../src/index.js';
import { Boom, Echo, Hold, Later, probePlugin } from './probe.js';

async function started(plugins = [probePlugin()]) {
  const rt = createRuntime({ plugins });
  await rt.start();
  return rt;
}

describe('dispatch', () => {
  it('routes a plain object command with a numeric id to its handler', async () => {
    const probe = probePlugin();
    const rt = await started([probe]);
    const result = await rt.run(function* () {
      return yield { id: 256, value: 'plain' } as Command;
    });
    expect(result).toBe('plain');
    await rt.stop();
  });

  it('gives typed results through yield*', async () => {
    const rt = await started();
    const result = await rt.run(function* () {
      const n: number = yield* new Echo(41);
      const s: string = yield* new Later('x');
      return n + 1 + s;
    });
    expect(result).toBe('42x');
    await rt.stop();
  });

  it('numbers tags per process from 1', async () => {
    const probe = probePlugin();
    const rt = await started([probe]);
    function* three() {
      yield* new Echo(1);
      yield* new Echo(2);
      yield* new Echo(3);
    }
    await rt.run(three);
    await rt.run(three);
    expect(probe.tags).toEqual([1, 2, 3, 1, 2, 3]);
    await rt.stop();
  });

  it('throws UnknownCommandError at the yield, which the process may catch and go on', async () => {
    const rt = await started();
    const result = await rt.run(function* () {
      try {
        yield { id: 9999 } as Command;
      } catch (e) {
        return { e, next: yield* new Echo('went on') };
      }
      return undefined;
    });
    expect(result?.e).toBeInstanceOf(UnknownCommandError);
    expect(result?.e).toMatchObject({ code: 'UNKNOWN_COMMAND', commandId: 9999 });
    expect(String((result?.e as Error).message)).toContain('9999');
    expect(result?.next).toBe('went on');
    expect(rt.stats().unknownCommands).toBe(1);
    await rt.stop();
  });

  it("delivers a handler's synchronous throw at the yield", async () => {
    const rt = await started();
    await expect(
      rt.run(function* () {
        yield* new Boom('handler exploded');
      }),
    ).rejects.toThrow('handler exploded');
    await rt.stop();
  });

  it('rejects a yield that is not a command with a clear error', async () => {
    const rt = await started();
    await expect(
      rt.run(function* () {
        yield 42 as unknown as Command;
      }),
    ).rejects.toMatchObject({ code: 'BAD_YIELD', message: expect.stringContaining('not a command') });
    await rt.stop();
  });

  it('never re-enters a process when its handler completes synchronously', async () => {
    const rt = await started();
    const trace: string[] = [];
    await rt.run(function* () {
      for (let i = 0; i < 3; i++) {
        trace.push(`before ${i}`);
        const v = yield* new Echo(i);
        trace.push(`after ${v}`);
      }
    });
    expect(trace).toEqual(['before 0', 'after 0', 'before 1', 'after 1', 'before 2', 'after 2']);
    await rt.stop();
  });

  it('resumes a process after the current step, not inside the handler', async () => {
    const probe = probePlugin();
    const rt = await started([probe]);
    let inside = false;
    let reentered = false;
    const pid = rt.spawn(function* () {
      yield* new Hold();
      reentered = inside;
    });
    await rt.whenIdle();
    const h = probe.held[0]!;
    inside = true;
    h.receiver.completeYield(h.tag, 'now');
    inside = false;
    await rt.wait(pid);
    expect(reentered).toBe(false);
    await rt.stop();
  });

  it('drops and counts a duplicate completion and a completion after exit', async () => {
    const probe = probePlugin();
    const rt = await started([probe]);
    const seen: unknown[] = [];
    const pid = rt.spawn(function* () {
      seen.push(yield* new Hold());
      seen.push(yield* new Hold());
    });
    await rt.whenIdle();
    const first = probe.held[0]!;
    first.receiver.completeYield(first.tag, 'a');
    first.receiver.completeYield(first.tag, 'a again');
    await rt.whenIdle();
    expect(rt.stats().duplicateCompletions).toBe(1);
    rt.terminate(pid);
    const second = probe.held[1]!;
    second.receiver.completeYield(second.tag, 'too late');
    expect(seen).toEqual(['a']);
    expect(rt.stats().lateCompletions).toBe(1);
    // A new process whose tag has the same number never sees the late result.
    const next = rt.spawn(function* () {
      seen.push(yield* new Hold());
    });
    await rt.whenIdle();
    second.receiver.completeYield(second.tag, 'stray');
    const mine = probe.held[2]!;
    mine.receiver.completeYield(mine.tag, 'mine');
    await rt.wait(next);
    expect(seen).toEqual(['a', 'mine']);
    expect(rt.stats().lateCompletions).toBe(2);
    await rt.stop();
  });

  it('calls release() exactly once, after the result was delivered', async () => {
    const rt = await started();
    const events: string[] = [];
    class Pooled extends Echo<string> {
      release() {
        events.push(`release ${this.value}`);
      }
    }
    await rt.run(function* () {
      const v = yield* new Pooled('a');
      events.push(`got ${v}`);
      yield* new Pooled('b');
      events.push('end');
    });
    // Released once the process has taken the result and run on to its next yield (or its end).
    expect(events).toEqual(['got a', 'release a', 'end', 'release b']);
    await rt.stop();
  });

  it('releases a pending command once when its process is terminated', async () => {
    const probe = probePlugin();
    const rt = await started([probe]);
    let released = 0;
    const cmd = Object.assign(new Hold(), { release: () => void released++ });
    const pid = rt.spawn(function* () {
      yield cmd;
    });
    await rt.whenIdle();
    rt.terminate(pid);
    rt.terminate(pid);
    expect(released).toBe(1);
    await rt.stop();
  });

  it('passes the yielding PID and a live signal to the handler', async () => {
    const probe = probePlugin();
    const rt = await started([probe]);
    const pid = rt.spawn(function* (ctx: ProcessContext) {
      yield* new Hold();
      return ctx.pid;
    });
    await rt.whenIdle();
    const h = probe.held[0]!;
    expect(h.ctx.pid).toBe(pid);
    expect(h.ctx.signal.aborted).toBe(false);
    rt.terminate(pid);
    expect(h.ctx.signal.aborted).toBe(true);
    await rt.stop();
  });

  it('formats PIDs as {node|0xNNNNN}', async () => {
    const rt = await started();
    const pid = rt.spawn(function* () {});
    expect(pid).toMatch(/^\{local\|0x[0-9a-f]{5}\}$/);
    await rt.stop();
  });
});
