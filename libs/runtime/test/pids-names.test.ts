import { describe, expect, it } from 'vitest';
import { type ProcessContext, BadPidError, createRuntime, NameTakenError, NoSuchNameError, parsePid, receive, register, unregister, whereis, formatPid } from '../src/index.js';

describe('PIDs', () => {
  it('parse and format round-trip; malformed PIDs throw BAD_PID naming the value', () => {
    expect(parsePid('{local|0x0002a}')).toEqual({ node: 'local', serial: 42 });
    expect(formatPid('alpha@k1', 0x123456)).toBe('{alpha@k1|0x123456}');
    // Five hex digits at least, whichever node was formatted last (the prefix of the last node is kept).
    const reference = (node: string, n: number) => `{${node}|0x${n.toString(16).padStart(5, '0')}}`;
    for (const n of [0, 1, 0xf, 0x10, 0xff, 0x100, 0xfff, 0x1000, 0xffff, 0x10000, 0xabcde, 0xfffff, 0x100000, 0x123456, 2 ** 52 - 1]) {
      for (const node of ['local', 'beta@x1', 'local']) expect(formatPid(node, n)).toBe(reference(node, n));
    }
    for (const bad of ['not-a-pid', '{local|42}', '{|0x00001}', '{local|0x0001}', 7, null]) {
      expect(() => parsePid(bad)).toThrow(BadPidError);
    }
    expect(() => parsePid('not-a-pid', 'send to')).toThrow('cannot send to: "not-a-pid" is not a PID');
  });

  it('a named node carries a boot incarnation, so a PID from before a restart never names a new process', async () => {
    const a = createRuntime({ node: 'alpha', incarnation: 'one' });
    const b = createRuntime({ node: 'alpha', incarnation: 'two' });
    await a.start();
    await b.start();
    const pa = a.spawn(function* () {
      yield* receive();
    });
    const pb = b.spawn(function* () {
      yield* receive();
    });
    expect(pa).toBe('{alpha@one|0x00001}');
    expect(pb).toBe('{alpha@two|0x00001}');
    // Sending b's PID to a: another node's PID, which the local relay cannot reach.
    expect(a.send(pb, 't', 1)).toBe(false);
    expect(createRuntime().node).toBe('local');
    expect(createRuntime({ node: 'beta' }).node).toMatch(/^beta@[0-9a-z]+$/);
    expect(() => createRuntime({ node: 'has space' })).toThrow(/node must be 1-64 letters/);
    await a.stop();
    await b.stop();
  });

  it('runtime calls refuse malformed PIDs with BAD_PID instead of a silent false', async () => {
    const rt = createRuntime();
    await rt.start();
    expect(() => rt.terminate('nope')).toThrow(BadPidError);
    expect(() => rt.cancel('{x}')).toThrow(BadPidError);
    await expect(rt.wait('garbage')).rejects.toThrow(BadPidError);
    // A well-formed PID of no live process is simply not alive.
    expect(rt.send('{local|0x000ff}', 't', 1)).toBe(false);
    expect(rt.terminate('{local|0x000ff}')).toBe(false);
    await rt.stop();
  });
});

describe('process names', () => {
  it('register, whereis, send by name, released at exit, NAME_TAKEN, NO_SUCH_NAME', async () => {
    const rt = createRuntime();
    await rt.start();
    const a = rt.spawn(function* () {
      return (yield* receive<string>()).payload;
    });
    rt.register('db', a);
    expect(rt.whereis('db')).toBe(a);
    const b = rt.spawn(function* () {
      yield* receive();
    });
    let taken: unknown;
    try {
      rt.register('db', b);
    } catch (e) {
      taken = e;
    }
    expect(taken).toBeInstanceOf(NameTakenError);
    expect((taken as NameTakenError).holder).toBe(a);
    expect((taken as Error).message).toBe(`the name "db" is already registered to ${a}`);
    expect(() => rt.send('dbb', 't', 1)).toThrow(NoSuchNameError);
    expect(() => rt.send('dbb', 't', 1)).toThrow('no process is registered as "dbb" (did you mean "db"?)');
    const done = rt.wait(a);
    rt.send('db', 't', 'hello');
    expect(await done).toEqual({ kind: 'normal', value: 'hello' });
    expect(rt.whereis('db')).toBeUndefined();
    rt.register('db', b);
    expect(rt.whereis('db')).toBe(b);
    expect(rt.stats().names).toBe(1);
    await rt.stop();
    expect(rt.stats().names).toBe(0);
  });

  it('commands register/unregister/whereis from a process; names are per runtime', async () => {
    const one = createRuntime();
    const two = createRuntime();
    await one.start();
    await two.start();
    const out = await one.run(function* (ctx) {
      yield* register('me');
      const found = yield* whereis('me');
      const dropped = yield* unregister('me');
      const again = yield* unregister('me');
      return { same: found === ctx.pid, dropped, again };
    });
    expect(out).toEqual({ same: true, dropped: true, again: false });
    one.spawnWith({ name: 'svc' }, function* () {
      yield* receive();
    });
    expect(one.whereis('svc')).toBeDefined();
    expect(two.whereis('svc')).toBeUndefined();
    expect(() => one.spawnWith({ name: 'svc' }, function* () {})).toThrow(NameTakenError);
    expect(() => register('{bad')).toThrow(/not starting with "\{"/);
    await one.stop();
    await two.stop();
  });

  it('processes registered by name at boot are spawned by name', async () => {
    const rt = createRuntime({
      processes: {
        'billing.worker': function* (_ctx: ProcessContext, amount: number) {
          return amount * 2;
        } as never,
      },
    });
    await rt.start();
    expect(await rt.run('billing.worker', 21)).toBe(42);
    expect(rt.processNames()).toEqual(['billing.worker']);
    expect(() => rt.spawn('billing.wroker')).toThrow('no process is registered as "billing.wroker" (did you mean "billing.worker"?)');
    await rt.stop();
  });
});
