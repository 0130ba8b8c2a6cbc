import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI_ROOT } from './support/cli.js';

// A copy of the package's layout inside libs/cli (so tsx and the workspace packages resolve
// as they do for the real bin), with or without dist/.
const scratch = mkdtempSync(join(CLI_ROOT, '.tmp-gen-bin-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function layout(name: string, dist?: string): string {
  const dir = join(scratch, name);
  mkdirSync(join(dir, 'bin'), { recursive: true });
  copyFileSync(join(CLI_ROOT, 'bin', 'switchyard.js'), join(dir, 'bin', 'switchyard.js'));
  copyFileSync(join(CLI_ROOT, 'package.json'), join(dir, 'package.json'));
  symlinkSync(join(CLI_ROOT, 'src'), join(dir, 'src'));
  if (dist !== undefined) {
    mkdirSync(join(dir, 'dist'));
    writeFileSync(join(dir, 'dist', 'bin.js'), dist);
  }
  return join(dir, 'bin', 'switchyard.js');
}

const bin = (path: string, ...args: string[]) =>
  spawnSync(process.execPath, [path, ...args], { encoding: 'utf8', timeout: 30_000, env: { ...process.env, NODE_OPTIONS: '' } });

describe('bin/switchyard.js, the file npm links as `switchyard`', () => {
  it('before a build (a fresh clone after npm ci) it runs the sources: --help works', () => {
    const r = bin(layout('clone'), '--help');
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^switchyard \d+\.\d+\.\d+: run Switchyard apps/);
    expect(r.status).toBe(0);
  });

  it('passes the exit code through (bad usage exits 2)', () => {
    const r = bin(layout('usage'), 'deploy');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('unknown command "deploy"');
  });

  it('once built, it runs dist/bin.js', () => {
    const r = bin(layout('built', "console.log('from dist', process.argv.slice(2).join(' '));\n"), 'run', 'x.ts');
    expect(r.stdout).toBe('from dist run x.ts\n');
    expect(r.status).toBe(0);
  });
});
