import { describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import { createRuntime } from '@switchyard/runtime';
import { formatLog, formatUptime, renderTable, StatusView, Launcher, ServiceBoard, type ServiceRow } from '../src/index.js';
import { parseServices } from '../src/config.js';

const row = (over: Partial<ServiceRow>): ServiceRow => ({
  name: 'web',
  group: 'frontend',
  state: 'running',
  pid: 4242,
  restarts: 2,
  startedAt: 0,
  lastExit: null,
  restartAt: null,
  uptimeMs: 75_000,
  ...over,
});

function sink(): { out: Writable; text: () => string } {
  let text = '';
  const out = new Writable({ write: (chunk, _enc, cb) => ((text += String(chunk)), cb()) });
  return { out, text: () => text };
}

describe('status display', () => {
  it('renders aligned columns: name, group, state, pid, restarts, uptime', () => {
    expect(renderTable([row({}), row({ name: 'flaky-worker', group: 'backend', state: 'backoff', pid: null, restarts: 11, uptimeMs: null })])).toEqual([
      'NAME          GROUP     STATE    PID   RESTARTS  UPTIME',
      'web           frontend  running  4242  2         1m15s',
      'flaky-worker  backend   backoff  -     11        -',
    ]);
  });

  it('formats uptimes', () => {
    expect([null, 999, 59_000, 61_000, 3_600_000 + 120_000].map(formatUptime)).toEqual(['-', '0s', '59s', '1m01s', '1h02m']);
  });

  it('log lines are key=value, quoting values with spaces', () => {
    const line = formatLog({ event: 'state', service: 'web', from: 'running', to: 'backoff', code: 1, signal: null, restarts: 1, delayMs: 250, reason: 'exited with code 1' }, new Date(0));
    expect(line).toBe('ts=1970-01-01T00:00:00.000Z event=state service=web from=running to=backoff code=1 signal=- restarts=1 delayMs=250 reason="exited with code 1"');
  });

  it('without a TTY: plain log lines, the table only when asked', async () => {
    const s = sink();
    const view = new StatusView({ out: s.out, tty: false });
    view.log({ event: 'launcher', what: 'started' });
    expect(s.text()).toMatch(/^ts=\S+ event=launcher what=started\n$/);
    expect(s.text()).not.toContain('\x1b');
    view.close();
  });

  it('on a TTY: the table is redrawn in place below the log', async () => {
    const config = parseServices('/x/services.json', { services: [{ name: 'web', command: 'x' }] });
    const board = new ServiceBoard(config.services);
    const rt = createRuntime();
    const s = sink();
    const view = new StatusView({ out: s.out, tty: true, refreshMs: 60_000 });
    view.attach(new Launcher(rt, 'not-started', board));
    expect(s.text()).toBe('NAME  GROUP    STATE    PID  RESTARTS  UPTIME\nweb   default  stopped  -    0         -\n');
    view.log({ event: 'launcher', what: 'started' });
    await new Promise((r) => setImmediate(r));
    // Up two lines (the old table), clear, the log line, then the table again.
    expect(s.text().slice(s.text().indexOf('\x1b'))).toMatch(/^\x1b\[2F\x1b\[0Jts=\S+ event=launcher what=started\nNAME .*\nweb .*\n$/);
    view.close();
  });
});
