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

  it('capacity counts waiting messages, not the gaps selective receives leave (across chunks of storage)', async () => {
    const rt = await started({ mailbox: { capacity: 3000, overflow: 'error' } });
    const pid = rt.spawn(function* () {
      yield* receive({ topic: 'go' });
      // Take the 2000 'b's from between the 'a's: 2000 gaps in the storage, 1000 messages left.
      for (let i = 0; i < 2000; i++) yield* receive({ topic: 'b' });
      yield* receive({ topic: 'go' });
      const got: unknown[] = [];
      for (let i = 0; i < 3000; i++) got.push((yield* receive()).payload);
      return got;
    });
    await rt.whenIdle();
    for (let i = 0; i < 3000; i++) rt.send(pid, i % 3 === 0 ? 'a' : 'b', i);
    expect(() => rt.send(pid, 'a', 'one too many')).toThrow(MailboxFullError);
    rt.send(pid, 'go', null);
    await rt.whenIdle();
    // Room for exactly 2000 more, whatever gaps remain.
    for (let i = 3000; i < 5000; i++) rt.send(pid, 'c', i);
    expect(() => rt.send(pid, 'c', 'one too many')).toThrow(MailboxFullError);
    rt.send(pid, 'go', null);
    const as = Array.from({ length: 1000 }, (_, k) => 3 * k);
    const cs = Array.from({ length: 2000 }, (_, k) => 3000 + k);
    expect(await rt.wait(pid)).toEqual({ kind: 'normal', value: [...as, ...cs] });
    expect(rt.stats().mailbox.refused).toBe(2);
    await rt.stop();
  });

  it('dropOldest over a backlog with gaps drops the oldest waiting message, never a system one', async () => {
    const rt = await started({ mailbox: { capacity: 2000, overflow: 'dropOldest' } });
    const target = rt.spawn(parked);
    const pid = rt.spawn(function* () {
      yield* receive({ topic: 'go' });
      for (let i = 0; i < 1000; i++) yield* receive({ topic: 'b' });
      yield* receive({ topic: 'go' });
      const got: unknown[] = [];
      for (let i = 0; i < 2001; i++) got.push((yield* receive()).payload);
      return got;
    });
    await rt.whenIdle();
    rt.monitor(pid, target);
    rt.terminate(target);
    // The pid.exit waits first; then 'a'/'b' alternate.
    for (let i = 0; i < 2000; i++) rt.send(pid, i % 2 === 0 ? 'a' : 'b', i);
    expect(rt.stats().mailbox.dropped).toBe(0);
    rt.send(pid, 'go', null);
    await rt.whenIdle();
    // 1000 'a's wait, with a gap after each; 1000 more evict nothing, the next 10 evict a0..a18.
    for (let i = 2000; i < 3010; i++) rt.send(pid, 'c', i);
    rt.send(pid, 'go', null);
    const exit = await rt.wait(pid);
    const as = Array.from({ length: 1000 }, (_, k) => 2 * k).slice(10);
    const cs = Array.from({ length: 1010 }, (_, k) => 2000 + k);
    expect(exit.kind).toBe('normal');
    const got = (exit as { value: unknown[] }).value;
    expect((got[0] as { type: string }).type).toBe('pid.exit');
    expect(got.slice(1)).toEqual([...as, ...cs]);
    expect(rt.stats().mailbox.dropped).toBe(10);
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

  it('a process that ends with a backlog reports every tracked message not taken, once, across chunks and gaps', async () => {
    let plugin!: PluginContext;
    const rt = await started({ plugins: [definePlugin({ name: 'feeder', commands: [290], setup: (ctx) => void (plugin = ctx) })] });
    const pid = rt.spawnWith({ mailbox: { capacity: Infinity } }, function* () {
      yield* receive({ topic: 'go' });
      for (let i = 0; i < 1500; i++) yield* receive({ topic: 'odd' });
      yield* receive({ topic: 'never' });
    });
    await rt.whenIdle();
    const reports = new Map<number, boolean[]>();
    for (let i = 0; i < 5000; i++) {
      // Every third message from a process send (no credit), the rest tracked plugin deliveries.
      if (i % 3 === 2) rt.send(pid, i % 2 ? 'odd' : 'even', i);
      else expect(plugin.deliver(pid, i % 2 ? 'odd' : 'even', i, (t) => reports.set(i, [...(reports.get(i) ?? []), t]))).toBe('delivered');
    }
    rt.send(pid, 'go', null);
    await rt.whenIdle();
    rt.terminate(pid);
    const odd = Array.from({ length: 5000 }, (_, i) => i).filter((i) => i % 2 === 1);
    const takenOdd = new Set(odd.slice(0, 1500));
    for (let i = 0; i < 5000; i++) {
      if (i % 3 === 2) expect(reports.has(i)).toBe(false);
      else expect(reports.get(i)).toEqual([takenOdd.has(i)]);
    }
    await rt.stop();
  });
});
