#!/usr/bin/env node
// CI: the packages as a user gets them from the registry, outside this repository.
//
//   node .ci/packed-app.mjs [--keep]        (after `npm run build`)
//
// 1. `npm pack`s every publishable workspace package (prepack strips the
//    "@switchyard/source" condition) and checks each tarball: no source condition, every
//    `exports`/`main`/`module`/`types`/`bin` target is in the tarball, every package the
//    built code imports is a dependency or peer dependency, and the repository's package.json
//    files are unchanged afterwards.
// 2. Builds the plugin of docs/plugins.md (its `// file: src/…` blocks and its package.json
//    block) as a package of its own, with tsup, against the packed packages, and packs it.
// 3. Installs all the tarballs into a fresh app in a temporary directory (no workspace, no
//    source condition), checks that it holds one copy of @switchyard/runtime, type-checks a
//    strict TypeScript app that installs every shipped plugin with no options next to the
//    guide's plugin (ESM and CommonJS declarations), runs the app as ESM and as CommonJS, and
//    runs it with `npx switchyard run` (and `npx switchyard --help`).
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const keep = process.argv.includes('--keep');
const esbuild = createRequire(join(ROOT, 'package.json'))('esbuild');
const work = mkdtempSync(join(tmpdir(), 'switchyard-packed-'));
const TARBALLS = join(work, 'tarballs');
mkdirSync(TARBALLS);

// The app must see only what it installed: no source condition, no repository loader.
const env = { ...process.env, NODE_OPTIONS: '', npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false', npm_config_yes: 'false' };
for (const key of Object.keys(env)) if (key.startsWith('npm_package_') || key === 'npm_config_workspace' || key === 'INIT_CWD') delete env[key];

let step = '';
const log = (text) => console.log(`packed-app: ${text}`);
const fail = (text) => {
  throw new Error(text);
};
const run = (command, args, cwd, options = {}) => {
  try {
    return execFileSync(command, args, { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], ...options });
  } catch (error) {
    fail(`${step}: \`${command} ${args.join(' ')}\` in ${cwd} failed (exit ${error.status ?? error.signal}):\n${error.stdout ?? ''}${error.stderr ?? ''}`);
  }
};
const readJson = (path) => JSON.parse(readFileSync(path, 'utf8'));
const writeJson = (path, value) => writeFileSync(path, `${JSON.stringify(value, null, 2)}\n`);

try {
  // ------------------------------------------------------------------ 1. pack and check
  step = 'pack';
  const rootPkg = readJson(join(ROOT, 'package.json'));
  const dirs = [];
  for (const pattern of rootPkg.workspaces) {
    const parent = join(ROOT, pattern.replace(/\/\*$/, ''));
    for (const d of pattern.endsWith('/*') ? readdirSync(parent).map((n) => join(parent, n)) : [parent]) {
      if (existsSync(join(d, 'package.json')) && readJson(join(d, 'package.json')).private !== true) dirs.push(d);
    }
  }
  const before = new Map(dirs.map((d) => [d, readFileSync(join(d, 'package.json'), 'utf8')]));
  const packed = new Map(); // name -> { dir, tarball, manifest, files }
  // One npm for all of them: each package's prepack/postpack still runs in its own directory.
  const infos = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', TARBALLS, ...dirs.map((d) => `--workspace=${relative(ROOT, d)}`)], ROOT));
  const dirOf = new Map(dirs.map((d) => [readJson(join(d, 'package.json')).name, d]));
  if (infos.length !== dirs.length) fail(`npm pack made ${infos.length} tarballs for ${dirs.length} packages`);
  for (const info of infos) {
    const dir = dirOf.get(info.name);
    if (dir === undefined) fail(`npm pack made a tarball of ${info.name}, which is not a publishable workspace package`);
    const x = join(work, 'x', info.name.replace('/', '+'));
    mkdirSync(x, { recursive: true });
    run('tar', ['-xzf', join(TARBALLS, info.filename), '-C', x], work);
    packed.set(info.name, { dir, tarball: join(TARBALLS, info.filename), root: join(x, 'package'), manifest: readJson(join(x, 'package', 'package.json')), files: new Set(info.files.map((f) => f.path)) });
  }
  for (const [dir, text] of before) {
    if (readFileSync(join(dir, 'package.json'), 'utf8') !== text) fail(`${relative(ROOT, dir)}/package.json changed while packing: postpack did not restore it`);
    if (existsSync(join(dir, '.package.json.prepack'))) fail(`${relative(ROOT, dir)}/.package.json.prepack was left behind`);
  }

  step = 'check tarballs';
  const problems = [];
  const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
  for (const [name, p] of packed) {
    const m = p.manifest;
    const text = JSON.stringify(m);
    if (text.includes('@switchyard/source')) problems.push(`${name}: the published package.json still has the "@switchyard/source" condition`);
    if (m.scripts?.prepack !== undefined || m.scripts?.postpack !== undefined) problems.push(`${name}: the published package.json still has the prepack/postpack scripts`);
    const targets = [];
    const walk = (v, where) => {
      if (typeof v === 'string') targets.push([where, v]);
      else if (v !== null && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, `${where}.${k}`);
    };
    walk(m.exports, 'exports');
    for (const field of ['main', 'module', 'types']) if (m[field] !== undefined) targets.push([field, m[field]]);
    walk(typeof m.bin === 'string' ? { [name]: m.bin } : m.bin, 'bin');
    for (const [where, target] of targets) {
      if (!p.files.has(target.replace(/^\.\//, ''))) problems.push(`${name}: ${where} points at ${target}, which is not in the tarball`);
    }
    const declared = new Set([name, ...Object.keys(m.dependencies ?? {}), ...Object.keys(m.peerDependencies ?? {})]);
    for (const [dep, spec] of Object.entries({ ...m.dependencies, ...m.peerDependencies })) {
      if (/^(file|link|workspace):/.test(spec)) problems.push(`${name}: dependency ${dep} is "${spec}", which a registry cannot serve`);
      if (dep.startsWith('@switchyard/') && !packed.has(dep)) problems.push(`${name}: depends on ${dep}, which is not a published package here`);
    }
    // What the built code imports, as esbuild parses it (strings in templates are not imports).
    const entries = [...p.files].filter((f) => /\.(c|m)?js$/.test(f)).map((f) => join(p.root, f));
    const { metafile } = await esbuild.build({ entryPoints: Object.fromEntries(entries.map((e, i) => [`e${i}`, e])), bundle: true, write: false, outdir: join(work, 'esbuild-out'), metafile: true, platform: 'node', format: 'esm', packages: 'external', logLevel: 'silent' });
    for (const [input, { imports }] of Object.entries(metafile.inputs)) {
      for (const { path: spec, external } of imports) {
        if (!external) continue;
        const pkg = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0];
        if (!builtins.has(spec) && !builtins.has(pkg) && !declared.has(pkg)) problems.push(`${name}: ${relative(p.root, resolve(input))} imports "${spec}", which is neither a dependency nor a peer dependency`);
      }
    }
  }
  // The README's package tables: a row per published package, naming what it depends on
  // ("runtime*" for a peer; dispatcher goes with a runtime peer).
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  for (const [name, p] of packed) {
    const row = readme.split('\n').find((l) => l.startsWith(`| \`${name}\` |`));
    if (row === undefined) {
      problems.push(`README.md: no row for ${name} in the package tables`);
      continue;
    }
    const needs = row.split('|').map((c) => c.trim()).filter((c) => c !== '').at(-1) ?? '';
    const short = (dep) => dep.replace(/^@switchyard\//, '');
    const peers = Object.keys(p.manifest.peerDependencies ?? {});
    for (const dep of peers) {
      if (dep === '@switchyard/dispatcher' && peers.includes('@switchyard/runtime')) continue;
      if (!new RegExp(`(^|[ ,])${short(dep)}\\*`).test(needs)) problems.push(`README.md: the row of ${name} does not name its peer dependency ${short(dep)} (as "${short(dep)}*")`);
    }
    for (const dep of Object.keys(p.manifest.dependencies ?? {})) {
      if (!new RegExp(`(^|[ ,])${short(dep)}($|[ ,])`).test(needs)) problems.push(`README.md: the row of ${name} does not name its dependency ${short(dep)} (it says "${needs}")`);
    }
  }
  if (problems.length > 0) fail(`the tarballs are not publishable:\n  ${[...new Set(problems)].join('\n  ')}`);
  log(`packed ${packed.size} packages; exports, files and dependencies check out`);

  const tarballOf = (name) => `file:${packed.get(name).tarball}`;
  const allSwitchyard = Object.fromEntries([...packed.keys()].map((n) => [n, tarballOf(n)]));
  const version = (name) => readJson(join(ROOT, 'node_modules', name, 'package.json')).version;
  const installFlags = ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', '--no-package-lock'];

  // ------------------------------------------------------------------ 2. the guide's plugin
  step = 'plugin of docs/plugins.md';
  const guide = readFileSync(join(ROOT, 'docs', 'plugins.md'), 'utf8');
  const files = new Map();
  for (const [, lang, body] of guide.matchAll(/^```(\w+)\n([\s\S]*?)^```$/gm)) {
    const header = /^\/\/ file: (src\/\S+)\n/.exec(body);
    if (lang === 'ts' && header) files.set(header[1], `${files.get(header[1]) ?? ''}${body.slice(header[0].length)}`);
  }
  const manifestBlock = [...guide.matchAll(/^```json\n([\s\S]*?)^```$/gm)].map((m) => m[1]).find((b) => b.includes('"switchyard-plugin-'));
  if (files.size < 4 || manifestBlock === undefined) fail(`docs/plugins.md no longer has its src/ blocks and package.json block (found ${[...files.keys()].join(', ')})`);
  const plugin = join(work, 'plugin');
  for (const [path, text] of files) {
    mkdirSync(dirname(join(plugin, path)), { recursive: true });
    writeFileSync(join(plugin, path), text);
  }
  const pluginPkg = JSON.parse(manifestBlock);
  for (const dep of Object.keys(pluginPkg.peerDependencies ?? {})) {
    if (pluginPkg.dependencies?.[dep] !== undefined) fail(`docs/plugins.md: ${dep} is both a dependency and a peer dependency of the plugin`);
  }
  // The guide's devDependencies, served from the tarballs (they are not on a registry here).
  pluginPkg.devDependencies = {
    ...allSwitchyard,
    tsup: version('tsup'),
    typescript: version('typescript'),
    '@types/node': version('@types/node'),
  };
  delete pluginPkg.scripts.prepublishOnly;
  writeJson(join(plugin, 'package.json'), pluginPkg);
  writeFileSync(join(plugin, 'tsup.config.ts'), "import { defineConfig } from 'tsup';\nexport default defineConfig({ entry: ['src/index.ts'], format: ['esm', 'cjs'], dts: true, clean: true, target: 'node20', platform: 'node' });\n");
  writeJson(join(plugin, 'tsconfig.json'), { compilerOptions: { target: 'ES2022', lib: ['ES2023'], module: 'ESNext', moduleResolution: 'Bundler', types: ['node'], strict: true, noUncheckedIndexedAccess: true, skipLibCheck: false, noEmit: true }, include: ['src'] });
  run('npm', installFlags, plugin);
  run('npx', ['tsc', '-p', 'tsconfig.json'], plugin);
  run('npx', ['tsup'], plugin);
  const [pluginInfo] = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', TARBALLS], plugin));
  log(`built and packed ${pluginPkg.name} from docs/plugins.md (peer dependencies: ${Object.keys(pluginPkg.peerDependencies).join(', ')})`);

  // ------------------------------------------------------------------ 3. a fresh app
  step = 'fresh app';
  const app = join(work, 'app');
  mkdirSync(app);
  writeJson(join(app, 'package.json'), {
    name: 'my-switchyard-app',
    private: true,
    type: 'module',
    dependencies: { ...allSwitchyard, [pluginPkg.name]: `file:${join(TARBALLS, pluginInfo.filename)}` },
    devDependencies: { typescript: version('typescript'), '@types/node': version('@types/node') },
  });
  run('npm', installFlags, app);
  // Install scripts were skipped (--ignore-scripts): the one native addon comes from the
  // repository's own install instead of a second compile of SQLite.
  const sqliteBuild = join(ROOT, 'node_modules', 'better-sqlite3', 'build');
  if (version('better-sqlite3') !== readJson(join(app, 'node_modules', 'better-sqlite3', 'package.json')).version) {
    run('npm', ['rebuild', 'better-sqlite3'], app);
  } else {
    cpSync(sqliteBuild, join(app, 'node_modules', 'better-sqlite3', 'build'), { recursive: true });
  }

  const copies = [];
  const findCopies = (dir, depth) => {
    if (depth > 6 || !existsSync(dir)) return;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (!entry.isDirectory()) continue;
      const p = join(dir, entry.name);
      if (p.endsWith(join('node_modules', '@switchyard', 'runtime'))) copies.push(relative(app, p));
      findCopies(p, depth + 1);
    }
  };
  findCopies(join(app, 'node_modules'), 0);
  if (copies.length !== 1) fail(`the app has ${copies.length} copies of @switchyard/runtime (${copies.join(', ')}); plugins must take it as a peer dependency`);

  const pluginName = pluginPkg.name;
  writeFileSync(
    join(app, 'app.ts'),
    `import type { Plugin } from '@switchyard/runtime';
import { defineApp } from 'switchyard';
import { ClockCommand, clockPlugin, sleep } from '@switchyard/plugin-clock';
import { eventPlugin } from '@switchyard/plugin-event';
import { execPlugin, run } from '@switchyard/plugin-exec';
import { processPlugin } from '@switchyard/plugin-process';
import { execute, query, sqlPlugin } from '@switchyard/plugin-sql';
import { get, set, storePlugin } from '@switchyard/plugin-store';
import { lockPlugin, withLock } from '${pluginName}';

// Every shipped plugin with no options, and the guide's plugin: one runtime, one Plugin type.
export const plugins: Plugin[] = [processPlugin(), clockPlugin(), eventPlugin(), execPlugin(), sqlPlugin(), storePlugin(), lockPlugin({ maxWaiters: 10 })];

export default defineApp({
  plugins,
  commandNames: [ClockCommand],
  *main() {
    const report: string = yield* withLock('report', function* () {
      yield* sleep(5);
      return 'written';
    });
    yield* execute('default', 'create table t (n integer)');
    yield* execute('default', 'insert into t values (40), (2)');
    const { rows } = yield* query<{ total: number }>('default', 'select sum(n) as total from t');
    yield* set('default', 'report', report);
    const stored: string | undefined = yield* get<string>('default', 'report');
    const child = yield* run(process.execPath, ['-e', 'process.stdout.write("child")']);
    console.log(\`switchyard run: \${stored} \${rows[0]?.total} \${child.stdout}\`);
  },
});
`,
  );
  // CommonJS declarations (index.d.cts) are what a CommonJS TypeScript project sees.
  writeFileSync(
    join(app, 'check.cts'),
    `import { createRuntime, type Plugin } from '@switchyard/runtime';
import { clockPlugin, sleep } from '@switchyard/plugin-clock';
import { sqlPlugin } from '@switchyard/plugin-sql';
import { storePlugin } from '@switchyard/plugin-store';
import { lockPlugin, acquire } from '${pluginName}';

const plugins: Plugin[] = [clockPlugin(), sqlPlugin(), storePlugin(), lockPlugin()];
export async function check(): Promise<string> {
  const rt = createRuntime({ plugins });
  await rt.start();
  const value: string = await rt.run(function* () {
    yield* acquire('x');
    yield* sleep(1);
    return 'ok';
  });
  await rt.stop();
  return value;
}
`,
  );
  writeJson(join(app, 'tsconfig.json'), {
    compilerOptions: {
      target: 'ES2022',
      lib: ['ES2023'],
      module: 'NodeNext',
      moduleResolution: 'NodeNext',
      types: ['node'],
      strict: true,
      noUncheckedIndexedAccess: true,
      exactOptionalPropertyTypes: true,
      skipLibCheck: false,
      noEmit: true,
    },
    include: ['app.ts', 'check.cts'],
  });
  step = 'type-check the app (strict, NodeNext, ESM and CommonJS declarations, skipLibCheck off)';
  run('npx', ['tsc', '-p', 'tsconfig.json'], app);
  log('the app type-checks against the published declarations');

  const program = (load) => `${load}
const { createRuntime } = runtime;
const plugins = [process_.processPlugin(), clock.clockPlugin(), event.eventPlugin(), exec.execPlugin(), sql.sqlPlugin(), store.storePlugin(), lock.lockPlugin()];
const rt = createRuntime({ plugins });
await rt.start();
const value = await rt.run(function* () {
  yield* lock.acquire('db');
  yield* clock.sleep(1);
  yield* lock.release('db');
  const { rows } = yield* sql.query('default', 'select 42 as n');
  yield* store.set('default', 'k', rows[0].n);
  return yield* store.get('default', 'k');
});
await rt.stop();
if (value !== 42) throw new Error('expected 42, got ' + value);
`;
  const names = { runtime: '@switchyard/runtime', process_: '@switchyard/plugin-process', clock: '@switchyard/plugin-clock', event: '@switchyard/plugin-event', exec: '@switchyard/plugin-exec', sql: '@switchyard/plugin-sql', store: '@switchyard/plugin-store', lock: pluginName };
  writeFileSync(
    join(app, 'esm.mjs'),
    `${program(Object.entries(names).map(([v, n]) => `import * as ${v} from '${n}';`).join('\n'))}console.log('esm: ok');\n`,
  );
  writeFileSync(
    join(app, 'cjs.cjs'),
    `(async () => {\n${program(Object.entries(names).map(([v, n]) => `const ${v} = require('${n}');`).join('\n'))}console.log('cjs: ok');\n})().catch((error) => { console.error(error); process.exit(1); });\n`,
  );
  step = 'run the app';
  const outputs = [run('node', ['esm.mjs'], app), run('node', ['cjs.cjs'], app)];
  if (!outputs[0].includes('esm: ok') || !outputs[1].includes('cjs: ok')) fail(`unexpected output: ${outputs.join('')}`);
  const help = run('npx', ['switchyard', '--help'], app);
  if (!help.startsWith('switchyard ')) fail(`npx switchyard --help printed: ${help}`);
  const ran = run('npx', ['switchyard', 'run', 'app.ts'], app);
  if (!ran.includes('switchyard run: written 42 child')) fail(`switchyard run app.ts printed: ${ran}`);
  log('the app runs as ESM, as CommonJS and under `npx switchyard run`');
  console.log(`packed-app: ok (${packed.size} packages + ${pluginPkg.name})`);
} catch (error) {
  console.error(`packed-app: FAILED: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
} finally {
  if (keep) console.log(`packed-app: kept ${work}`);
  else rmSync(work, { recursive: true, force: true });
}
