import { afterEach, describe, expect, it } from 'vitest';
import type { Event } from '@switchyard/eventbus';
import { createRuntime, receive, type Runtime } from '@switchyard/runtime';
import { eventPlugin, eventTopic, publish, subscribe, unsubscribe } from '../src/index.js';

let rt: Runtime | undefined;
afterEach(async () => {
  await rt?.stop();
  rt = undefined;
});

async function start() {
  const plugin = eventPlugin();
  rt = createRuntime({ plugins: [plugin] });
  await rt.start();
  return { rt, plugin };
}

const until = async (cond: () => boolean) => {
  for (let i = 0; i < 200 && !cond(); i++) await new Promise((r) => setTimeout(r, 2));
  expect(cond()).toBe(true);
};

describe('event plugin', () => {
  it('delivers matching bus events as messages on the chosen topic, in order', async () => {
    const { rt } = await start();
    const pid = rt.spawn(function* () {
      yield* subscribe('svc.*', 'up', { topic: 'ups' });
      const got: string[] = [];
      for (let i = 0; i < 2; i++) got.push((yield* receive<Event>({ topic: 'ups' })).payload.path);
      return got;
    });
    await until(() => rt.bus.stats().subscribers === 1);
    rt.bus.send({ system: 'svc.a', kind: 'up', path: '1' });
    rt.bus.send({ system: 'svc.a', kind: 'down', path: 'not this kind' });
    rt.bus.send({ system: 'other', kind: 'up', path: 'not this system' });
    rt.bus.send({ system: 'svc.b', kind: 'up', path: '2' });
    expect(await rt.wait(pid)).toEqual({ kind: 'normal', value: ['1', '2'] });
  });

  it('uses the bus pattern rules (** and alternation)', async () => {
    const { rt } = await start();
    const pid = rt.spawn(function* () {
      yield* subscribe('a.**.(x|y)');
      const got: string[] = [];
      for (let i = 0; i < 3; i++) got.push((yield* receive<Event>({ topic: eventTopic('a.**.(x|y)') })).payload.system);
      return got;
    });
    await until(() => rt.bus.stats().subscribers === 1);
    for (const system of ['a.x', 'a.z', 'a.b.c.y', 'b.x', 'a.q.x']) rt.bus.send({ system, kind: 'k', path: '' });
    expect(await rt.wait(pid)).toEqual({ kind: 'normal', value: ['a.x', 'a.b.c.y', 'a.q.x'] });
  });

  it('publishes from a process', async () => {
    const { rt } = await start();
    const listener = rt.spawn(function* () {
      yield* subscribe('orders', 'created', { topic: 'o' });
      return (yield* receive<Event>({ topic: 'o' })).payload;
    });
    const exited = rt.wait(listener);
    await until(() => rt.bus.stats().subscribers === 1);
    await rt.run(function* () {
      yield* publish({ system: 'orders', kind: 'created', path: 'order/7', data: { total: 3 } });
    });
    expect(await exited).toEqual({ kind: 'normal', value: { system: 'orders', kind: 'created', path: 'order/7', data: { total: 3 } } });
  });

  it('publishes process lifecycle events: spawn and exit with the reason', async () => {
    const { rt } = await start();
    const watcher = rt.spawn(function* () {
      yield* subscribe('process', '(spawn|exit)', { topic: 'life' });
      const seen: unknown[] = [];
      for (let i = 0; i < 2; i++) {
        const e = (yield* receive<Event>({ topic: 'life' })).payload;
        seen.push([e.kind, e.path, e.data]);
      }
      return seen;
    });
    await until(() => rt.bus.stats().subscribers === 1);
    const child = rt.spawn(function* () {
      return 7;
    });
    expect(await rt.wait(watcher)).toEqual({
      kind: 'normal',
      value: [
        ['spawn', child, undefined],
        ['exit', child, { reason: { kind: 'normal', value: 7 } }],
      ],
    });
  });

  it('ends the subscription when the process exits, leaving nothing behind', async () => {
    const { rt, plugin } = await start();
    const pid = rt.spawn(function* () {
      yield* subscribe('x');
      yield* receive({ topic: 'never' });
    });
    await until(() => plugin.activeSubscriptions() === 1);
    expect(rt.bus.stats().subscribers).toBe(1);
    rt.terminate(pid);
    expect(plugin.activeSubscriptions()).toBe(0);
    await until(() => rt.bus.stats().subscribers === 0);
  });

  it('unsubscribes', async () => {
    const { rt, plugin } = await start();
    const result = await rt.run(function* () {
      const id = yield* subscribe('x');
      return [yield* unsubscribe(id), yield* unsubscribe(id)];
    });
    expect(result).toEqual([true, false]);
    expect(plugin.activeSubscriptions()).toBe(0);
  });

  it('fails the yield for a bad pattern argument', async () => {
    const { rt } = await start();
    await expect(rt.run(function* () {
      yield { id: 90, system: 42, kind: undefined, options: {} } as never;
    })).rejects.toThrow(/system/);
    expect(() => subscribe(42 as unknown as string)).toThrow(TypeError);
  });
});
