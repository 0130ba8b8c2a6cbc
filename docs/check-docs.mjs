#!/usr/bin/env node
// Type-checks every ```ts block of Markdown files against this workspace, then runs the
// test files among them with vitest.
//
//   node docs/check-docs.mjs [file.md ...] [--no-run] [--keep]
//
// Without files it checks every document a user reads: the *.md at the root (README.md,
// BENCHMARKS.md, …), docs/*.md and the README.md of every workspace package (libs/*,
// plugins/*, tools/*, examples/*).
//
// A block whose first line is `// file: <path>` goes into <path>; blocks of one document
// naming the same path are joined in order, so a guide can build one file across several
// blocks with prose between them. Every other block becomes a file of its own. Each
// document gets its own directory in a scratch directory inside the repository
// (docs/.check-*, removed afterwards unless --keep) so that @switchyard/* resolve to the
// workspace packages, and everything is checked with the repository's strict compiler
// settings. Errors are reported at their line in the document.
// Exit code: 0 when everything compiles and every extracted test passes, 1 otherwise.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const DOCS = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(DOCS, '..');

const args = process.argv.slice(2);
const flags = new Set(args.filter((a) => a.startsWith('--')));
for (const f of flags) {
  if (f !== '--no-run' && f !== '--keep') {
    console.error(`check-docs: unknown option ${f} (use --no-run, --keep)`);
    process.exit(2);
  }
}
const guides = args.filter((a) => !a.startsWith('--')).map((a) => resolve(a));
if (guides.length === 0) guides.push(...allDocuments());

/** The repository's own *.md (README.md, BENCHMARKS.md, …), docs/*.md, and the README of every workspace package. */
function allDocuments() {
  const docs = [...readdirSync(ROOT).filter((f) => f.endsWith('.md')).sort().map((f) => join(ROOT, f)), ...readdirSync(DOCS).filter((f) => f.endsWith('.md')).sort().map((f) => join(DOCS, f))];
  const patterns = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).workspaces ?? [];
  for (const pattern of patterns) {
    const parent = join(ROOT, pattern.replace(/\/\*$/, ''));
    const dirs = pattern.endsWith('/*') ? (existsSync(parent) ? readdirSync(parent).sort().map((d) => join(parent, d)) : []) : [parent];
    for (const dir of dirs) if (existsSync(join(dir, 'README.md'))) docs.push(join(dir, 'README.md'));
  }
  return docs;
}

/** A directory name for a document's blocks: its path in the repository ("libs_cli_README"). */
const slug = (guide) => relative(ROOT, guide).replace(/\.md$/i, '').replace(/[^\w-]+/g, '_') || 'doc';

/** Fenced ```ts / ```typescript blocks, with the guide line of their first content line. */
function extract(guide) {
  const lines = readFileSync(guide, 'utf8').split('\n');
  const blocks = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,}|~{3,})\s*(ts|typescript)\b/.exec(lines[i]);
    if (open === null) continue;
    const fence = open[2];
    const body = [];
    let j = i + 1;
    while (j < lines.length && !lines[j].trimStart().startsWith(fence)) body.push(lines[j++]);
    if (j === lines.length) throw new Error(`${relative(ROOT, guide)}:${i + 1}: the code block opened here is never closed`);
    blocks.push({ guide, line: i + 2, body });
    i = j;
  }
  return blocks;
}

/**
 * What a reader of a clone would trip over: a relative link to a file the repository does
 * not have, or a mention of material that lives outside it (the planning seeds, ../shared/).
 */
function checkLinks(guide) {
  const problems = [];
  const lines = readFileSync(guide, 'utf8').split('\n');
  lines.forEach((line, i) => {
    const at = `${relative(process.cwd(), guide)}:${i + 1}`;
    for (const m of line.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
      const target = m[1];
      if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('#')) continue;
      const path = decodeURIComponent(target.split('#')[0]);
      if (!existsSync(resolve(dirname(guide), path))) problems.push(`${at}: link to ${target}, which is not in the repository`);
    }
    if (/\bseeds?\b/i.test(line)) problems.push(`${at}: mentions "seed", which a clone does not have`);
    if (/(^|[^\w.-])shared\//.test(line)) problems.push(`${at}: mentions "shared/", which a clone does not have`);
  });
  return problems;
}

const scratch = mkdtempSync(join(DOCS, '.check-'));
let failed = false;
try {
  /** path → { text lines, segments: [{ fileLine, guide, guideLine, count }] } */
  const files = new Map();
  let blockCount = 0;
  for (const guide of guides) {
    for (const block of extract(guide)) {
      blockCount++;
      const header = /^\s*\/\/\s*file:\s*(\S+)\s*$/.exec(block.body[0] ?? '');
      const own = header ? header[1] : `snippets/${basename(guide, '.md').replace(/[^\w-]+/g, '_')}-line${block.line}.ts`;
      if (own.startsWith('/') || own.split('/').includes('..')) {
        throw new Error(`${relative(ROOT, guide)}:${block.line - 1}: "// file: ${own}" must be a relative path inside the guide's scratch directory`);
      }
      const path = `${slug(guide)}/${own}`;
      let file = files.get(path);
      if (file === undefined) files.set(path, (file = { lines: [], segments: [] }));
      file.segments.push({ fileLine: file.lines.length + 1, guide, guideLine: block.line, count: block.body.length });
      file.lines.push(...block.body);
    }
  }
  const problems = guides.flatMap(checkLinks);
  if (args.every((a) => a.startsWith('--'))) {
    // A newcomer finds the examples through the README: each one is linked from it.
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    for (const example of existsSync(join(ROOT, 'examples')) ? readdirSync(join(ROOT, 'examples')) : []) {
      if (!readme.includes(`](examples/${example}/`) && !readme.includes(`](examples/${example})`)) problems.push(`README.md: examples/${example} is not linked from the README`);
    }
  }
  if (problems.length > 0) {
    failed = true;
    for (const p of problems) console.error(p);
  }
  if (files.size === 0) throw new Error(`no ts blocks in ${guides.map((g) => relative(process.cwd(), g)).join(', ')}`);
  for (const [path, file] of files) {
    mkdirSync(dirname(join(scratch, path)), { recursive: true });
    // `export {}` makes every file a module, so top-level names of separate blocks never clash.
    writeFileSync(join(scratch, path), `${file.lines.join('\n')}\nexport {};\n`);
  }
  writeFileSync(
    join(scratch, 'tsconfig.json'),
    JSON.stringify(
      {
        extends: relative(scratch, join(ROOT, 'tsconfig.base.json')),
        compilerOptions: {
          noEmit: true,
          // The CLI package is `switchyard`; resolve it to its sources even before it is linked.
          paths: { switchyard: [join(ROOT, 'libs/cli/src/index.ts')] },
        },
        include: ['**/*.ts'],
      },
      null,
      2,
    ),
  );

  const where = (path, line) => {
    const file = files.get(path);
    const seg = file?.segments.find((s) => line >= s.fileLine && line < s.fileLine + s.count);
    return seg ? `${relative(process.cwd(), seg.guide)}:${seg.guideLine + (line - seg.fileLine)}` : `${path}:${line}`;
  };

  const tsc = spawnSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(scratch, 'tsconfig.json'), '--pretty', 'false'], {
    cwd: scratch,
    encoding: 'utf8',
  });
  const diagnostics = `${tsc.stdout}${tsc.stderr}`.split('\n').filter((l) => l.trim() !== '');
  if (tsc.status !== 0) {
    failed = true;
    for (const d of diagnostics) {
      const m = /^(.+?)\((\d+),(\d+)\): (.*)$/.exec(d);
      console.error(m ? `${where(m[1], Number(m[2]))}:${m[3]} (${m[1].slice(m[1].indexOf('/') + 1)}): ${m[4]}` : d);
    }
  }
  const tests = [...files.keys()].filter((p) => /^[^/]+\/test\/.+\.test\.ts$/.test(p));
  console.log(
    `check-docs: ${guides.length} documents, links ${problems.length === 0 ? 'ok' : `FAILED (${problems.length})`}; ` +
      `${blockCount} ts blocks in ${files.size} files: ${tsc.status === 0 ? 'type-check ok' : 'type-check FAILED'}`,
  );

  if (!failed && tests.length > 0 && !flags.has('--no-run')) {
    const shared = relative(scratch, join(ROOT, 'vitest.shared.js')).split('\\').join('/');
    writeFileSync(
      join(scratch, 'vitest.config.ts'),
      `import shared from '${shared}';\nexport default { ...shared, test: { ...shared.test, include: ['*/test/**/*.test.ts'] } };\n`,
    );
    const run = spawnSync(process.execPath, [join(ROOT, 'node_modules/vitest/vitest.mjs'), 'run', ...tests], {
      cwd: scratch,
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1' },
    });
    const summary = `${run.stdout}`.replace(/\x1b\[[0-9;]*m/g, '').split('\n').filter((l) => /^\s*(Test Files|Tests)\s/.test(l)).map((l) => l.trim());
    if (run.status !== 0) {
      failed = true;
      console.error(`${run.stdout}${run.stderr}`);
      console.error(`check-docs: the guide's tests FAILED (${tests.map((t) => t.slice(t.indexOf('/') + 1)).join(', ')})`);
    } else {
      console.log(`check-docs: tests ok (${summary.map((l) => l.replace(/\s+/g, ' ')).join('; ')})`);
    }
  }
} catch (error) {
  failed = true;
  console.error(`check-docs: ${error instanceof Error ? error.message : String(error)}`);
} finally {
  if (flags.has('--keep')) console.log(`check-docs: kept ${relative(process.cwd(), scratch)}`);
  else rmSync(scratch, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
