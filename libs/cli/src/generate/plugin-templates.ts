import type { Names } from './names.js';
import type { IdRange } from './range.js';

export interface PluginTemplateInput {
  readonly names: Names;
  readonly range: IdRange;
  readonly packageName: string;
  /** Versions for @switchyard/* dependencies ("0.1.0" in the monorepo, "^0.1.0" outside). */
  readonly versions: { readonly runtime: string; readonly dispatcher: string; readonly testing: string };
  /** In the monorepo: the path from the package to the repository root ("../.."); undefined for a standalone package. */
  readonly rootFromPackage: string | undefined;
  /** The monorepo has scripts/pack-manifest.mjs: wire it as prepack/postpack (strips the source condition from tarballs). */
  readonly packManifest?: boolean;
}

const caret = (version: string) => (/^\d/.test(version) ? `^${version}` : version);

const ids = (r: IdRange) => (r.first === r.last ? String(r.first) : `${r.first}-${r.last}`);

export function pluginFiles(input: PluginTemplateInput): { path: string; content: string }[] {
  const { names, range } = input;
  const { kebab: name, camel, pascal } = names;
  // Error codes carry the plugin's name, so two generated plugins never define the same code.
  const code = (what: string) => `${name.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}_${what}`;
  const root = input.rootFromPackage;
  const files: { path: string; content: string }[] = [];
  const pkg: Record<string, unknown> = {
    name: input.packageName,
    version: '0.1.0',
    description: `Switchyard plugin "${name}": command IDs ${ids(range)}`,
    license: 'MIT',
    type: 'module',
    engines: { node: '>=20.18' },
    files: ['dist', 'README.md'],
    main: './dist/index.cjs',
    module: './dist/index.js',
    types: './dist/index.d.ts',
    exports: {
      '.': {
        ...(root !== undefined ? { '@switchyard/source': './src/index.ts' } : {}),
        import: { types: './dist/index.d.ts', default: './dist/index.js' },
        require: { types: './dist/index.d.cts', default: './dist/index.cjs' },
      },
      './package.json': './package.json',
    },
    // Read by `switchyard new plugin` to refuse overlapping ranges, without parsing the sources.
    switchyard: { plugin: name, commands: { first: range.first, last: range.last } },
    scripts: {
      build: 'tsup',
      typecheck: 'tsc -p tsconfig.json',
      test: 'vitest run',
      ...(root === undefined ? { prepublishOnly: 'npm run typecheck && npm test && npm run build' } : {}),
      ...(root !== undefined && input.packManifest ? { prepack: `node ${root}/scripts/pack-manifest.mjs strip`, postpack: `node ${root}/scripts/pack-manifest.mjs restore` } : {}),
    },
    keywords: ['switchyard', 'switchyard-plugin'],
    // The app installs one runtime and every plugin must see that one: peers, never dependencies.
    peerDependencies: { '@switchyard/dispatcher': caret(input.versions.dispatcher), '@switchyard/runtime': caret(input.versions.runtime) },
    devDependencies:
      root !== undefined
        ? { '@switchyard/dispatcher': input.versions.dispatcher, '@switchyard/runtime': input.versions.runtime, '@switchyard/testing': input.versions.testing }
        : {
            '@switchyard/dispatcher': input.versions.dispatcher,
            '@switchyard/runtime': input.versions.runtime,
            '@switchyard/testing': input.versions.testing,
            '@types/node': '^20.17.0',
            tsup: '^8.5.0',
            typescript: '^5.9.0',
            vitest: '^4.1.0',
          },
  };
  files.push({ path: 'package.json', content: JSON.stringify(pkg, null, 2) + '\n' });

  if (root !== undefined) {
    files.push({ path: 'tsconfig.json', content: JSON.stringify({ extends: `${root}/tsconfig.base.json`, include: ['src', 'test', '*.ts'] }, null, 2) + '\n' });
    files.push({ path: 'tsup.config.ts', content: `export { default } from '${root}/tsup.shared.js';\n` });
    files.push({ path: 'vitest.config.ts', content: `export { default } from '${root}/vitest.shared.js';\n` });
  } else {
    files.push({
      path: 'tsconfig.json',
      content:
        JSON.stringify(
          {
            compilerOptions: {
              target: 'ES2022',
              lib: ['ES2023'],
              module: 'ESNext',
              moduleResolution: 'Bundler',
              types: ['node'],
              strict: true,
              noUncheckedIndexedAccess: true,
              isolatedModules: true,
              verbatimModuleSyntax: true,
              skipLibCheck: true,
              noEmit: true,
            },
            include: ['src', 'test', '*.ts'],
          },
          null,
          2,
        ) + '\n',
    });
    files.push({
      path: 'tsup.config.ts',
      content: `import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'node20',
  platform: 'node',
});
`,
    });
    files.push({
      path: 'vitest.config.ts',
      content: `import { defineConfig } from 'vitest/config';

export default defineConfig({ test: { include: ['test/**/*.test.ts'] } });
`,
    });
    files.push({ path: '.gitignore', content: 'node_modules/\ndist/\n' });
  }

  files.push({
    path: 'src/commands.ts',
    content: `import { CommandBase, SwitchyardError } from '@switchyard/dispatcher';

/** A "${name}" helper or command failed; \`code\` says why. */
export class ${pascal}Error extends SwitchyardError {
  constructor(code: '${code('BAD_DELAY')}' | '${code('DELAY_TOO_LONG')}', message: string) {
    super(code, message);
  }
}

/**
 * Command IDs of the "${name}" plugin. It claims ${ids(range)}; the IDs not listed here are
 * reserved for the commands it adds later. Never renumber a released command.
 */
export const ${pascal}Command = {
  Echo: ${range.first},
} as const;

/** The command a process yields; the handler in handlers.ts does the work. */
export class EchoCmd<T> extends CommandBase<T> {
  readonly id = ${pascal}Command.Echo;
  constructor(
    readonly value: T,
    readonly ms: number,
  ) {
    super();
  }
}

/** Echo \`value\` back after \`ms\` milliseconds on the runtime's clock: \`const v = yield* echo('hi', 100)\`. */
export function echo<T>(value: T, ms = 0): EchoCmd<T> {
  if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) {
    throw new ${pascal}Error('${code('BAD_DELAY')}', \`echo(): ms must be a finite number >= 0, got \${typeof ms === 'string' ? JSON.stringify(ms) : String(ms)}\`);
  }
  return new EchoCmd(value, ms);
}
`,
  });

  files.push({
    path: 'src/handlers.ts',
    content: `import type { Handler } from '@switchyard/dispatcher';
import type { Clock, TimerId } from '@switchyard/runtime';
import { ${pascal}Command, ${pascal}Error, type EchoCmd } from './commands.js';

/** The "${name}" handlers and the state they share: one instance per runtime. */
export class ${pascal}Handlers {
  private readonly timers = new Set<TimerId>();

  constructor(
    private readonly clock: Clock,
    private readonly maxDelayMs: number,
  ) {}

  /** Echoes waiting for their delay; 0 once every caller got its result or ended. */
  get pending(): number {
    return this.timers.size;
  }

  /**
   * Completes later, from a timer. ctx.signal belongs to this one yield: it aborts if the process
   * ends first (which clears the timer) and is dropped once the yield completes, so the listener
   * needs no removal. Read it here, synchronously.
   */
  readonly echo: Handler<EchoCmd<unknown>> = (ctx, cmd, tag, receiver) => {
    if (cmd.ms > this.maxDelayMs) {
      throw new ${pascal}Error('${code('DELAY_TOO_LONG')}', \`echo(): \${cmd.ms} ms is longer than maxDelayMs (\${this.maxDelayMs} ms)\`);
    }
    const signal = ctx.signal;
    if (signal.aborted) return;
    const timer = this.clock.setTimeout(() => {
      this.timers.delete(timer);
      receiver.completeYield(tag, cmd.value);
    }, cmd.ms);
    this.timers.add(timer);
    signal.addEventListener('abort', () => {
      this.clock.clearTimeout(timer);
      this.timers.delete(timer);
    });
  };

  /** At shutdown: nothing may stay scheduled. */
  dispose(): void {
    for (const t of this.timers) this.clock.clearTimeout(t);
    this.timers.clear();
  }

  get handlers() {
    return { [${pascal}Command.Echo]: this.echo };
  }
}
`,
  });

  files.push({
    path: 'src/plugin.ts',
    content: `import { definePlugin, PluginError, type Plugin } from '@switchyard/runtime';
import { ${pascal}Command } from './commands.js';
import { ${pascal}Handlers } from './handlers.js';

export interface ${pascal}Options {
  /** The longest delay echo() accepts, in ms. Default 60 000. */
  maxDelayMs?: number;
}

export interface ${pascal}Plugin extends Plugin {
  /** Names of the command IDs, shown by \`switchyard run --inspect-commands\`. */
  readonly commandNames: typeof ${pascal}Command;
}

/**
 * The "${name}" plugin: command IDs ${ids(range)}. The factory only checks options: everything
 * the plugin keeps lives in what setup creates, so one value can be installed in several runtimes.
 * Its counters show in \`rt.stats().plugins['${name}']\`.
 */
export function ${camel}Plugin(options: ${pascal}Options = {}): ${pascal}Plugin {
  const maxDelayMs = options.maxDelayMs ?? 60_000;
  if (typeof maxDelayMs !== 'number' || !(maxDelayMs >= 0)) {
    throw new PluginError('${name}', \`option maxDelayMs must be a number of ms >= 0, got \${String(maxDelayMs)}\`);
  }
  const plugin = definePlugin({
    name: '${name}',
    commands: { first: ${range.first}, last: ${range.last} },
    commandNames: ${pascal}Command,
    setup: (ctx) => {
      const handlers = new ${pascal}Handlers(ctx.clock, maxDelayMs);
      return { handlers: handlers.handlers, stop: () => handlers.dispose(), stats: () => ({ pending: handlers.pending }) };
    },
  });
  return Object.freeze({ ...plugin, commandNames: ${pascal}Command });
}
`,
  });

  files.push({
    path: 'src/index.ts',
    content: `export * from './commands.js';
export { ${pascal}Handlers } from './handlers.js';
export * from './plugin.js';
`,
  });

  files.push({
    path: `test/${name}.test.ts`,
    content: `import { createTestRuntime } from '@switchyard/testing';
import { describe, expect, it } from 'vitest';
import { echo, ${camel}Plugin, ${pascal}Command, ${pascal}Error } from '../src/index.js';

describe('${name} plugin', () => {
  it('claims its range and names its commands', () => {
    const plugin = ${camel}Plugin();
    expect(plugin.name).toBe('${name}');
    expect(plugin.commands).toEqual({ first: ${range.first}, last: ${range.last} });
    expect(plugin.commandNames.Echo).toBe(${range.first});
    expect(${pascal}Command.Echo).toBeGreaterThanOrEqual(256);
  });

  it('echo completes after its delay on the runtime clock', async () => {
    const plugin = ${camel}Plugin();
    const t = await createTestRuntime({ plugins: [plugin] });
    try {
      let got: string | undefined;
      const done = t.rt.run(function* () {
        got = yield* echo('hello', 100);
        return got;
      });
      await t.advance(99);
      expect(got).toBeUndefined();
      expect(t.rt.stats().plugins['${name}']?.pending).toBe(1);
      await t.advance(1);
      expect(await done).toBe('hello');
      expect(t.rt.stats().plugins['${name}']?.pending).toBe(0);
    } finally {
      await t.stop();
    }
  });

  it('a process that ends while echo waits leaves no timer behind', async () => {
    const plugin = ${camel}Plugin();
    const t = await createTestRuntime({ plugins: [plugin] });
    try {
      const pid = t.rt.spawn(function* () {
        yield* echo('never', 1000);
      });
      await t.settle();
      expect(t.rt.stats().plugins['${name}']?.pending).toBe(1);
      const exit = t.rt.wait(pid);
      t.rt.cancel(pid, 'test');
      expect(await exit).toEqual({ kind: 'cancelled', reason: 'test' });
      expect(t.rt.stats().plugins['${name}']?.pending).toBe(0);
      expect(t.clock.pending).toBe(0);
    } finally {
      await t.stop();
    }
  });

  it('refuses a delay longer than maxDelayMs with a coded error the process can catch', async () => {
    const t = await createTestRuntime({ plugins: [${camel}Plugin({ maxDelayMs: 10 })] });
    try {
      const result = await t.rt.run(function* () {
        try {
          yield* echo('x', 11);
          return 'no error';
        } catch (error) {
          return (error as { code?: string }).code;
        }
      });
      expect(result).toBe('${code('DELAY_TOO_LONG')}');
    } finally {
      await t.stop();
    }
  });

  it('refuses bad options when it is created, naming the option', () => {
    expect(() => ${camel}Plugin({ maxDelayMs: -1 })).toThrow(/plugin "${name}".*maxDelayMs/);
  });

  it('echo() refuses a bad delay in the calling process with a coded error naming it', () => {
    expect(() => echo('x', -1)).toThrow(${pascal}Error);
    expect(() => echo('x', -1)).toThrow(expect.objectContaining({ code: '${code('BAD_DELAY')}' }));
    expect(() => echo('x', Number.NaN)).toThrow('echo(): ms must be a finite number >= 0, got NaN');
  });
});
`,
  });

  files.push({
    path: 'README.md',
    content: `# ${input.packageName}

A Switchyard plugin: command IDs **${ids(range)}** under the module name \`${name}\`.

\`\`\`ts
import { createRuntime } from '@switchyard/runtime';
import { ${camel}Plugin, echo } from '${input.packageName}';

const rt = createRuntime({ plugins: [${camel}Plugin()] });
await rt.start();
const value = await rt.run(function* () {
  return yield* echo('hello', 100); // 'hello', 100 ms later
});
await rt.stop();
\`\`\`

## Commands

| ID | name | helper | result |
|---|---|---|---|
| ${range.first} | Echo | \`echo(value, ms = 0)\` | \`value\`, after \`ms\` ms on the runtime clock |

## Options

- \`maxDelayMs\` (default 60 000): a longer \`echo()\` fails with \`${pascal}Error\`, code \`${code('DELAY_TOO_LONG')}\`.

A negative or non-number delay makes \`echo()\` throw \`${pascal}Error\` with code \`${code('BAD_DELAY')}\` in the
calling process, before anything is yielded.

## Layout

- \`src/commands.ts\`: the ID map \`${pascal}Command\`, the command classes and the typed helpers processes call (\`yield* echo(…)\`). Types only; no work.
- \`src/handlers.ts\`: the handlers, which do the work and complete each yield with \`receiver.completeYield(tag, …)\`, honouring \`ctx.signal\`.
- \`src/plugin.ts\`: \`${camel}Plugin()\`, which only wires: the claimed range, the handlers, the stop hook.
- \`src/index.ts\`: re-exports.

The range is also declared in \`package.json\` (\`"switchyard": { "commands": … }\`), where
\`switchyard new plugin\` looks to refuse a new plugin whose range overlaps this one.

## Scripts

\`npm test\` (vitest, on a virtual clock), \`npm run typecheck\`, \`npm run build\` (tsup: ESM + CJS + types).
`,
  });
  return files;
}
