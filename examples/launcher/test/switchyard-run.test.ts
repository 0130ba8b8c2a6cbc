import { describe, expect, it } from 'vitest';
import { defineApp, runApp } from 'switchyard';
import { createLauncherApp, type LogRecord } from '../src/index.js';
import { osAlive, servicesFile, SLEEPER } from './helpers.js';

describe('the launcher as a switchyard app', () => {
  it('runs under runApp (what `switchyard run` does) and stops every service on a stop signal', async () => {
    using tmp = servicesFile([
      { name: 'a', command: 'node', args: ['-e', SLEEPER] },
      { name: 'b', command: 'node', args: ['-e', SLEEPER] },
    ]);
    const records: LogRecord[] = [];
    const pids: number[] = [];
    const stop = new AbortController();
    const launcher = await createLauncherApp(tmp.file, {
      log: (r) => {
        records.push(r);
        if (r.event === 'state' && r.to === 'running') pids.push(r.pid!);
        if (pids.length === 2 && !stop.signal.aborted) stop.abort('SIGINT');
      },
    });
    const app = defineApp(launcher);
    expect(app.stopTimeoutMs).toBe(launcher.maxGraceMs + 2000);
    const result = await runApp(app, { signal: stop.signal });
    expect(result).toEqual({ outcome: { kind: 'stopped', reason: 'SIGINT' }, stopErrors: [] });
    expect(pids.filter(osAlive)).toEqual([]);
    expect(records.at(-1)).toEqual({ event: 'launcher', what: 'stopped', reason: 'runtime stopping' });
  });
});
