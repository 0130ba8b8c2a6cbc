import { describe, expect, it } from 'vitest';
import { receive } from '@switchyard/runtime';
import { kill, start, stop, wait, run, type OutputLine } from '../src/index.js';
import { node, realRuntime, SLEEPER, STUBBORN } from './helpers.js';

describe('signals and stopping', () => {
  it('kill() sends a signal; the exit reports it', async () => {
    await using t = await realRuntime();
    const exit = await t.rt.run(function* () {
      const c = yield* start(node, ['-e', SLEEPER], { stdout: { lines: 'out' } });
      yield* receive<OutputLine>({ topic: 'out' });
      expect(yield* kill(c, 'SIGUSR2')).toBe(true);
      const e = yield* wait(c);
      expect(yield* kill(c, 'SIGTERM')).toBe(false);
      return e;
    });
    expect(exit).toMatchObject({ code: null, signal: 'SIGUSR2', stopped: false, killed: false });
  });

  it('stop() sends SIGTERM; a child that exits on it is not killed', async () => {
    await using t = await realRuntime();
    const exit = await t.rt.run(function* () {
      const c = yield* start(node, ['-e', SLEEPER], { stdout: { lines: 'out' } });
      yield* receive({ topic: 'out' });
      expect(yield* stop(c)).toBe(true);
      expect(yield* stop(c)).toBe(false);
      return yield* wait(c);
    });
    expect(exit).toMatchObject({ signal: 'SIGTERM', stopped: true, killed: false });
  });

  it('a child that ignores SIGTERM gets SIGKILL after the grace period', async () => {
    await using t = await realRuntime();
    const result = await t.rt.run(function* () {
      const c = yield* start(node, ['-e', STUBBORN], { stdout: { lines: 'out' } });
      yield* receive({ topic: 'out' });
      yield* stop(c, { grace: 200 });
      const heard = yield* receive<OutputLine>({ topic: 'out' });
      return { heard: heard.payload.line, exit: yield* wait(c) };
    });
    expect(result.heard).toBe('got SIGTERM');
    expect(result.exit).toMatchObject({ signal: 'SIGKILL', stopped: true, killed: true, timedOut: false });
    expect(result.exit.durationMs).toBeGreaterThanOrEqual(200);
  });

  it('a timeout stops the child: SIGTERM, then SIGKILL after the grace period', async () => {
    await using t = await realRuntime();
    const [polite, stubborn] = await Promise.all([
      t.rt.run(function* () {
        return yield* run(node, ['-e', SLEEPER], { timeout: 100 });
      }),
      t.rt.run(function* () {
        // Generous timeout: the child must have installed its SIGTERM handler before it fires.
        const c = yield* start(node, ['-e', STUBBORN], { timeout: 800, grace: 100, stdout: { lines: 'out' } });
        const ready = yield* receive<OutputLine>({ topic: 'out' });
        expect(ready.payload.line).toBe('ready');
        const exit = yield* wait(c);
        const heard = yield* receive<OutputLine>({ topic: 'out' });
        return { exit, heard: heard.payload.line };
      }),
    ]);
    expect(polite).toMatchObject({ signal: 'SIGTERM', timedOut: true, stopped: true, killed: false });
    expect(stubborn.exit).toMatchObject({ signal: 'SIGKILL', timedOut: true, stopped: true, killed: true });
    expect(stubborn.exit.durationMs).toBeGreaterThanOrEqual(900);
    expect(stubborn.heard).toBe('got SIGTERM');
  });

});
