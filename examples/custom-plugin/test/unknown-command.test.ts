import { describe, expect, it } from 'vitest';
import { SwitchyardError, UnknownCommandError } from '@switchyard/dispatcher';
import type { ProcessContext } from '@switchyard/runtime';
import { clockPlugin, sleep } from '@switchyard/plugin-clock';
import { send, spawn } from '@switchyard/plugin-process';
import { createTestRuntime } from '@switchyard/testing';

describe('an app that installs only the plugins it uses', () => {
  it('boots with only the clock plugin', async () => {
    const t = await createTestRuntime({ plugins: [clockPlugin()] });
    try {
      expect(t.rt.commands().map((c) => c.plugin)).toEqual(['clock']);
      const done = t.rt.run(function* () {
        yield* sleep(10);
        return 'slept';
      });
      await t.advance(10);
      expect(await done).toBe('slept');
    } finally {
      await t.stop();
    }
  });

  it('a process command without the process plugin fails with UnknownCommandError, catchable inside the process', async () => {
    const t = await createTestRuntime({ plugins: [clockPlugin()] });
    try {
      const done = t.rt.run(function* (ctx: ProcessContext) {
        let caught: unknown;
        try {
          yield* send(ctx.pid, 'note', 'hello');
        } catch (e) {
          caught = e;
        }
        // The process goes on: other plugins still serve it.
        yield* sleep(5);
        return caught;
      });
      await t.advance(5);
      const err = await done;
      expect(err).toBeInstanceOf(UnknownCommandError);
      expect(err).toBeInstanceOf(SwitchyardError);
      expect((err as UnknownCommandError).code).toBe('UNKNOWN_COMMAND');
      expect((err as UnknownCommandError).commandId).toBe(1);
      expect((err as Error).message).toContain('command ID 1');
      expect(t.rt.stats().unknownCommands).toBe(1);
    } finally {
      await t.stop();
    }
  });

  it('left uncaught, the UnknownCommandError fails the process', async () => {
    const t = await createTestRuntime({ plugins: [clockPlugin()] });
    try {
      const err = await t.rt
        .run(function* () {
          yield* spawn(function* () {});
        })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(UnknownCommandError);
      expect((err as UnknownCommandError).commandId).toBe(2);
    } finally {
      await t.stop();
    }
  });
});
