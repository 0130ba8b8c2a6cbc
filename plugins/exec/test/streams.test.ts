import { describe, expect, it } from 'vitest';
import { createRuntime, definePlugin, type ResourceTable } from '@switchyard/runtime';
import { clockPlugin } from '@switchyard/plugin-clock';
import { processPlugin } from '@switchyard/plugin-process';
import { close, lines, readAll, streamPlugin, write } from '@switchyard/plugin-stream';
import { execPlugin, run, start, wait } from '../src/index.js';
import { node } from './helpers.js';

async function withStreams() {
  let resources: ResourceTable | undefined;
  const probe = definePlugin({ name: 'probe', commands: [900], setup: (ctx) => void (resources = ctx.resources) });
  const rt = createRuntime({ plugins: [processPlugin(), clockPlugin(), streamPlugin(), execPlugin({ grace: 300 }), probe], stopTimeoutMs: 3000 });
  await rt.start();
  return { rt, resources: resources!, [Symbol.asyncDispose]: () => rt.stop() };
}

const UPPER = "process.stdin.on('data', (d) => process.stdout.write(d.toString().toUpperCase())); process.stdin.on('end', () => console.error('bye'))";

describe("'stream' pipes", () => {
  it('hands stdin, stdout and stderr over as stream handles owned by the starting process', async () => {
    await using t = await withStreams();
    const out = await t.rt.run(function* () {
      const c = yield* start(node, ['-e', UPPER], { stdin: 'stream', stdout: 'stream', stderr: 'stream' });
      const { stdin, stdout, stderr } = c.pipes!;
      yield* write(stdin!, 'hello\nworld\n');
      yield* close(stdin!);
      const got = yield* lines(stdout!);
      const err = Buffer.from(yield* readAll(stderr!)).toString();
      const exit = yield* wait(c);
      return { got, err, code: exit.code };
    });
    expect(out).toEqual({ got: ['HELLO', 'WORLD'], err: 'bye\n', code: 0 });
    expect(t.resources.count('stream')).toBe(0);
  });

  it('frees unread pipes with their owner, and refuses them for run()', async () => {
    await using t = await withStreams();
    const pid = t.rt.spawn(function* () {
      const c = yield* start(node, ['-e', "process.stdout.write('x'.repeat(1e6))"], { stdout: 'stream' });
      return c.pipes!.stdout!;
    });
    const exit = await t.rt.wait(pid);
    expect(exit.kind).toBe('normal');
    expect(t.resources.count('stream')).toBe(0);
    await expect(t.rt.run(function* () {
      return yield* run(node, ['-e', ''], { stdout: 'stream' });
    })).rejects.toMatchObject({ code: 'BAD_EXEC_OPTION', message: expect.stringContaining("'stream' pipes are for start()") });
  });
});
