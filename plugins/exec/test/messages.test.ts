import { describe, expect, it } from 'vitest';
import { receive, type Message } from '@switchyard/runtime';
import { sleep } from '@switchyard/plugin-clock';
import { DEFAULT_EXIT_TOPIC, start, wait, type ChildExit, type OutputLine } from '../src/index.js';
import { node, realRuntime } from './helpers.js';

describe('messages to the owner', () => {
  it('the owner gets an exit message on the topic it chose', async () => {
    await using t = await realRuntime();
    const got = await t.rt.run(function* () {
      const a = yield* start(node, ['-e', 'process.exit(4)'], { exitTopic: 'svc.exit' });
      const b = yield* start(node, ['-e', '']);
      const first = yield* receive<ChildExit>({ topic: 'svc.exit' });
      const second = yield* receive<ChildExit>({ topic: DEFAULT_EXIT_TOPIC });
      return { a: a.child, b: b.child, first: first.payload, second: second.payload };
    });
    expect(got.first).toMatchObject({ child: got.a, code: 4 });
    expect(got.second).toMatchObject({ child: got.b, code: 0 });
  });

  it('exitTopic: null sends none', async () => {
    await using t = await realRuntime();
    const got = await t.rt.run(function* () {
      const c = yield* start(node, ['-e', ''], { exitTopic: null });
      yield* wait(c);
      yield* sleep(50);
      try {
        return yield* receive({ timeout: 0 });
      } catch {
        return 'nothing';
      }
    });
    expect(got).toBe('nothing');
  });

  it('delivers output line by line, in order, per stream, including a last line without newline', async () => {
    await using t = await realRuntime();
    const script = "process.stdout.write('one\\ntw'); setTimeout(() => { process.stdout.write('o\\r\\nthree'); console.error('err line'); }, 20)";
    const lines = await t.rt.run(function* () {
      const c = yield* start(node, ['-e', script], { stdout: { lines: 'out' }, stderr: { lines: 'err' } });
      yield* wait(c);
      const out: Message<OutputLine>[] = [];
      for (let i = 0; i < 3; i++) out.push(yield* receive<OutputLine>({ topic: 'out' }));
      out.push(yield* receive<OutputLine>({ topic: 'err' }));
      return out.map((m) => `${m.payload.stream}:${m.payload.line}`);
    });
    expect(lines).toEqual(['stdout:one', 'stdout:two', 'stdout:three', 'stderr:err line']);
  });
});
