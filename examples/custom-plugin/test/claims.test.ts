import { describe, expect, it } from 'vitest';
import { CommandCollisionError, SystemRangeError } from '@switchyard/dispatcher';
import { createRuntime, definePlugin, RuntimeStateError, type Plugin } from '@switchyard/runtime';
import { clockPlugin } from '@switchyard/plugin-clock';
import { createVirtualClock } from '@switchyard/testing';
import { greeterPlugin } from '../src/index.js';

/** A custom plugin that records whether its setup, start and stop ran. */
function tracked(name: string, commands: { first: number; last: number }, log: string[]): Plugin {
  return definePlugin({
    name,
    commands,
    setup: () => {
      log.push(`setup ${name}`);
      return { start: () => void log.push(`start ${name}`), stop: () => void log.push(`stop ${name}`) };
    },
  });
}

describe('command ID claims of custom plugins', () => {
  it('a custom plugin claiming a clock ID is refused at once, pointing to 256 and up', () => {
    let caught: unknown;
    try {
      definePlugin({ name: 'mytimer', commands: [12], handlers: { 12: () => {} } });
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(SystemRangeError);
    expect((caught as SystemRangeError).code).toBe('SYSTEM_RANGE');
    expect((caught as Error).message).toContain('"mytimer"');
    expect((caught as Error).message).toContain('command ID 12');
    expect((caught as Error).message).toContain('custom plugins use IDs 256 and up');
  });

  it('the same refusal at start() for a plugin object not made by definePlugin, whether or not clock is installed', async () => {
    for (const withClock of [false, true]) {
      const log: string[] = [];
      const rogue: Plugin = Object.freeze({ name: 'mytimer', commands: { first: 10, last: 12 }, dependsOn: [], setup: () => void log.push('setup mytimer') });
      const rt = createRuntime({ clock: createVirtualClock(), plugins: withClock ? [clockPlugin(), rogue] : [rogue] });
      const err = await rt.start().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(SystemRangeError);
      expect((err as Error).message).toMatch(/"mytimer" cannot claim command ID 10: .*custom plugins use IDs 256 and up/);
      expect(log).toEqual([]);
    }
  });

  it('two custom plugins overlapping at 300 fail start() with a collision naming 300 and both, before any setup runs', async () => {
    for (const order of [0, 1]) {
      const log: string[] = [];
      const plugins = [tracked('alpha', { first: 290, last: 300 }, log), tracked('beta', { first: 300, last: 310 }, log), greeterPlugin()];
      if (order === 1) plugins.reverse();
      const rt = createRuntime({ clock: createVirtualClock(), plugins });
      const err = await rt.start().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(CommandCollisionError);
      const e = err as CommandCollisionError;
      expect(e.code).toBe('COMMAND_COLLISION');
      expect(e.commandId).toBe(300);
      // Boot order is alphabetical within a level, so the owner is the same whatever the input order.
      expect(e.message).toBe('command ID 300 is claimed by "alpha" and cannot be claimed by "beta"');
      expect(log).toEqual([]);
      expect(() => rt.spawn(function* () {})).toThrow(RuntimeStateError);
      await rt.stop();
      expect(log).toEqual([]);
    }
  });

  it('a custom plugin overlapping the greeter names the greeter', async () => {
    const log: string[] = [];
    const rt = createRuntime({ clock: createVirtualClock(), plugins: [greeterPlugin(), tracked('hello', { first: 263, last: 270 }, log)] });
    const err = await rt.start().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CommandCollisionError);
    expect((err as Error).message).toBe('command ID 263 is claimed by "greeter" and cannot be claimed by "hello"');
    expect(log).toEqual([]);
  });

  it('adjacent ranges do not collide', async () => {
    const log: string[] = [];
    const rt = createRuntime({ clock: createVirtualClock(), plugins: [tracked('alpha', { first: 290, last: 299 }, log), tracked('beta', { first: 300, last: 310 }, log)] });
    await rt.start();
    expect(log).toEqual(['setup alpha', 'setup beta', 'start alpha', 'start beta']);
    await rt.stop();
    expect(log.slice(-2)).toEqual(['stop beta', 'stop alpha']);
  });
});
