import { describe, expect, it } from 'vitest';
import { fixture, runCli } from './support/cli.js';

describe('switchyard run --inspect-commands', () => {
  it('prints plugins in boot order with their ranges and each named command ID, and runs nothing', async () => {
    const r = await runCli(['run', fixture('named.ts'), '--inspect-commands']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const rows = r.stdout.trimEnd().split('\n').map((line) => line.split(/\s{2,}/));
    expect(rows[0]).toEqual(['PLUGIN', 'CLAIMS', 'ID', 'COMMAND']);
    // Plugin rows, in boot order: clock and process first (alphabetical in the first level), geo after clock.
    const plugins = r.stdout.split('\n').filter((l) => /^\S/.test(l)).map((l) => l.split(/\s{2,}/).slice(0, 2));
    expect(plugins).toEqual([
      ['PLUGIN', 'CLAIMS'],
      ['core (runtime)', '200-207'],
      ['clock', '10-29'],
      ['process', '1-9'],
      ['geo', '800-809'],
    ]);
    // Names from the app's commandNames (ClockCommand) and from the plugin's own commandNames.
    expect(r.stdout).toMatch(/^clock\s+10-29\s+10\s+Sleep$/m);
    expect(r.stdout).toMatch(/^\s+21\s+TimerReset$/m);
    expect(r.stdout).toMatch(/^\s+\(\+13 more claimed IDs, unnamed\)$/m);
    expect(r.stdout).toMatch(/^geo\s+800-809\s+800\s+Lookup$/m);
    expect(r.stdout).toMatch(/^\s+801\s+Reverse$/m);
    expect(r.stdout).toMatch(/^core \(runtime\)\s+200-207\s+200\s+All$/m);
    // The shipped plugins carry their own names.
    expect(r.stdout).toMatch(/^process\s+1-9\s+1\s+Send$/m);
    expect(r.stdout).toMatch(/^\s+9\s+Exec$/m);
    expect(r.stdout).not.toContain('must not run main');
  });

  it('fails like the boot would, with the same paragraph and exit code 2', async () => {
    const r = await runCli(['run', '--inspect-commands', fixture('collision.ts')]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('plugins "alpha" (claims 300-309) and "beta" (claims 305-314) both claim command IDs 305-309');
  });
});
