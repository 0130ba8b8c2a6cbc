import { describe, expect, it } from 'vitest';
import { UnknownTargetError, type LogRecord, type LauncherSummary } from '../src/index.js';
import { osAlive, runLauncher, SLEEPER, state, STUBBORN } from './helpers.js';

const node = 'node';
type StateRecord = Extract<LogRecord, { event: 'state' }>;

describe('supervision with real child processes', () => {
  it('restarts a crashing service with exponential backoff, then marks it failed at the intensity limit', async () => {
    await using l = await runLauncher([
      { name: 'crasher', command: node, args: ['-e', 'process.exit(3)'], restart: { backoffMs: 50, maxBackoffMs: 1000, maxRestarts: 3, withinMs: 60000 } },
    ]);
    const failed = (await l.next(state('crasher', 'failed'))) as StateRecord;
    const log = l.records.filter((r): r is StateRecord => r.event === 'state');
    expect(log.map((r) => r.to)).toEqual([
      'starting', 'running', 'backoff',
      'starting', 'running', 'backoff',
      'starting', 'running', 'backoff',
      'starting', 'running', 'failed',
    ]);
    // Each restart waits twice as long as the one before.
    expect(log.filter((r) => r.to === 'backoff').map((r) => r.delayMs)).toEqual([50, 100, 200]);
    expect(failed).toMatchObject({ code: 3, restarts: 3, reason: 'exited with code 3; 3 restarts within 60000 ms' });
    expect(l.launcher.status('crasher')).toEqual([
      expect.objectContaining({ name: 'crasher', state: 'failed', pid: null, restarts: 3, lastExit: { code: 3, signal: null }, uptimeMs: null }),
    ]);
    // Failed means given up: nothing is scheduled any more.
    await l.rt.whenIdle();
    expect(l.launcher.machine()).toMatchObject({ module: 'launcher', state: 'idle', inbox: 0 });

    // A manual start forgives the past: it runs again, with a fresh restart window.
    l.launcher.start('crasher');
    await l.next(state('crasher', 'running'));
    const again = (await l.next(state('crasher', 'backoff'))) as StateRecord;
    expect(again.delayMs).toBe(50);
  });

  it('a backoff restart does not come before its delay', async () => {
    await using l = await runLauncher([{ name: 'once', command: node, args: ['-e', 'process.exit(1)'], restart: { backoffMs: 300, maxRestarts: 1 } }]);
    await l.next(state('once', 'backoff'));
    const due = l.launcher.status('once')[0]!.restartAt!;
    await l.next(state('once', 'starting'));
    expect(l.rt.clock.now()).toBeGreaterThanOrEqual(due);
    await l.next(state('once', 'failed'));
  });

  it('policies: on-failure leaves a clean exit alone; never restarts nothing', async () => {
    await using l = await runLauncher([
      { name: 'clean', command: node, args: ['-e', ''], restart: { policy: 'on-failure' } },
      { name: 'once', command: node, args: ['-e', 'process.exit(2)'], restart: { policy: 'never' } },
    ]);
    expect(await l.seen(state('clean', 'exited'))).toMatchObject({ code: 0, reason: 'exited with code 0; restart policy "on-failure"' });
    await l.seen(state('once', 'exited'));
    expect(l.launcher.status().map((s) => [s.name, s.state, s.restarts])).toEqual([
      ['clean', 'exited', 0],
      ['once', 'exited', 0],
    ]);
  });

  it('stop: SIGTERM, then SIGKILL after the grace period; the OS processes are gone', async () => {
    await using l = await runLauncher([
      { name: 'polite', command: node, args: ['-e', SLEEPER], group: 'g' },
      { name: 'stubborn', command: node, args: ['-e', STUBBORN], group: 'g', stopGraceMs: 200 },
      { name: 'other', command: node, args: ['-e', SLEEPER] },
    ]);
    for (const name of ['polite', 'stubborn', 'other']) await l.seen((r) => r.event === 'output' && r.service === name && r.line === 'ready');
    const pids = l.launcher.status('@g').map((s) => s.pid!);
    expect(pids.every(osAlive)).toBe(true);
    l.launcher.stop('@g');
    expect(await l.next(state('polite', 'stopped'))).toMatchObject({ signal: null, code: 0, reason: 'exited with code 0' });
    expect(await l.next(state('stubborn', 'stopped'))).toMatchObject({ signal: 'SIGKILL', reason: 'killed by SIGKILL after the grace period' });
    expect(l.records).toContainEqual({ event: 'output', service: 'stubborn', stream: 'stdout', line: 'ignoring SIGTERM' });
    expect(pids.some(osAlive)).toBe(false);
    expect(l.launcher.status().map((s) => [s.name, s.state])).toEqual([
      ['polite', 'stopped'],
      ['stubborn', 'stopped'],
      ['other', 'running'],
    ]);
    // Stopped is not crashed: no restart is scheduled.
    expect(l.launcher.status('@g').every((s) => s.restarts === 0 && s.restartAt === null)).toBe(true);
  });

  it('restart stops and starts again (not counted as a crash); start brings a stopped service back', async () => {
    await using l = await runLauncher([{ name: 'svc', command: node, args: ['-e', SLEEPER] }]);
    await l.next(state('svc', 'running'));
    const first = l.launcher.status('svc')[0]!.pid;
    l.launcher.restart('svc');
    expect(await l.next(state('svc', 'stopped'))).toMatchObject({ reason: 'restart' });
    await l.next(state('svc', 'running'));
    const second = l.launcher.status('svc')[0]!;
    expect(second.pid).not.toBe(first);
    expect(second.restarts).toBe(0);
    expect(second.uptimeMs).toBeGreaterThanOrEqual(0);
    l.launcher.stop('all');
    await l.next(state('svc', 'stopped'));
    l.launcher.start('svc');
    await l.next(state('svc', 'running'));
    expect(l.records.filter((r) => r.event === 'action').map((r) => (r.event === 'action' ? `${r.action} ${r.target}` : ''))).toEqual(['restart svc', 'stop all', 'start svc']);
  });

  it('a service that cannot start counts as a crash', async () => {
    await using l = await runLauncher([{ name: 'ghost', command: '/no/such/binary', restart: { backoffMs: 10, maxRestarts: 1 } }]);
    const b = (await l.next(state('ghost', 'backoff'))) as StateRecord;
    expect(b.reason).toContain('cannot start: cannot start "/no/such/binary"');
    await l.next(state('ghost', 'failed'));
  });

  it('an unknown target is refused at once, naming what exists', async () => {
    await using l = await runLauncher([{ name: 'svc', command: node, args: ['-e', SLEEPER], group: 'g' }]);
    expect(() => l.launcher.stop('svx')).toThrow(UnknownTargetError);
    expect(() => l.launcher.stop('@nope')).toThrow('no service or group "@nope" (services: svc; groups: @g; or "all")');
  });

  it('shutdown stops every service, then the launcher ends with a summary', async () => {
    await using l = await runLauncher([
      { name: 'a', command: node, args: ['-e', SLEEPER] },
      { name: 'b', command: node, args: ['-e', STUBBORN], stopGraceMs: 100 },
      { name: 'c', command: node, args: ['-e', 'process.exit(1)'], restart: { backoffMs: 60000 } },
    ]);
    await l.seen((r) => r.event === 'output' && r.service === 'b' && r.line === 'ready');
    await l.seen(state('c', 'backoff'));
    await l.seen(state('a', 'running'));
    const pids = l.launcher.status().flatMap((s) => (s.pid === null ? [] : [s.pid]));
    const exit = await l.launcher.shutdown('test over');
    expect(exit.kind).toBe('normal');
    const summary = (exit as { value: LauncherSummary }).value;
    expect(summary.reason).toBe('test over');
    expect(summary.services.map((s) => [s.name, s.state])).toEqual([
      ['a', 'stopped'],
      ['b', 'stopped'],
      ['c', 'stopped'],
    ]);
    expect(pids.some(osAlive)).toBe(false);
    expect(l.records.at(-1)).toEqual({ event: 'launcher', what: 'stopped', reason: 'test over' });
  });
});
