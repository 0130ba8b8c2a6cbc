import { join, resolve } from 'node:path';
import { display, writeFiles } from './files.js';
import { machineFiles } from './machine-templates.js';
import { machineNames } from './names.js';
import type { Generated } from './plugin.js';
import { findWorkspace, readJson } from './workspace.js';
import { WorkspaceRootError } from '../errors.js';

export interface NewMachineOptions {
  /** A PascalCase identifier: "DoorLock". */
  readonly name: string;
  /** Where the command runs. Default: process.cwd(). */
  readonly cwd?: string;
  /** The package directory to write into. Default: cwd. */
  readonly dir?: string;
}

/**
 * Create a state-machine module (src/<name>.ts: typed queues and statuses, a startup queue,
 * a command queue) and its test (test/<name>.test.ts) in a package. Refuses a bad name and any
 * file that already exists.
 */
export function generateMachine(options: NewMachineOptions): Generated {
  const cwd = resolve(options.cwd ?? process.cwd());
  const names = machineNames(options.name);
  const dir = options.dir !== undefined ? resolve(cwd, options.dir) : cwd;
  const ws = findWorkspace(dir);
  if (ws !== undefined && ws.root === dir) {
    throw new WorkspaceRootError(display(dir, cwd), 'run it in a package directory (e.g. cd libs/<package>), or pass --dir <package>');
  }
  const written = writeFiles(dir, machineFiles(names), cwd);
  const next: string[] = [];
  const pkg = readJson(join(dir, 'package.json')) as { dependencies?: Record<string, unknown>; devDependencies?: Record<string, unknown> } | undefined;
  if (pkg === undefined) {
    next.push(`${display(dir, cwd)} has no package.json: the module needs a package that depends on @switchyard/statemachine`);
  } else {
    for (const dep of ['@switchyard/statemachine', '@switchyard/testing'] as const) {
      const declared = pkg.dependencies?.[dep] ?? pkg.devDependencies?.[dep];
      if (declared === undefined) next.push(`add "${dep}" to ${dep.endsWith('testing') ? 'devDependencies' : 'dependencies'} in ${display(join(dir, 'package.json'), cwd)}`);
    }
  }
  next.push(`export it from src/index.ts: export * from './${names.kebab}.js';`);
  return { dir: display(dir, cwd), files: written, next };
}
