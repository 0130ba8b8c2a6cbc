import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './support/cli.js';

let scratch: string;
beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'switchyard-new-machine-'));
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const pkgDir = (name: string, pkg: object = { name, dependencies: { '@switchyard/statemachine': '^0.1.0' }, devDependencies: { '@switchyard/testing': '^0.1.0' } }) => {
  const dir = join(scratch, name);
  mkdirSync(dir);
  writeFileSync(join(dir, 'package.json'), JSON.stringify(pkg));
  return dir;
};

describe('switchyard new machine', () => {
  it('writes src/<name>.ts and test/<name>.test.ts with typed queues and a startup queue, and lists them', async () => {
    const dir = pkgDir('ready');
    const r = await runCli(['new', 'machine', 'OrderFlow'], { cwd: dir });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("created machine OrderFlow in .:\n  src/order-flow.ts\n  test/order-flow.test.ts\nnext:\n  export it from src/index.ts: export * from './order-flow.js';\n");
    const mod = readFileSync(join(dir, 'src/order-flow.ts'), 'utf8');
    expect(mod).toContain('export const orderFlowMachine = defineMachine({');
    expect(mod).toContain("name: 'order-flow',");
    expect(mod).toMatch(/queues: \{\n {4}startup: \{/);
    expect(mod).toContain('export type OrderFlowQueue = QueueOf<typeof orderFlowMachine>;');
    expect(mod).toContain('events: events<OrderFlowEvents>()');
    expect(readFileSync(join(dir, 'test/order-flow.test.ts'), 'utf8')).toContain("from '../src/order-flow.js'");
  });

  it('--dir writes into another package, and says which dependencies it lacks', async () => {
    const dir = pkgDir('bare', { name: 'bare' });
    const r = await runCli(['new', 'machine', 'Pump', '--dir', dir], { cwd: scratch });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('  bare/src/pump.ts\n  bare/test/pump.test.ts\n');
    expect(r.stdout).toContain('add "@switchyard/statemachine" to dependencies in bare/package.json');
    expect(r.stdout).toContain('add "@switchyard/testing" to devDependencies in bare/package.json');
  });

  it('refuses to write into a workspace root, which is no package', async () => {
    const root = pkgDir('mono-root', { name: 'acme', private: true, workspaces: ['libs/*'] });
    const r = await runCli(['new', 'machine', 'Door'], { cwd: root });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('. is the root of an npm workspace (its package.json declares "workspaces"), not a package to write into; run it in a package directory');
    expect(existsSync(join(root, 'src'))).toBe(false);
    mkdirSync(join(root, 'libs/door'), { recursive: true });
    writeFileSync(join(root, 'libs/door/package.json'), JSON.stringify({ name: 'door' }));
    const inPackage = await runCli(['new', 'machine', 'Door', '--dir', 'libs/door'], { cwd: root });
    expect(inPackage.code).toBe(0);
    expect(existsSync(join(root, 'libs/door/src/door.ts'))).toBe(true);
  });

  it('refuses to overwrite, naming the file, and writes nothing', async () => {
    const dir = pkgDir('taken');
    mkdirSync(join(dir, 'test'));
    writeFileSync(join(dir, 'test/door.test.ts'), '// mine\n');
    const r = await runCli(['new', 'machine', 'Door'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('test/door.test.ts already exists; nothing was written');
    expect(existsSync(join(dir, 'src/door.ts'))).toBe(false);
    expect(readFileSync(join(dir, 'test/door.test.ts'), 'utf8')).toBe('// mine\n');
  });

  it('refuses names that are not PascalCase identifiers, with a suggestion', async () => {
    const dir = pkgDir('names');
    const refused = async (name: string[], message: string) => {
      const r = await runCli(['new', 'machine', ...name], { cwd: dir });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(message);
    };
    await refused(['door-lock'], 'machine name "door-lock" is not a PascalCase identifier: start with an uppercase letter, then letters and digits only (e.g. "DoorLock")');
    await refused(['Door_Lock'], 'machine name "Door_Lock" is not a PascalCase identifier');
    await refused(['9Lives'], 'machine name "9Lives" is not a PascalCase identifier');
    await refused([], 'a machine name is required');
    await refused(['A', 'B'], 'new machine: one name, got A, B');
    expect(existsSync(join(dir, 'src'))).toBe(false);
  });
});
