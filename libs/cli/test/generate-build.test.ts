import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_ROOT, REPO_ROOT, runCli } from './support/cli.js';

/**
 * Generated code must build and pass its own tests. It is generated inside the repository
 * (libs/cli/.tmp-gen-*, gitignored) so that @switchyard/* resolve to this monorepo's sources.
 */
let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(CLI_ROOT, '.tmp-gen-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const bin = (pkg: string, file: string) => join(REPO_ROOT, 'node_modules', pkg, file);

/** Run a tool with node; resolves with its output, rejects (with the output) on a non-zero exit. */
function tool(args: string[], cwd: string, timeoutMs = 90_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1', VITE_CONFIG_NATIVE_IGNORE_WARNING: 'true' } });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (out += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      // Colour codes would split the summary lines the test reads.
      out = out.replace(/\x1b\[[0-9;]*m/g, '');
      if (code === 0) resolve(out);
      else reject(new Error(`${args.slice(0, 2).join(' ')} in ${cwd} exited ${code}:\n${out}`));
    });
  });
}

describe('generated code builds and passes its tests', () => {
  it('a plugin and a machine in the monorepo: tsc, their vitest suites, tsup, and switchyard run', async () => {
    const dir = join(tmp, 'echo-box');
    const plugin = await runCli(['new', 'plugin', 'echo-box', '--range', '40000-40009', '--dir', dir]);
    expect(plugin.stderr).toBe('');
    expect(plugin.code).toBe(0);
    const machine = await runCli(['new', 'machine', 'DoorLock'], { cwd: dir });
    expect(machine.code).toBe(0);
    expect(machine.stdout).toBe(
      'created machine DoorLock in .:\n  src/door-lock.ts\n  test/door-lock.test.ts\nnext:\n' +
        '  add "@switchyard/statemachine" to dependencies in package.json\n' +
        "  export it from src/index.ts: export * from './door-lock.js';\n",
    );

    await tool([bin('typescript', 'bin/tsc'), '-p', join(dir, 'tsconfig.json')], dir);
    const tests = await tool([bin('vitest', 'vitest.mjs'), 'run'], dir);
    expect(tests).toMatch(/Test Files\s+2 passed \(2\)/);
    expect(tests).toMatch(/Tests\s+8 passed \(8\)/);
    await tool([bin('tsup', 'dist/cli-default.js')], dir);
    for (const f of ['index.js', 'index.cjs', 'index.d.ts', 'index.d.cts']) expect(existsSync(join(dir, 'dist', f))).toBe(true);

    // The generated plugin names its commands for --inspect-commands, and works in an app.
    writeFileSync(
      join(tmp, 'app.ts'),
      `import { spawnMachine } from '@switchyard/statemachine';
import type { ProcessContext } from '@switchyard/runtime';
import { defineApp, type AppContext } from '${join(CLI_ROOT, 'src/index.js')}';
import { echo, echoBoxPlugin } from './echo-box/src/index.js';
import { doorLockMachine } from './echo-box/src/door-lock.js';

export default defineApp({
  plugins: [echoBoxPlugin()],
  *main(_ctx: ProcessContext, app: AppContext) {
    console.log(yield* echo('echoed', 5));
    const door = spawnMachine(app.runtime, doorLockMachine);
    door.post('command', { action: 'stop' });
  },
});
`,
    );
    const inspect = await runCli(['run', join(tmp, 'app.ts'), '--inspect-commands']);
    expect(inspect.code).toBe(0);
    expect(inspect.stdout).toMatch(/^echo-box\s+40000-40009\s+40000\s+Echo$/m);
    const run = await runCli(['run', join(tmp, 'app.ts')]);
    expect(run.stderr).toBe('');
    expect(run.stdout).toBe('echoed\n');
    expect(run.code).toBe(0);
  }, 240_000);

  it('a standalone plugin (outside a Switchyard monorepo) type-checks', async () => {
    const project = join(tmp, 'own');
    mkdirSync(project);
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'own', private: true, workspaces: ['packages/*'] }));
    const r = await runCli(['new', 'plugin', 'geo', '--range', '41000-41009'], { cwd: project });
    expect(r.code).toBe(0);
    // Its tsconfig has no monorepo settings; the condition lets tsc see the unbuilt kernel sources.
    await tool([bin('typescript', 'bin/tsc'), '-p', join(project, 'geo/tsconfig.json'), '--customConditions', '@switchyard/source'], project);
  }, 120_000);
});
