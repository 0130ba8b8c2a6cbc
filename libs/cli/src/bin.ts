#!/usr/bin/env node
import { main } from './cli.js';

void main(process.argv.slice(2), {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  cwd: process.cwd(),
}).then(
  // Exit now: a plugin that leaked a handle must not keep a finished app alive.
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`switchyard: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(70);
  },
);
