import { afterEach, describe, expect, it } from 'vitest';
import type { Event } from '@switchyard/eventbus';
import { NotOwnerError, receive, transfer, type Pid } from '@switchyard/runtime';
import { eventPlugin, subscribe, unsubscribe, type SubscriptionHandle } from '../src/index.js';
import { attempt, eventStats, failure, start, stopAll, until, type Outcome } from './helpers.js';

afterEach(stopAll);

describe('subscription ownership', () => {
  it('another process holding a copy of the handle cannot unsubscribe it: NOT_OWNER, and events still arrive', async () => {
    const { rt, stats } = await start();
    let sub: SubscriptionHandle | undefined;
    const owner = rt.spawn(function* () {
      sub = yield* subscribe('x', undefined, { topic: 'x' });
      return (yield* receive<Event>({ topic: 'x' })).payload.path;
    });
    const ownerExit = rt.wait(owner);
    await until(() => stats().subscriptions === 1);
    const r = await rt.run(function* () {
      return yield* attempt(unsubscribe({ kind: 'subscription', id: sub!.id }));
    });
    const err = failure(r) as NotOwnerError;
    expect(err).toBeInstanceOf(NotOwnerError);
    expect(err.code).toBe('NOT_OWNER');
    expect(err.owner).toBe(owner);
    expect(stats().subscriptions).toBe(1);
    rt.bus.send({ system: 'x', kind: 'k', path: 'still here' });
    expect(await ownerExit).toEqual({ kind: 'normal', value: 'still here' });
  });

  it('after transfer the new owner gets the events and can unsubscribe; the old owner cannot', async () => {
    const { rt, stats } = await start();
    const heir = rt.spawn(function* () {
      const { payload: sub } = yield* receive<SubscriptionHandle>({ topic: 'sub' });
      const got: string[] = [];
      for (let i = 0; i < 2; i++) got.push((yield* receive<Event>({ topic: 'x' })).payload.path);
      yield* unsubscribe(sub);
      return got;
    });
    const heirExit = rt.wait(heir);
    let transferred = false;
    const old = rt.spawn(function* () {
      const sub = yield* subscribe('x', undefined, { topic: 'x' });
      yield* transfer(sub, heir);
      const refused = yield* attempt(unsubscribe(sub));
      transferred = true;
      const { payload: done } = yield* receive<string>({ topic: 'done' });
      return { sub, refused, done };
    });
    const oldExit = rt.wait(old);
    await until(() => transferred);
    rt.bus.send({ system: 'x', kind: 'k', path: 'a' });
    rt.bus.send({ system: 'x', kind: 'k', path: 'b' });
    // The old owner gets none of them: it ends with only its 'done' message read.
    rt.send(old, 'done', 'ok');
    const o = await oldExit;
    const value = (o as { value: { sub: SubscriptionHandle; refused: Outcome<void> } }).value;
    const err = failure(value.refused) as NotOwnerError;
    expect(err).toBeInstanceOf(NotOwnerError);
    expect(err.owner).toBe(heir);
    rt.send(heir, 'sub', value.sub);
    expect(await heirExit).toEqual({ kind: 'normal', value: ['a', 'b'] });
    expect(stats().subscriptions).toBe(0);
    expect(rt.stats().resources.live).toBe(0);
    await until(() => rt.bus.stats().subscribers === 0);
  });

  it('the owner exiting ends every subscription it owns, on the bus too', async () => {
    const { rt, stats } = await start();
    const pid = rt.spawn(function* () {
      yield* subscribe('x');
      yield* subscribe('y', 'k', { overflow: 'block', bufferSize: 4 });
      yield* receive({ topic: 'never' });
    });
    await until(() => stats().subscriptions === 2);
    expect(rt.stats().resources.byKind).toEqual({ subscription: 2 });
    expect(rt.bus.stats().subscribers).toBe(2);
    rt.terminate(pid);
    expect(stats().subscriptions).toBe(0);
    expect(rt.stats().resources.live).toBe(0);
    await until(() => rt.bus.stats().subscribers === 0);
  });
});

describe('one event plugin value installed in two runtimes', () => {
  it('keeps separate state: stopping one leaves the other subscribed; stats are per runtime', async () => {
    const plugin = eventPlugin();
    const a = await start(plugin);
    const b = await start(plugin);
    function* listen(_ctx: unknown, n: number) {
      yield* subscribe('x', undefined, { topic: 'x' });
      const got: string[] = [];
      for (let i = 0; i < n; i++) got.push((yield* receive<Event>({ topic: 'x' })).payload.path);
      return got;
    }
    a.rt.spawn(listen, 10);
    a.rt.spawn(listen, 10);
    const bPid: Pid = b.rt.spawn(listen, 2);
    const bExit = b.rt.wait(bPid);
    await until(() => a.stats().subscriptions === 2 && b.stats().subscriptions === 1);
    a.rt.bus.send({ system: 'x', kind: 'k', path: 'a1' });
    b.rt.bus.send({ system: 'x', kind: 'k', path: 'b1' });
    await until(() => a.stats().delivered === 2 && b.stats().delivered === 1);
    await a.rt.stop();
    expect(eventStats(a.rt)).toMatchObject({ subscriptions: 0, delivered: 2 });
    expect(b.stats().subscriptions).toBe(1);
    b.rt.bus.send({ system: 'x', kind: 'k', path: 'b2' });
    expect(await bExit).toEqual({ kind: 'normal', value: ['b1', 'b2'] });
    expect(b.stats()).toMatchObject({ subscriptions: 0, delivered: 2 });
  });
});
