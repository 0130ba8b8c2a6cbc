import { defineConfig } from 'tsup';

// Two entries: the library (defineApp, the generators) and the `switchyard` bin. One config,
// so a single `clean` cannot race a second build writing into the same dist/. The bin's
// `#!/usr/bin/env node` line is the first line of src/bin.ts: esbuild keeps it and tsup
// marks the file executable.
export default defineConfig({
  entry: { index: 'src/index.ts', bin: 'src/bin.ts' },
  format: ['esm', 'cjs'],
  dts: { entry: { index: 'src/index.ts' } },
  clean: true,
  sourcemap: true,
  target: 'node20',
  platform: 'node',
  // version.ts reads package.json through import.meta.url; the CJS build needs the shim.
  shims: true,
});
