import { describe, expect, it } from 'vitest';
import { CommandBase } from '@switchyard/dispatcher';
import { createRuntime, definePlugin, receive, transfer, NoSuchResourceError, NotOwnerError, type Handle } from '../src/index.js';
import { boxPlugin, Open, Peek, Shut } from './resource-probe.js';

async function boot(options: { throwOn?: string } = {}) {
  const boxes = boxPlugin(options);
  const rt = createRuntime({ plugins: [boxes] });
  await rt.start();
  return { rt, boxes };
}

describe('resource table', () => {
  it('gives handles as frozen plain data, unique in the runtime', async () => {
    const { rt } = await boot();
    const [a, b] = await rt.run(function* () {
      const a = yield* new Open('a');
      const b = yield* new Open('b');
      return [a, b];
    });
    expect(a).toEqual({ kind: 'box', id: 1 });
    expect(b).toEqual({ kind: 'box', id: 2 });
    expect(Object.isFrozen(a)).toBe(true);
    expect(JSON.parse(JSON.stringify(a))).toEqual(a);
    await rt.stop();
  });

  it('refuses a second process holding a copy of the handle, and the resource is untouched', async () => {
    const { rt, boxes } = await boot();
    const owner = rt.spawn(function* () {
      const h = yield* new Open('mine');
      const msg = yield* receive<{ reply: string }>({ topic: 'give' });
      rt.send(msg.payload.reply, 'handle', h);
      yield* receive({ topic: 'done' });
      return yield* new Peek(h);
    });
    const error = await rt.run(function* (ctx) {
      rt.send(owner, 'give', { reply: ctx.pid });
      const { payload: h } = yield* receive<Handle>({ topic: 'handle' });
      const errors: unknown[] = [];
      for (const cmd of [new Peek(h), new Shut(h)]) {
        try {
          yield cmd;
        } catch (e) {
          errors.push(e);
        }
      }
      return errors;
    });
    expect(error).toHaveLength(2);
    for (const e of error as NotOwnerError[]) {
      expect(e).toBeInstanceOf(NotOwnerError);
      expect(e.code).toBe('NOT_OWNER');
      expect(e.owner).toBe(owner);
      expect(e.message).toMatch(/cannot use box #1: it is owned by \{local\|0x00001\}/);
    }
    expect(boxes.disposed).toEqual([]);
    rt.send(owner, 'done', null);
    expect(await rt.wait(owner)).toEqual({ kind: 'normal', value: 'mine' });
    await rt.stop();
  });

  it('NO_SUCH_RESOURCE for an unknown, closed, forged or other-kind handle, naming handle and PID', async () => {
    const { rt } = await boot();
    const codes = await rt.run(function* (ctx) {
      const h = yield* new Open('x');
      yield* new Shut(h);
      const out: string[] = [];
      for (const bad of [h, { kind: 'box', id: 999 }, { kind: 'timer', id: h.id }, 'box#1', null]) {
        try {
          yield* new Peek(bad);
        } catch (e) {
          expect(e).toBeInstanceOf(NoSuchResourceError);
          expect((e as NoSuchResourceError).pid).toBe(ctx.pid);
          out.push((e as Error).message);
        }
      }
      return out;
    });
    expect(codes).toEqual([
      expect.stringMatching(/used box #1: it is closed or was never opened/),
      expect.stringMatching(/used box #999: it is closed/),
      expect.stringMatching(/used timer #1: a box handle is needed here/),
      expect.stringMatching(/"box#1" is not a resource handle/),
      expect.stringMatching(/null is not a resource handle/),
    ]);
    await rt.stop();
  });

  it('transfer(handle, pid) moves ownership: the new owner can use it, the old one cannot', async () => {
    const { rt, boxes } = await boot();
    const heir = rt.spawn(function* () {
      const { payload: h } = yield* receive<Handle>({ topic: 'gift' });
      const label = yield* new Peek(h);
      yield* receive({ topic: 'end' });
      return label;
    });
    const oldOwnerError = await rt.run(function* () {
      const h = yield* new Open('gift');
      yield* transfer(h, heir);
      rt.send(heir, 'gift', h);
      try {
        yield* new Peek(h);
        return 'no error';
      } catch (e) {
        return (e as NotOwnerError).code;
      }
    });
    expect(oldOwnerError).toBe('NOT_OWNER');
    // The old owner has exited: the gift was not disposed with it.
    expect(boxes.disposed).toEqual([]);
    rt.send(heir, 'end', null);
    expect(await rt.wait(heir)).toEqual({ kind: 'normal', value: 'gift' });
    expect(boxes.disposed.map((d) => d.label)).toEqual(['gift']);
    await rt.stop();
  });

  it('transfer of a handle the process does not own fails, and to a dead process too', async () => {
    const { rt } = await boot();
    const other = rt.spawn(function* () {
      yield* receive();
    });
    const out = await rt.run(function* () {
      const h = yield* new Open('x');
      const errs: string[] = [];
      try {
        yield* transfer({ kind: 'box', id: 42 }, other);
      } catch (e) {
        errs.push((e as Error & { code: string }).code);
      }
      try {
        yield* transfer(h, '{local|0x000ff}');
      } catch (e) {
        errs.push((e as Error & { code: string }).code);
      }
      return errs;
    });
    expect(out).toEqual(['NO_SUCH_RESOURCE', 'NO_SUCH_PROCESS']);
    await rt.stop();
  });

  it('disposes what a process owns when it ends, newest first, after its yield signal aborted', async () => {
    const { rt, boxes } = await boot();
    const pid = rt.spawn(function* () {
      yield* new Open('first');
      yield* new Open('second');
      yield* new Open('third');
      yield* receive();
    });
    await rt.whenIdle();
    expect(rt.stats().resources.byKind).toEqual({ box: 3 });
    rt.terminate(pid);
    expect(boxes.disposed.map((d) => d.label)).toEqual(['third', 'second', 'first']);
    expect(rt.stats().resources.live).toBe(0);
    await rt.stop();
  });

  it('closing one of several keeps the rest in order; a dispose that releases an older entry ends it undisposed', async () => {
    const { rt, boxes } = await boot();
    const pid = rt.spawn(function* () {
      yield* new Open('a');
      const b = yield* new Open('b');
      yield* new Open('c');
      yield* new Open('d');
      yield* new Shut(b);
      yield* receive();
    });
    await rt.whenIdle();
    expect(rt.stats().resources.live).toBe(3);
    rt.terminate(pid);
    expect(boxes.disposed.map((d) => d.label)).toEqual(['b', 'd', 'c', 'a']);
    expect(rt.stats().resources.live).toBe(0);

    const disposed: string[] = [];
    const pair = definePlugin({
      name: 'pair',
      commands: [281],
      setup: (ctx) => ({
        handlers: {
          281: (hctx, _cmd, tag, r) => {
            const older = ctx.resources.add(hctx.pid, 'pair', 'older', (v) => disposed.push(v));
            ctx.resources.add(hctx.pid, 'pair', 'newer', (v) => {
              disposed.push(v);
              ctx.resources.release(older);
            });
            r.completeYield(tag, undefined);
          },
        },
      }),
    });
    class Pair extends CommandBase<void> {
      readonly id = 281;
    }
    const rt2 = createRuntime({ plugins: [pair] });
    await rt2.start();
    await rt2.run(function* () {
      yield* new Pair();
    });
    expect(disposed).toEqual(['newer']);
    expect(rt2.stats().resources.live).toBe(0);
    await rt2.stop();
    await rt.stop();
  });

  it('a closed handle never reaches the resource that reuses its slot', async () => {
    const { rt } = await boot();
    const out = await rt.run(function* () {
      const first = yield* new Open('first');
      yield* new Shut(first);
      const second = yield* new Open('second');
      let stale: unknown;
      try {
        yield* new Peek(first);
      } catch (e) {
        stale = e;
      }
      return { first, second, stale, label: yield* new Peek(second) };
    });
    expect(out.second.id).not.toBe(out.first.id);
    expect(out.stale).toBeInstanceOf(NoSuchResourceError);
    expect((out.stale as Error).message).toMatch(/box #1: it is closed or was never opened/);
    expect(out.label).toBe('second');
    expect(rt.stats().resources.live).toBe(0);
    await rt.stop();
  });

  it('a dispose that throws is counted and reaches no other process', async () => {
    const { rt, boxes } = await boot({ throwOn: 'bad' });
    const bystander = rt.spawn(function* () {
      return (yield* receive<string>()).payload;
    });
    await rt.run(function* () {
      yield* new Open('good');
      yield* new Open('bad');
    });
    expect(rt.stats().resources.disposeErrors).toBe(1);
    expect(boxes.disposed.map((d) => d.label)).toEqual(['good']);
    rt.send(bystander, 't', 'fine');
    expect(await rt.wait(bystander)).toEqual({ kind: 'normal', value: 'fine' });
    await rt.stop();
  });

  it('add() for a process that already ended disposes the value and throws', async () => {
    let add: (() => unknown) | undefined;
    const late = definePlugin({
      name: 'late',
      commands: [280],
      setup: (ctx) => ({
        handlers: {
          280: (hctx, _cmd, tag, r) => {
            add = () => ctx.resources.add(hctx.pid, 'late', 1, () => disposed.push(1));
            r.completeYield(tag, undefined);
          },
        },
      }),
    });
    const disposed: number[] = [];
    const rt = createRuntime({ plugins: [late] });
    await rt.start();
    class Arm extends CommandBase<void> {
      readonly id = 280;
    }
    await rt.run(function* () {
      yield* new Arm();
    });
    expect(add).toThrow(/NO_SUCH_PROCESS|no live process/);
    expect(disposed).toEqual([1]);
    await rt.stop();
  });
});
