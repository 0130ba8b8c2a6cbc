import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { FileExistsError } from '../errors.js';

export interface GeneratedFile {
  /** Relative to the target directory. */
  readonly path: string;
  readonly content: string;
}

/**
 * Write every file under `dir`, or none: each is checked first, and an existing one is
 * refused by name (relative to `cwd`); then `beforeWrite` may still refuse. Returns the
 * written paths, relative to `cwd`.
 */
export function writeFiles(dir: string, files: readonly GeneratedFile[], cwd: string, beforeWrite?: () => void): string[] {
  for (const f of files) {
    const path = join(dir, f.path);
    if (existsSync(path)) throw new FileExistsError(display(path, cwd));
  }
  beforeWrite?.();
  const written: string[] = [];
  for (const f of files) {
    const path = join(dir, f.path);
    mkdirSync(dirname(path), { recursive: true });
    // 'wx' still refuses a file that appeared since the check.
    writeFileSync(path, f.content, { flag: 'wx' });
    written.push(display(path, cwd));
  }
  return written;
}

export function display(path: string, cwd: string): string {
  const rel = relative(cwd, path);
  if (rel === '') return '.';
  // "../x" beats an absolute path only while it is shorter.
  return rel.startsWith('..') && rel.length >= path.length ? path : rel;
}
