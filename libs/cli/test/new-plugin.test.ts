import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, runCli } from './support/cli.js';

/** A scratch directory per test file, outside the repository, removed at the end. */
let scratch: string;
beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'switchyard-new-plugin-'));
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const write = (path: string, content: string) => {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
};

/** A Switchyard-style monorepo with two custom plugins: one claims in code, one in package.json. */
function monorepo(name: string): string {
  const root = join(scratch, name);
  write(join(root, 'package.json'), JSON.stringify({ name: 'acme', private: true, workspaces: ['libs/*', 'plugins/*'] }));
  write(join(root, 'plugins/alpha/package.json'), JSON.stringify({ name: '@acme/alpha' }));
  write(
    join(root, 'plugins/alpha/src/plugin.ts'),
    `import { definePlugin } from '@switchyard/runtime';\nexport const alphaPlugin = () => definePlugin({\n  name: 'alpha',\n  commands: { first: 300, last: 309 },\n});\n`,
  );
  write(join(root, 'plugins/beta/package.json'), JSON.stringify({ name: '@acme/beta', switchyard: { plugin: 'beta', commands: '320-329' } }));
  write(join(root, 'plugins/gamma/package.json'), JSON.stringify({ name: '@acme/gamma' }));
  write(join(root, 'plugins/gamma/src/ids.ts'), 'export const GAMMA_IDS = { first: 330, last: 339 } as const;\n');
  write(join(root, 'plugins/gamma/src/plugin.ts'), "import { GAMMA_IDS } from './ids.js';\nexport const gamma = () => definePlugin({ name: 'gamma', commands: GAMMA_IDS });\n");
  return root;
}

describe('switchyard new plugin: where it goes', () => {
  it('in a monorepo whose workspaces include plugins/*, writes plugins/<name> in the monorepo shape and lists the files', async () => {
    const root = monorepo('mono');
    const r = await runCli(['new', 'plugin', 'rate-limit', '--range', '310-319'], { cwd: join(root, 'plugins', 'alpha') });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const files = [
      'package.json',
      'tsconfig.json',
      'tsup.config.ts',
      'vitest.config.ts',
      'src/commands.ts',
      'src/handlers.ts',
      'src/plugin.ts',
      'src/index.ts',
      'test/rate-limit.test.ts',
      'README.md',
    ];
    for (const f of files) {
      expect(r.stdout).toContain(`../rate-limit/${f}\n`);
      expect(existsSync(join(root, 'plugins/rate-limit', f))).toBe(true);
    }
    const pkg = JSON.parse(readFileSync(join(root, 'plugins/rate-limit/package.json'), 'utf8')) as Record<string, unknown>;
    expect(pkg.name).toBe('@switchyard/plugin-rate-limit');
    expect(pkg.switchyard).toEqual({ plugin: 'rate-limit', commands: { first: 310, last: 319 } });
    expect(pkg.peerDependencies).toEqual({ '@switchyard/dispatcher': '^0.1.0', '@switchyard/runtime': '^0.1.0' });
    expect((pkg.exports as Record<string, Record<string, unknown>>)['.']!['@switchyard/source']).toBe('./src/index.ts');
    expect(readFileSync(join(root, 'plugins/rate-limit/tsconfig.json'), 'utf8')).toContain('"extends": "../../tsconfig.base.json"');
    const plugin = readFileSync(join(root, 'plugins/rate-limit/src/plugin.ts'), 'utf8');
    expect(plugin).toContain("name: 'rate-limit'");
    expect(plugin).toContain('commands: { first: 310, last: 319 }');
    expect(plugin).toContain('export function rateLimitPlugin(');
    expect(readFileSync(join(root, 'plugins/rate-limit/src/commands.ts'), 'utf8')).toContain('export const RateLimitCommand = {\n  Echo: 310,');
  });

  it('outside a monorepo, writes ./<name> as a standalone package ready to publish', async () => {
    const dir = join(scratch, 'own-project');
    mkdirSync(dir);
    const r = await runCli(['new', 'plugin', 'geo', '--range', '1000-1019'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('created plugin geo in geo:\n  geo/package.json\n');
    const pkg = JSON.parse(readFileSync(join(dir, 'geo/package.json'), 'utf8')) as Record<string, Record<string, unknown>>;
    expect(pkg.name).toBe('switchyard-plugin-geo');
    expect(pkg.exports!['.']).not.toHaveProperty('@switchyard/source');
    // One runtime per app: the kernel packages are peers (and dev dependencies for the plugin's own tests), never dependencies.
    expect(pkg.peerDependencies).toEqual({ '@switchyard/dispatcher': '^0.1.0', '@switchyard/runtime': '^0.1.0' });
    expect(pkg).not.toHaveProperty('dependencies');
    expect(pkg.devDependencies).toHaveProperty('vitest');
    expect(readFileSync(join(dir, 'geo/tsconfig.json'), 'utf8')).not.toContain('extends');
    expect(readFileSync(join(dir, 'geo/vitest.config.ts'), 'utf8')).toContain("from 'vitest/config'");
  });

  it('--package and --dir choose the npm name and the directory', async () => {
    const dir = join(scratch, 'custom');
    mkdirSync(dir);
    const r = await runCli(['new', 'plugin', 'queue', '--range', '2000-2000', '--dir', 'packages/q', '--package', '@acme/switchyard-queue'], { cwd: dir });
    expect(r.code).toBe(0);
    const pkg = JSON.parse(readFileSync(join(dir, 'packages/q/package.json'), 'utf8')) as { name: string; switchyard: unknown };
    expect(pkg.name).toBe('@acme/switchyard-queue');
    expect(pkg.switchyard).toEqual({ plugin: 'queue', commands: { first: 2000, last: 2000 } });
  });
});

describe('switchyard new plugin: refusals (exit 2, nothing written)', () => {
  const refused = async (args: string[], cwd: string, message: string | RegExp) => {
    const r = await runCli(['new', 'plugin', ...args], { cwd });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    if (typeof message === 'string') expect(r.stderr).toContain(message);
    else expect(r.stderr).toMatch(message);
    return r;
  };

  it('a range overlapping a plugin that claims it in definePlugin names that plugin and its file', async () => {
    const root = monorepo('overlap-code');
    await refused(['delta', '--range', '305-312'], root, 'command IDs 305-312 overlap plugin "alpha" (plugins/alpha/src/plugin.ts), which claims 300-309');
    expect(existsSync(join(root, 'plugins/delta'))).toBe(false);
  });

  it('a range overlapping a claim declared in a package.json names that plugin', async () => {
    const root = monorepo('overlap-declared');
    await refused(['delta', '--range', '325-325'], root, 'command ID 325 overlaps plugin "beta" (plugins/beta/package.json), which claims 320-329');
  });

  it('a range overlapping a claim made through a constant (commands: GAMMA_IDS) names that plugin', async () => {
    const root = monorepo('overlap-constant');
    await refused(['delta', '--range', '339-345'], root, 'command IDs 339-345 overlap plugin "gamma" (plugins/gamma/src/plugin.ts), which claims 330-339');
  });

  it('outside a workspace, a range overlapping a sibling plugin directory is refused too', async () => {
    const dir = join(scratch, 'siblings');
    write(join(dir, 'epsilon/src/plugin.ts'), "definePlugin({ name: 'epsilon', commands: [400, 401, 402] })");
    await refused(['zeta', '--range', '402-410'], dir, 'overlap plugin "epsilon" (epsilon/src/plugin.ts), which claims 400-402');
  });

  it('a range below 256 names the system module it would take', async () => {
    const dir = join(scratch, 'low');
    mkdirSync(dir);
    await refused(['mine', '--range', '100-109'], dir, /--range 100-109 starts below 256: IDs 1-255 belong to the system modules \(this range hits "sql" 100-119\); custom plugins use 256 and up/);
    expect(existsSync(join(dir, 'mine'))).toBe(false);
  });

  it('a missing, malformed, reversed or too large range says what to write', async () => {
    const root = monorepo('ranges');
    // The hint skips the ranges alpha (300-309), beta (320-329) and gamma (330-339) claim.
    await refused(['mine'], root, '--range is required: the command IDs the plugin claims, e.g. --range 300-309 (custom plugins use 256 and up); 310-319 is free in this workspace');
    await refused(['mine', '--range', 'lots'], root, '--range "lots" is not a range of command IDs: write FIRST-LAST, e.g. 300-309');
    await refused(['mine', '--range', '400-300'], root, '--range 400-300 is empty');
    await refused(['mine', '--range', '65530-65540'], root, 'goes past 65535');
  });

  it('a single number is refused: it would claim one ID where a block was meant', async () => {
    const root = monorepo('single');
    await refused(['mine', '--range', '400'], root, '--range 400 is a single number: write 400-409 for a block of ten IDs (room for the commands you add later), or 400-400 to claim only ID 400');
    expect(existsSync(join(root, 'plugins/mine'))).toBe(false);
    const one = await runCli(['new', 'plugin', 'mine', '--range', '400-400'], { cwd: root });
    expect(one.code).toBe(0);
    expect(JSON.parse(readFileSync(join(root, 'plugins/mine/package.json'), 'utf8')).switchyard).toEqual({ plugin: 'mine', commands: { first: 400, last: 400 } });
  });

  it('a name another plugin in the workspace uses is refused, naming the file that uses it', async () => {
    const root = monorepo('name-taken');
    // alpha names itself in definePlugin, beta in package.json.
    await refused(['alpha', '--range', '500-509', '--dir', 'plugins/alpha-2'], root, 'plugin name "alpha" is already used by plugins/alpha/src/plugin.ts; two plugins with one name cannot boot in one runtime');
    await refused(['beta', '--range', '500-509', '--dir', 'plugins/beta-2'], root, 'plugin name "beta" is already used by plugins/beta/package.json');
    // A package outside plugins/ counts too (the monorepo's examples/custom-plugin is "greeter").
    write(join(root, 'libs/greeter-example/package.json'), JSON.stringify({ name: '@acme/greeter-example' }));
    write(join(root, 'libs/greeter-example/src/plugin.ts'), "definePlugin({ name: 'greeter', commands: GREETER_IDS });\n");
    await refused(['greeter', '--range', '500-509'], root, 'plugin name "greeter" is already used by libs/greeter-example/src/plugin.ts');
    expect(existsSync(join(root, 'plugins/greeter'))).toBe(false);
  });

  it('in this repository: "greeter" is taken by examples/custom-plugin, and a machine cannot go into the root', async () => {
    await refused(['greeter', '--range', '900-909'], REPO_ROOT, 'plugin name "greeter" is already used by examples/custom-plugin/src/plugin.ts');
    expect(existsSync(join(REPO_ROOT, 'plugins/greeter'))).toBe(false);
    const machine = await runCli(['new', 'machine', 'Door'], { cwd: REPO_ROOT });
    expect(machine.code).toBe(2);
    expect(machine.stderr).toContain('. is the root of an npm workspace');
    expect(existsSync(join(REPO_ROOT, 'src/door.ts'))).toBe(false);
  });

  it('refuses to write into the workspace root itself', async () => {
    const root = monorepo('root-dir');
    const r = await refused(['omega', '--range', '500-509', '--dir', '.'], root, '. is the root of an npm workspace (its package.json declares "workspaces"), not a package to write into');
    expect(r.stderr).toContain('leave --dir out to write plugins/<name>');
    expect(existsSync(join(root, 'src'))).toBe(false);
  });

  it('an existing file is named and nothing else is written', async () => {
    const root = monorepo('exists');
    write(join(root, 'plugins/eta/src/handlers.ts'), '// mine\n');
    await refused(['eta', '--range', '340-349'], join(root, 'plugins'), 'eta/src/handlers.ts already exists; nothing was written');
    expect(readFileSync(join(root, 'plugins/eta/src/handlers.ts'), 'utf8')).toBe('// mine\n');
    expect(existsSync(join(root, 'plugins/eta/package.json'))).toBe(false);
    expect(existsSync(join(root, 'plugins/eta/src/commands.ts'))).toBe(false);
  });

  it('a second run over a generated plugin refuses its first file', async () => {
    const root = monorepo('twice');
    const first = await runCli(['new', 'plugin', 'delta', '--range', '350-359'], { cwd: root });
    expect(first.code).toBe(0);
    await refused(['delta', '--range', '350-359'], root, 'plugins/delta/package.json already exists; nothing was written');
  });

  it('names that are not npm- and identifier-safe are refused with a suggestion', async () => {
    const dir = join(scratch, 'names');
    mkdirSync(dir);
    await refused(['MyTimer', '--range', '300-309'], dir, 'plugin name "MyTimer" is not npm- and identifier-safe: use lowercase letters, digits and single hyphens, starting with a letter (e.g. "my-timer")');
    await refused(['9lives', '--range', '300-309'], dir, 'plugin name "9lives" is not npm- and identifier-safe');
    await refused(['a--b', '--range', '300-309'], dir, 'plugin name "a--b" is not npm- and identifier-safe');
    await refused(['clock', '--range', '300-309'], dir, 'plugin name "clock" is the name of the system module that owns command IDs 10-29');
    await refused(['--range', '300-309'], dir, 'a plugin name is required');
    await refused(['ok', '--range', '300-309', '--package', 'Not Valid'], dir, 'package name "Not Valid" is not a valid npm name');
    expect(existsSync(join(dir, 'ok'))).toBe(false);
  });
});
