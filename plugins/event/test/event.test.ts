import { afterEach, describe, expect, expectTypeOf, it } from 'vitest';
import { SwitchyardError } from '@switchyard/errors';
import type { Event } from '@switchyard/eventbus';
import { NoSuchResourceError, race, receive, type Message } from '@switchyard/runtime';
import { EventCommand, eventTopic, publish, subscribe, SubscribeCmd, unsubscribe, type SubscriptionHandle } from '../src/index.js';
import { attempt, failure, start, stopAll, turns, until } from './helpers.js';

afterEach(stopAll);

describe('event plugin', () => {
  it('commands have IDs 90–92 and typed results', () => {
    expect([subscribe('x').id, publish({ system: 's', kind: 'k', path: '' }).id, unsubscribe({ kind: 'subscription', id: 1 }).id]).toEqual([
      EventCommand.Subscribe,
      EventCommand.Send,
      EventCommand.Unsubscribe,
    ]);
    function* p() {
      const sub = yield* subscribe('x');
      expectTypeOf(sub).toEqualTypeOf<SubscriptionHandle>();
      expectTypeOf(yield* unsubscribe(sub)).toEqualTypeOf<void>();
    }
    expect(typeof p).toBe('function');
  });

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

  it('unsubscribes: the handle is gone afterwards (NO_SUCH_RESOURCE), and so is the bus subscription', async () => {
    const { rt, stats } = await start();
    const result = await rt.run(function* () {
      const sub = yield* subscribe('x');
      const live = stats().subscriptions;
      yield* unsubscribe(sub);
      return { sub, live, again: yield* attempt(unsubscribe(sub)) };
    });
    expect(result.sub).toEqual({ kind: 'subscription', id: expect.any(Number) });
    expect(result.live).toBe(1);
    expect(failure(result.again)).toBeInstanceOf(NoSuchResourceError);
    expect(stats().subscriptions).toBe(0);
    expect(rt.stats().resources.live).toBe(0);
    await until(() => rt.bus.stats().subscribers === 0);
  });

  it('a subscribe that loses a race is closed when the bus answers: nothing leaks', async () => {
    const { rt, stats } = await start();
    const pid = rt.spawn(function* () {
      const first = yield* race([subscribe('x'), receive<string>({ topic: 'go' })]);
      yield* receive({ topic: 'finish' });
      return first;
    });
    const exit = rt.wait(pid);
    // Already queued: receive wins at once, while the subscribe still waits for the bus loop.
    rt.send(pid, 'go', 'now');
    await turns();
    expect(stats().subscriptions).toBe(0);
    expect(rt.stats().resources.live).toBe(0);
    await until(() => rt.bus.stats().subscribers === 0);
    rt.send(pid, 'finish', null);
    const r = await exit;
    expect((r as { value: Message<string> }).value.payload).toBe('now');
    expect(rt.stats().lateCompletions).toBe(0);
  });
});

describe('bad arguments', () => {
  function thrown(fn: () => unknown): SwitchyardError {
    try {
      fn();
    } catch (e) {
      return e as SwitchyardError;
    }
    throw new Error('expected a throw');
  }

  it('the helpers throw coded errors naming what is wrong', () => {
    const sys = thrown(() => subscribe(42 as unknown as string));
    expect(sys).toBeInstanceOf(SwitchyardError);
    expect(sys.code).toBe('BAD_PATTERN');
    expect(sys.message).toBe('subscribe(): system must be a string, got 42');
    expect(thrown(() => subscribe('x', {} as unknown as string)).message).toBe('subscribe(): kind must be a string, got an object');
    const small = thrown(() => subscribe('x', undefined, { bufferSize: 1 }));
    expect(small.code).toBe('BAD_OPTION');
    expect(small.message).toBe('subscribe(): "bufferSize" must be an integer in 2..16777216, got 1');
    expect(thrown(() => subscribe('x', undefined, { overflow: 'drop' as 'block' })).message).toBe(
      'subscribe(): "overflow" must be one of "dropOldest", "dropNewest", "block", got "drop"',
    );
    expect(thrown(() => subscribe('x', undefined, { bufersize: 8 } as never)).message).toContain('"bufersize" is not an option (did you mean "bufferSize"?)');
    expect(thrown(() => subscribe('x', undefined, { topic: '' })).message).toBe('subscribe(): "topic" must be a non-empty string, got ""');
    const ev = thrown(() => publish({ system: 's', kind: 3 } as unknown as Event));
    expect(ev.code).toBe('INVALID_EVENT');
    expect(ev.message).toBe('event.kind must be a string, got 3');
    expect(thrown(() => publish(null as unknown as Event)).code).toBe('INVALID_ARGUMENT');
  });

  it('the handler checks a hand-built command again and fails the yield, leaving nothing behind', async () => {
    const { rt, stats } = await start();
    const r = await rt.run(function* () {
      return [
        yield* attempt(new SubscribeCmd(42 as unknown as string, undefined, {})),
        yield* attempt(new SubscribeCmd('x', undefined, { bufferSize: 0 })),
      ];
    });
    expect(failure(r[0]!).code).toBe('BAD_PATTERN');
    expect(failure(r[1]!).message).toContain('"bufferSize" must be an integer');
    expect(stats().subscriptions).toBe(0);
    expect(rt.bus.stats().subscribers).toBe(0);
  });
});
