#!/usr/bin/env node
// The package.json a published package ships, without the repository's development wiring.
//
//   node ../../scripts/pack-manifest.mjs strip     (the "prepack" script of every package)
//   node ../../scripts/pack-manifest.mjs restore   (its "postpack" script)
//
// In the repository every export has a "@switchyard/source" condition pointing at
// src/index.ts, so tests and tools run on the sources without a build. A tarball ships only
// dist/, so "strip" removes that condition (and the prepack/postpack scripts themselves)
// from the package.json in the current directory, keeping the original beside it in
// .package.json.prepack; "restore" puts the original back. npm pack and npm publish read
// package.json after prepack, so the tarball gets the stripped one.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';

const SOURCE = '@switchyard/source';
const BACKUP = '.package.json.prepack';

/** `exports` without the source condition, at any depth. */
export function stripSource(value) {
  if (Array.isArray(value)) return value.map(stripSource);
  if (typeof value !== 'object' || value === null) return value;
  const out = {};
  for (const [k, v] of Object.entries(value)) if (k !== SOURCE) out[k] = stripSource(v);
  return out;
}

const [action] = process.argv.slice(2);
if (action === 'strip') {
  if (existsSync(BACKUP)) {
    console.error(`pack-manifest: ${BACKUP} exists: a previous pack did not restore package.json; run "restore" first`);
    process.exit(1);
  }
  const text = readFileSync('package.json', 'utf8');
  const pkg = JSON.parse(text);
  const published = { ...pkg, exports: stripSource(pkg.exports) };
  if (pkg.scripts !== undefined) {
    const { prepack: _prepack, postpack: _postpack, ...scripts } = pkg.scripts;
    published.scripts = scripts;
  }
  writeFileSync(BACKUP, text);
  writeFileSync('package.json', `${JSON.stringify(published, null, 2)}\n`);
} else if (action === 'restore') {
  if (existsSync(BACKUP)) renameSync(BACKUP, 'package.json');
} else {
  console.error('usage: pack-manifest.mjs strip|restore (run by npm as prepack / postpack)');
  process.exit(2);
}
