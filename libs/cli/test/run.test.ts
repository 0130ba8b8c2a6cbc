import { describe, expect, it } from 'vitest';
import { fixture, runCli } from './support/cli.js';

describe('switchyard run: exit codes', () => {
  it('exits 0 when main returns, and passes the arguments after -- to processes', async () => {
    const r = await runCli(['run', fixture('ok.ts'), '--', 'a', 'b c']);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('main done, args ["a","b c"]\n');
    expect(r.code).toBe(0);
  });

  it('runs a JavaScript app module exported as `app`, without defineApp', async () => {
    const r = await runCli(['run', fixture('plain.mjs'), '--', 'x']);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('plain js ran with 1 args\n');
    expect(r.code).toBe(0);
  });

  it('an app factory builds the app from the arguments after --; its coded error is a boot error', async () => {
    const r = await runCli(['run', fixture('factory.ts'), '--', 'prod']);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('running profile prod\n');
    expect(r.code).toBe(0);
    const broken = await runCli(['run', fixture('factory.ts'), '--', 'broken']);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/^switchyard: cannot start app \/.*\/factory\.ts: profile "broken" does not exist in \/.* \[BAD_CONFIG\]/);
  });

  it('exits 1 when main throws, naming the process and the error without a stack trace', async () => {
    const r = await runCli(['run', fixture('fail.ts')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^switchyard: process "main" \(\{local\|0x[0-9a-f]+\}\) failed: the widget broke\n$/);
  });

  it('prints the stack trace of a failure with --verbose', async () => {
    const r = await runCli(['run', '--verbose', fixture('fail.ts')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Error: the widget broke');
    expect(r.stderr).toMatch(/at main \(.*fail\.ts/);
  });

  it('exits 1 when a background process fails, cancelling main on the way out', async () => {
    const r = await runCli(['run', fixture('worker-fail.ts')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/process "poller" \(\{local\|0x[0-9a-f]+\}\) failed: RangeError: poller lost its connection/);
    expect(r.stdout).toBe('main cancelled after the poller failed\n');
  });
});

describe('switchyard run: boot errors exit 2 with one paragraph', () => {
  const paragraph = (stderr: string) => {
    // One paragraph: a single line, no stack frames.
    expect(stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(stderr).not.toMatch(/\n\s+at /);
    expect(stderr).toContain('(run with --verbose for the stack trace)');
  };

  it('a command ID collision names both plugins, their ranges and the shared IDs', async () => {
    const r = await runCli(['run', fixture('collision.ts')]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    paragraph(r.stderr);
    expect(r.stderr).toContain('cannot start app "collision"');
    expect(r.stderr).toContain('plugins "alpha" (claims 300-309) and "beta" (claims 305-314) both claim command IDs 305-309 (among them 305 Ping)');
    expect(r.stderr).toContain('[COMMAND_COLLISION]');
  });

  it('a missing dependency names the plugin, what it needs and what is installed', async () => {
    const r = await runCli(['run', fixture('missing-dep.ts')]);
    expect(r.code).toBe(2);
    paragraph(r.stderr);
    expect(r.stderr).toContain('plugin "reports" depends on "sql", which this app does not install (installed: "reports")');
  });

  it('a dependency cycle shows its path', async () => {
    const r = await runCli(['run', fixture('cycle.ts')]);
    expect(r.code).toBe(2);
    paragraph(r.stderr);
    expect(r.stderr).toContain('cycle, "cache" -> "metrics" -> "cache"');
  });

  it('a plugin refusing its options at boot names the plugin and the option', async () => {
    const r = await runCli(['run', fixture('bad-option.ts')]);
    expect(r.code).toBe(2);
    paragraph(r.stderr);
    expect(r.stderr).toContain('plugin "mailer" rejected its options: option port must be an integer 1..65535, got 70000');
  });

  it('a plugin factory refusing its options while the module loads is a boot error too', async () => {
    const r = await runCli(['run', fixture('factory-throws.ts')]);
    expect(r.code).toBe(2);
    paragraph(r.stderr);
    expect(r.stderr).toContain('plugin "quota" rejected its options: option perSecond must be > 0, got -5');
  });

  it('--verbose adds the stack trace', async () => {
    const r = await runCli(['run', '--verbose', fixture('collision.ts')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('[COMMAND_COLLISION]');
    expect(r.stderr).toMatch(/CommandCollisionError: command ID 305 is claimed by "alpha"[^\n]*\n\s+at /);
  });

  it('a missing module or one without an app export says so', async () => {
    const missing = await runCli(['run', 'no/such/app.ts']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^switchyard: cannot start app no\/such\/app\.ts: no such file \(looked for \/.*\/no\/such\/app\.ts\)\. \[APP_LOAD\]/);
    const noExport = await runCli(['run', fixture('no-export.ts')]);
    expect(noExport.code).toBe(2);
    expect(noExport.stderr).toContain('no-export.ts: the module exports no app: add `export default defineApp(');
  });
});

describe('switchyard run: signals', () => {
  it('SIGINT stops gracefully: processes clean up, then plugins stop; exit 130', async () => {
    const run = runCli(['run', fixture('graceful.ts')]);
    await run.waitFor(/ready\n/);
    run.child.kill('SIGINT');
    const r = await run;
    expect(r.code).toBe(130);
    expect(r.stderr).toBe('switchyard: SIGINT: stopping app "graceful" (send it again to exit at once)\n');
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('ready');
    // Both processes are cancelled at once; main traps the cancel and finishes its cleanup.
    expect(lines.slice(1, 4).sort()).toEqual(['main clean', 'main got pid.cancel (runtime stopping), cleaning up', 'worker finally ran']);
    expect(lines.indexOf('main got pid.cancel (runtime stopping), cleaning up')).toBeLessThan(lines.indexOf('main clean'));
    expect(lines[4]).toBe('audit plugin stopped');
    expect(lines).toHaveLength(5);
  });

  it('SIGTERM stops gracefully and exits 0, as supervisors expect of a clean stop', async () => {
    const run = runCli(['run', fixture('graceful.ts')]);
    await run.waitFor(/ready\n/);
    run.child.kill('SIGTERM');
    const r = await run;
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('main clean\naudit plugin stopped\n');
  });

  it('a process that outlives the stop timeout is terminated and the exit code is 1', async () => {
    const run = runCli(['run', '--stop-timeout', '200', fixture('stubborn.ts')]);
    await run.waitFor(/ready\n/);
    run.child.kill('SIGTERM');
    const r = await run;
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('ignoring @pid/events');
    expect(r.stderr).toContain('process "main"');
    expect(r.stderr).toContain('did not end within 200 ms of being cancelled and was terminated');
  });

  it('a second SIGINT exits at once without waiting for the stop', async () => {
    const run = runCli(['run', '--stop-timeout', '60000', fixture('stubborn.ts')]);
    await run.waitFor(/ready\n/);
    run.child.kill('SIGINT');
    await run.waitFor(/stopping/, 'stderr');
    run.child.kill('SIGINT');
    const r = await run;
    expect(r.code).toBe(130);
    expect(r.stderr).toContain('SIGINT again: exiting without waiting for the stop');
  });
});
