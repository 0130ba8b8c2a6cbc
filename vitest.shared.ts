import { defineConfig } from 'vitest/config';

// Every package tests against the sources of the packages it imports, via the
// "@switchyard/source" export condition, so tests never need a prior build.
export default defineConfig({
  resolve: { conditions: ['@switchyard/source'] },
  ssr: { resolve: { conditions: ['@switchyard/source'] } },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    pool: 'forks',
  },
});
