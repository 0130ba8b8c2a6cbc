import { describe, expect, it } from 'vitest';
import { receive, type Message, type Pid } from '@switchyard/runtime';
import { start, wait, writeStdin, type ChildExit, type ChildInfo, type OutputLine } from '../src/index.js';
import { node, osAlive, realRuntime } from './helpers.js';

/** Prints `n` numbered lines of ~100 bytes once it reads anything on stdin, then exits. */
const printer = (n: number) =>
  `process.stdin.once('data', () => { for (let i = 0; i < ${n}; i++) console.log(i + ' ' + 'x'.repeat(100)); process.stdin.destroy(); })`;

async function until(check: () => boolean, withinMs = 10_000): Promise<void> {
  const end = Date.now() + withinMs;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Reads lines on "out" until the exit message, returning the line numbers in arrival order. */
function* readAll() {
  const numbers: number[] = [];
  for (;;) {
    const m: Message<OutputLine | ChildExit> = yield* receive<OutputLine | ChildExit>();
    if (m.topic === 'exit') return { numbers, exit: m.payload as ChildExit };
    if (m.topic === 'out') numbers.push(Number((m.payload as OutputLine).line.split(' ')[0]));
  }
}

describe('line messages respect the owner (back-pressure)', () => {
  it('an owner that does not read pauses the child; nothing is lost when it reads', async () => {
    await using t = await realRuntime(300, { maxUnread: 8 });
    const N = 3000;
    let child: ChildInfo | undefined;
    let owner: Pid = '';
    const done = new Promise<{ numbers: number[]; exit: ChildExit }>((resolve) => {
      owner = t.rt.spawn(function* () {
        const c = yield* start(node, ['-e', printer(N)], { stdin: 'pipe', stdout: { lines: 'out' }, exitTopic: 'exit' });
        child = c;
        yield* writeStdin(c, 'go\n');
        yield* receive({ topic: 'read now' });
        resolve(yield* readAll());
      });
    });
    // ~300 KB of output against a 64 KB pipe: the child cannot finish while its output is not read.
    await until(() => t.stats().paused === 1);
    expect(osAlive(child!.osPid)).toBe(true);
    expect(t.stats()).toMatchObject({ running: 1, delivered: 8, dropped: 0 });
    t.rt.send(owner, 'read now', null);
    const got = await done;
    expect(got.numbers).toEqual(Array.from({ length: N }, (_, i) => i));
    expect(got.exit).toMatchObject({ code: 0 });
    expect(t.stats()).toMatchObject({ paused: 0, dropped: 0, delivered: N + 1, running: 0 });
  });

  it('a full mailbox (policy "error") delays lines and the exit message; they arrive in order once there is room', async () => {
    await using t = await realRuntime();
    const N = 50;
    const got = await new Promise<{ noise: number[]; numbers: number[]; exit: ChildExit }>((resolve) => {
      const pid = t.rt.spawnWith({ mailbox: { capacity: 3, overflow: 'error' } }, function* () {
        const c = yield* start(node, ['-e', printer(N)], { stdin: 'pipe', stdout: { lines: 'out' }, exitTopic: 'exit' });
        // Other senders fill the mailbox before the child prints anything.
        for (let i = 0; i < 3; i++) t.rt.send(pid, 'noise', i);
        yield* writeStdin(c, 'go\n');
        yield* wait(c);
        const noise: number[] = [];
        for (let i = 0; i < 3; i++) noise.push((yield* receive<number>({ topic: 'noise' })).payload);
        resolve({ noise, ...(yield* readAll()) });
      });
    });
    expect(got.noise).toEqual([0, 1, 2]);
    expect(got.numbers).toEqual(Array.from({ length: N }, (_, i) => i));
    expect(got.exit.code).toBe(0);
    expect(t.stats().refused).toBeGreaterThan(0);
    expect(t.stats()).toMatchObject({ dropped: 0, delivered: N + 1 });
  });

  it('lines the mailbox policy drops are counted, never blocking the child', async () => {
    await using t = await realRuntime();
    const N = 40;
    const got = await new Promise<number[]>((resolve) => {
      t.rt.spawnWith({ mailbox: { capacity: 5, overflow: 'dropOldest' } }, function* () {
        const c = yield* start(node, ['-e', printer(N)], { stdin: 'pipe', stdout: { lines: 'out' }, exitTopic: null });
        yield* writeStdin(c, 'go\n');
        yield* wait(c);
        const numbers: number[] = [];
        for (let i = 0; i < 5; i++) numbers.push(Number((yield* receive<OutputLine>({ topic: 'out' })).payload.line.split(' ')[0]));
        resolve(numbers);
      });
    });
    expect(got).toEqual([35, 36, 37, 38, 39]);
    expect(t.stats()).toMatchObject({ delivered: N, dropped: N - 5 });
  });
});
