import { describe, expect, it } from 'vitest';
import { createRuntime, definePlugin, receive, MailboxFullError, EVENTS_TOPIC, type PluginContext } from '../src/index.js';

async function started(options: Parameters<typeof createRuntime>[0] = {}) {
  const rt = createRuntime(options);
  await rt.start();
  return rt;
}

function* parked() {
  yield* receive({ topic: 'never' });
}

describe('bounded mailboxes', () => {
  it('error policy: a send to a full mailbox fails with MAILBOX_FULL naming the target, counted', async () => {
    const rt = await started({ mailbox: { capacity: 3 } });
    const pid = rt.spawn(parked);
    for (let i = 0; i < 3; i++) rt.send(pid, 't', i);
    let error: unknown;
    try {
      rt.send(pid, 't', 3);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(MailboxFullError);
    expect((error as MailboxFullError).pid).toBe(pid);
    expect((error as Error).message).toContain(`the mailbox of ${pid} is full (3 messages)`);
    expect(rt.stats().mailbox).toEqual({ refused: 1, dropped: 0 });
    await rt.stop();
  });

  it('dropOldest keeps the newest and counts the drops; dropNewest keeps the oldest', async () => {
    const rt = await started();
    const reader = (n: number) =>
      function* () {
        yield* receive({ topic: 'go' });
        const got: unknown[] = [];
        for (let i = 0; i < n; i++) got.push((yield* receive({ topic: 't' })).payload);
        return got;
      };
    const a = rt.spawnWith({ mailbox: { capacity: 3, overflow: 'dropOldest' } }, reader(2));
    const b = rt.spawnWith({ mailbox: { capacity: 3, overflow: 'dropNewest' } }, reader(2));
    await rt.whenIdle();
    for (let i = 0; i < 10; i++) {
      rt.send(a, 't', i);
      rt.send(b, 't', i);
    }
    // "go" goes straight to the waiting receive: it takes no room in the mailbox.
    const done = Promise.all([rt.wait(a), rt.wait(b)]);
    rt.send(a, 'go', null);
    rt.send(b, 'go', null);
    expect(await done).toEqual([
      { kind: 'normal', value: [7, 8] },
      { kind: 'normal', value: [0, 1] },
    ]);
    expect(rt.stats().mailbox.dropped).toBe(7 + 7);
    await rt.stop();
  });

  it('system messages are never dropped or refused', async () => {
    const rt = await started({ mailbox: { capacity: 1, overflow: 'dropNewest' } });
    const watcher = rt.spawn(function* () {
      yield* receive({ topic: 'start' });
      const exits: string[] = [];
      for (let i = 0; i < 5; i++) exits.push((yield* receive<{ type: string }>({ topic: EVENTS_TOPIC })).payload.type);
      return { exits, filler: (yield* receive()).payload };
    });
    await rt.whenIdle();
    rt.send(watcher, 'filler', 'kept');
    rt.send(watcher, 'filler', 'dropped');
    const targets = Array.from({ length: 5 }, () => rt.spawn(parked));
    for (const t of targets) rt.monitor(watcher, t);
    for (const t of targets) rt.terminate(t);
    rt.send(watcher, 'start', null);
    expect(await rt.wait(watcher)).toEqual({ kind: 'normal', value: { exits: Array(5).fill('pid.exit'), filler: 'kept' } });
    expect(rt.stats().mailbox.dropped).toBe(1);
    await rt.stop();
  });

  it('selective receive takes the oldest of its topic and keeps arrival order for a plain receive', async () => {
    const rt = await started();
    const pid = rt.spawn(function* () {
      yield* receive({ topic: 'go' });
      const b1 = (yield* receive({ topic: 'b' })).payload;
      const rest: unknown[] = [];
      for (let i = 0; i < 4; i++) rest.push((yield* receive()).payload);
      return [b1, rest];
    });
    await rt.whenIdle();
    for (const [t, v] of [['a', 1], ['b', 2], ['a', 3], ['b', 4], ['c', 5]] as const) rt.send(pid, t, v);
    rt.send(pid, 'go', null);
    expect(await rt.wait(pid)).toEqual({ kind: 'normal', value: [2, [1, 3, 4, 5]] });
    await rt.stop();
  });

  it('keeps arrival and topic order when selective receives start after plain ones (index built late)', async () => {
    const rt = await started({ mailbox: { capacity: 6, overflow: 'dropOldest' } });
    const pid = rt.spawn(function* () {
      yield* receive({ topic: 'go' });
      const got: unknown[] = [];
      // Plain receives first: the topic index does not exist yet.
      for (let i = 0; i < 2; i++) got.push((yield* receive()).payload);
      // First selective receive: the index is built over what waits.
      got.push((yield* receive({ topic: 'b' })).payload);
      got.push((yield* receive({ topic: 'b' })).payload);
      yield* receive({ topic: 'go' });
      for (let i = 0; i < 6; i++) got.push((yield* receive()).payload);
      return got;
    });
    await rt.whenIdle();
    for (const [t, v] of [['a', 1], ['b', 2], ['a', 3], ['b', 4], ['c', 5], ['b', 6]] as const) rt.send(pid, t, v);
    rt.send(pid, 'go', null);
    await rt.whenIdle();
    // Waiting: a3, c5; the index now exists. Fill past capacity: dropOldest evicts a3 and c5 in order.
    for (const [t, v] of [['a', 7], ['c', 8], ['b', 9], ['a', 10], ['b', 11], ['c', 12]] as const) rt.send(pid, t, v);
    rt.send(pid, 'go', null);
    expect(await rt.wait(pid)).toEqual({ kind: 'normal', value: [1, 2, 4, 6, 7, 8, 9, 10, 11, 12] });
    expect(rt.stats().mailbox.dropped).toBe(2);
    await rt.stop();
  });

  it('a backlog of 200k messages drains by topic with no scan of unrelated ones', async () => {
    const rt = await started({ mailbox: { capacity: Infinity } });
    const n = 100_000;
    const pid = rt.spawn(function* () {
      yield* receive({ topic: 'go' });
      let sum = 0;
      for (let i = 0; i < n; i++) sum += (yield* receive<number>({ topic: 'wanted' })).payload;
      let other = 0;
      for (let i = 0; i < n; i++) other += (yield* receive<number>()).payload;
      return [sum, other];
    });
    await rt.whenIdle();
    for (let i = 0; i < n; i++) {
      rt.send(pid, 'noise', 1);
      rt.send(pid, 'wanted', 2);
    }
    rt.send(pid, 'go', null);
    expect(await rt.wait(pid)).toEqual({ kind: 'normal', value: [2 * n, n] });
    await rt.stop();
  });

  it('refuses bad mailbox options naming the option', () => {
    expect(() => createRuntime({ mailbox: { capacity: 0 } })).toThrow(/mailbox: "capacity" must be an integer in 1\.\./);
    expect(() => createRuntime({ mailbox: { overflow: 'drop' as never } })).toThrow(/"overflow" must be one of "error", "dropOldest", "dropNewest", got "drop"/);
  });
});

describe('plugin delivery with credit', () => {
  it('deliver() reports full / dropped / noproc, and onTaken tells when a message was read or discarded', async () => {
    let plugin!: PluginContext;
    const rt = await started({ plugins: [definePlugin({ name: 'feeder', commands: [290], setup: (ctx) => void (plugin = ctx) })] });
    const pid = rt.spawnWith({ mailbox: { capacity: 2 } }, function* () {
      yield* receive({ topic: 'go' });
      yield* receive({ topic: 'feed' });
      yield* receive({ topic: 'never' });
    });
    await rt.whenIdle();
    const taken: string[] = [];
    const on = (label: string) => (t: boolean) => taken.push(`${label}:${t}`);
    expect(plugin.deliver(pid, 'feed', 1, on('one'))).toBe('delivered');
    expect(plugin.deliver(pid, 'feed', 2, on('two'))).toBe('delivered');
    expect(plugin.deliver(pid, 'feed', 3, on('three'))).toBe('full');
    expect(taken).toEqual([]);
    rt.send(pid, 'go', null);
    await rt.whenIdle();
    expect(taken).toEqual(['one:true']);
    rt.terminate(pid);
    expect(taken).toEqual(['one:true', 'two:false']);
    expect(plugin.deliver(pid, 'feed', 4, on('four'))).toBe('noproc');
    expect(taken).toEqual(['one:true', 'two:false', 'four:false']);
    await rt.stop();
  });
});
