import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from './support/cli.js';

const CHECK = join(REPO_ROOT, 'docs', 'check-docs.mjs');
const scratch = mkdtempSync(join(tmpdir(), 'switchyard-docs-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const check = (...args: string[]) =>
  spawnSync(process.execPath, [CHECK, ...args], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 120_000, env: { ...process.env, FORCE_COLOR: '0' } });

const fence = '```';

describe('docs/check-docs.mjs', () => {
  it('README.md, docs/ and every package README: links resolve, every ts block type-checks, the extracted tests pass', () => {
    const r = check();
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/check-docs: \d+ documents, links ok; \d+ ts blocks in \d+ files: type-check ok/);
    // docs/plugins.md builds a plugin with its tests; libs/testing/README.md shows one.
    expect(r.stdout).toMatch(/tests ok \(Test Files [2-9]\d* passed \(\d+\); Tests \d+ passed \(\d+\)\)/);
    expect(r.status).toBe(0);
  }, 120_000);

  it('refuses a relative link to a file the repository lacks, and mentions of material outside it', () => {
    const guide = join(scratch, 'links.md');
    writeFileSync(
      guide,
      ['# Links', 'See [the design](../shared/DESIGN.md) and [nothing](./missing.md#part);', 'as the seed said.', '[fine](https://example.com) [here](#links)', `${fence}ts`, 'export const ok = 1;', fence].join('\n'),
    );
    const r = check(guide, '--no-run');
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('links.md:2: link to ../shared/DESIGN.md, which is not in the repository');
    expect(r.stderr).toContain('links.md:2: mentions "shared/"');
    expect(r.stderr).toContain('links.md:2: link to ./missing.md#part, which is not in the repository');
    expect(r.stderr).toContain('links.md:3: mentions "seed"');
    expect(r.stderr).not.toContain('example.com');
    expect(r.stdout).toContain('1 documents, links FAILED (4); 1 ts blocks in 1 files: type-check ok');
  }, 120_000);

  it('reports a type error at its line in the guide, also inside a file joined from several blocks', () => {
    const guide = join(scratch, 'broken.md');
    writeFileSync(
      guide,
      [
        '# Broken', // 1
        '', // 2
        `${fence}ts`, // 3
        '// file: src/a.ts', // 4
        "export const name: string = 'a';", // 5
        fence, // 6
        'Prose between the parts of one file.', // 7
        `${fence}ts`, // 8
        '// file: src/a.ts', // 9
        'export const count: number = name;', // 10: the error
        fence, // 11
        '', // 12
        `${fence}typescript`, // 13
        "import { sleep } from '@switchyard/plugin-clock';", // 14
        'const ok: number = 1;', // 15
        "sleep('soon');", // 16: the second error
        fence, // 17
        `${fence}json`, // 18
        '{ "not": checked }', // 19
        fence, // 20
      ].join('\n'),
    );
    const r = check(guide);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('3 ts blocks in 2 files: type-check FAILED');
    expect(r.stderr).toMatch(/broken\.md:10:14 \(src\/a\.ts\): error TS2322: Type 'string' is not assignable to type 'number'/);
    expect(r.stderr).toMatch(/broken\.md:16:7 \(snippets\/[^)]+\): error TS2345/);
  }, 120_000);

  it('fails when a test extracted from the guide fails', () => {
    const guide = join(scratch, 'failing-test.md');
    writeFileSync(
      guide,
      [`${fence}ts`, '// file: test/math.test.ts', "import { expect, it } from 'vitest';", "it('adds', () => expect(1 + 1).toBe(3));", fence].join('\n'),
    );
    const r = check(guide);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('type-check ok');
    expect(r.stderr).toContain("the guide's tests FAILED (test/math.test.ts)");
  }, 120_000);
});
