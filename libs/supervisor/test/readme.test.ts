import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));

describe('README.md', () => {
  it('every ts block type-checks against the package', () => {
    const r = spawnSync(process.execPath, ['docs/check-docs.mjs', 'libs/supervisor/README.md', '--no-run'], { cwd: root, encoding: 'utf8', timeout: 120_000 });
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/check-docs: .*\d+ ts blocks in \d+ files?: type-check ok/);
    expect(r.status).toBe(0);
  }, 120_000);
});
