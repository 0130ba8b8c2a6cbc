import { describe, expect, it } from 'vitest';
import { runCli } from './support/cli.js';

describe('switchyard --help', () => {
  it('lists the commands', async () => {
    const r = await runCli(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/switchyard run <app>.*boot an app module/);
    expect(r.stdout).toMatch(/switchyard new plugin <name> --range A-B.*create a plugin package/);
    expect(r.stdout).toMatch(/switchyard new machine <Name>.*create a state-machine module/);
  });

  it('each subcommand explains itself', async () => {
    const run = await runCli(['run', '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('defineApp({ plugins, main?, processes?, commandNames?, stopTimeoutMs? })');
    expect(run.stdout).toContain('--inspect-commands');
    expect(run.stdout).toMatch(/130\s+stopped by SIGINT/);
    const plugin = await runCli(['new', 'plugin', '--help']);
    expect(plugin.code).toBe(0);
    expect(plugin.stdout).toContain('--range A-B');
    expect(plugin.stdout).toMatch(/refused when it overlaps a plugin\s+already in the workspace/);
    const machine = await runCli(['help', 'new', 'machine']);
    expect(machine.code).toBe(0);
    expect(machine.stdout).toContain('"startup" queue');
    const scaffold = await runCli(['new', '--help']);
    expect(scaffold.code).toBe(0);
    expect(scaffold.stdout).toContain('refuse to overwrite');
  });

  it('bad usage exits 2 with a message naming what is wrong', async () => {
    const unknown = await runCli(['deploy']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown command "deploy"; the commands are run, new and help');
    const option = await runCli(['run', 'app.ts', '--fast']);
    expect(option.code).toBe(2);
    expect(option.stderr).toContain("Unknown option '--fast'");
    const noApp = await runCli(['run']);
    expect(noApp.code).toBe(2);
    expect(noApp.stderr).toContain('run: which app?');
    const timeout = await runCli(['run', 'app.ts', '--stop-timeout', 'soon']);
    expect(timeout.code).toBe(2);
    expect(timeout.stderr).toContain('--stop-timeout must be a number of ms > 0, got "soon"');
  });
});
