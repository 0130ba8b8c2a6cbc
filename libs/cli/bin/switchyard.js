#!/usr/bin/env node
// The `switchyard` command, as npm links it.
//
// An installed package runs dist/bin.js. In a clone of the Switchyard repository npm links
// this file at `npm ci`, before anything is built; until `npm run build` writes dist/, it
// runs the TypeScript sources instead: a child Node with the `@switchyard/source` export
// condition and tsx, with the same arguments, stdio and exit code.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { constants } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';

const dist = new URL('../dist/bin.js', import.meta.url);
const source = new URL('../src/bin.ts', import.meta.url);

if (existsSync(dist)) {
  await import(dist.href);
} else if (existsSync(source)) {
  let tsx;
  try {
    tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  } catch {
    process.stderr.write('switchyard: not built yet, and tsx (needed to run the sources) is not installed: run `npm ci`, or `npm run build`\n');
    process.exit(70);
  }
  const child = spawn(process.execPath, ['--conditions=@switchyard/source', '--import', tsx, fileURLToPath(source), ...process.argv.slice(2)], {
    stdio: 'inherit',
  });
  // A terminal's Ctrl-C reaches the child directly (same process group); passing it on as
  // well would count as a second Ctrl-C, which exits at once. A supervisor's SIGTERM or a
  // closed terminal's SIGHUP reaches only this process: pass those on.
  process.on('SIGINT', () => {});
  for (const signal of ['SIGTERM', 'SIGHUP']) {
    process.on(signal, () => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    });
  }
  child.on('error', (error) => {
    process.stderr.write(`switchyard: cannot start ${process.execPath}: ${error.message}\n`);
    process.exit(70);
  });
  child.on('exit', (code, signal) => {
    process.exit(code ?? 128 + (signal === null ? 0 : (constants.signals[signal] ?? 0)));
  });
} else {
  process.stderr.write(`switchyard: ${fileURLToPath(dist)} is missing: this copy of the package was never built (npm run build)\n`);
  process.exit(70);
}
