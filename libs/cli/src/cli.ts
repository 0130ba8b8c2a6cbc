import { parseArgs } from 'node:util';
import type { App } from './app.js';
import { describeBootError } from './describe.js';
import { UsageError } from './errors.js';
import { generateMachine } from './generate/machine.js';
import { generatePlugin, type Generated } from './generate/plugin.js';
import { formatCommandTable, inspectCommands } from './inspect.js';
import { loadApp } from './load.js';
import { runApp, type RunOutcome } from './run.js';
import { VERSION } from './version.js';

/** Where the CLI writes; the bin passes the real streams, tests can pass their own. */
export interface CliIO {
  out(text: string): void;
  err(text: string): void;
  readonly cwd: string;
}

/** Exit codes of `switchyard run`. */
export const ExitCode = {
  /** main ended normally, or the app stopped cleanly on SIGTERM. */
  Ok: 0,
  /** A process failed, or the graceful stop did not finish cleanly. */
  ProcessFailed: 1,
  /** The app could not boot: bad module, bad definition, claim collision, missing dependency, cycle, bad plugin option. Also bad usage. */
  BootFailed: 2,
  /** Stopped by SIGINT (Ctrl-C), as shells expect: 128 + 2. */
  Interrupted: 130,
} as const;

const HELP = `switchyard ${VERSION}: run Switchyard apps and scaffold plugins and state machines

Usage:
  switchyard run <app> [options] [-- args...]   boot an app module and run it until main ends
  switchyard new plugin <name> --range A-B       create a plugin package claiming command IDs A..B
  switchyard new machine <Name>                  create a state-machine module and its test
  switchyard help [command]                      show help for a command

Options:
  -h, --help       show help (also after a command: switchyard run --help)
  -v, --version    print the version
`;

const RUN_HELP = `switchyard run <app> [options] [-- args...]

Loads <app> (a .ts or .js module; TypeScript is compiled on the fly) whose default export is
defineApp({ plugins, main?, processes?, commandNames?, stopTimeoutMs? }) from "switchyard"
(or defineApp(async ({ argv, cwd }) => ({ ... })) to build it from the arguments), boots its plugins, starts its processes and main, and runs until main ends, a top-level
process fails, or SIGINT/SIGTERM arrives. Then it stops gracefully: processes are cancelled
(those trapping cancels get a pid.cancel message), then plugins stop in reverse boot order.
A second SIGINT/SIGTERM exits at once. Arguments after -- reach processes as app.argv.

Options:
  --inspect-commands   list the installed plugins, their claimed ranges and each command ID
                       with its name, without starting anything; exits 2 if boot would fail
  --stop-timeout <ms>  how long a graceful stop may take (default: the app's stopTimeoutMs, or 5000)
  --verbose            print stack traces and progress
  -h, --help           show this help

Exit codes:
  0    main ended normally (or the app stopped cleanly on SIGTERM)
  1    a process failed, or the stop did not finish cleanly
  2    the app could not boot (the reason is printed as one paragraph), or bad usage
  130  stopped by SIGINT (Ctrl-C)
`;

const NEW_HELP = `switchyard new plugin <name> --range A-B [--dir <path>] [--package <npm-name>]
switchyard new machine <Name> [--dir <path>]

Scaffolding. Both refuse to overwrite any file (naming it, and writing nothing) and print
the files they wrote.
`;

const NEW_PLUGIN_HELP = `switchyard new plugin <name> --range A-B [--dir <path>] [--package <npm-name>]

Creates a plugin package in the standard shape: src/commands.ts (the ID map, command
classes and typed yield* helpers), src/handlers.ts (the work), src/plugin.ts (definePlugin:
the claimed range and the handlers), src/index.ts, a README and a passing test.

Inside a Switchyard monorepo (a package.json whose workspaces include "plugins/*") the
package goes to plugins/<name> as @switchyard/plugin-<name>; elsewhere to ./<name> as
switchyard-plugin-<name>, ready to publish.

  <name>            the plugin's module name: lowercase letters, digits and hyphens ("my-timer");
                    refused when another plugin in the workspace already uses it
  --range A-B       the command IDs it claims, 256 and up; refused when it overlaps a plugin
                    already in the workspace (or a sibling directory), naming that plugin.
                    A bare number is refused; write A-A to claim a single ID
  --dir <path>      write the package here instead
  --package <name>  the npm package name
  -h, --help        show this help
`;

const NEW_MACHINE_HELP = `switchyard new machine <Name> [--dir <path>]

Creates a state-machine module, src/<name>.ts, with typed queue and status names, a
"startup" queue and an example event queue, and its test, test/<name>.test.ts, in the
current package (or <path>). Uses @switchyard/statemachine.

  <Name>        a PascalCase identifier ("DoorLock"); the files are named door-lock.ts
  --dir <path>  the package directory to write into (default: the current directory)
  -h, --help    show this help
`;

/**
 * Run the `switchyard` command line. Resolves to the process exit code; never calls
 * process.exit itself except on a second SIGINT/SIGTERM during a stop, which must be immediate.
 */
export async function main(argv: readonly string[], io: CliIO): Promise<number> {
  try {
    const [command, ...rest] = argv;
    switch (command) {
      case undefined:
        io.err(HELP);
        return ExitCode.BootFailed;
      case '-h':
      case '--help':
        io.out(HELP);
        return ExitCode.Ok;
      case '-v':
      case '--version':
        io.out(`${VERSION}\n`);
        return ExitCode.Ok;
      case 'help':
        return help(rest, io);
      case 'run':
        return await run(rest, io);
      case 'new':
        return scaffold(rest, io);
      default:
        throw new UsageError(`unknown command "${command}"; the commands are run, new and help`);
    }
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    if (error instanceof Error && typeof code === 'string') {
      io.err(`switchyard: ${error.message}${code === 'USAGE' || code.startsWith('ERR_PARSE_ARGS') ? '\n(see switchyard --help)' : ''}\n`);
      return ExitCode.BootFailed;
    }
    throw error;
  }
}

function help(rest: readonly string[], io: CliIO): number {
  const text = rest[0] === 'run' ? RUN_HELP : rest[0] === 'new' ? (rest[1] === 'plugin' ? NEW_PLUGIN_HELP : rest[1] === 'machine' ? NEW_MACHINE_HELP : NEW_HELP) : HELP;
  io.out(text);
  return ExitCode.Ok;
}

// ------------------------------------------------------------------------------------- run

async function run(argv: readonly string[], io: CliIO): Promise<number> {
  const dashes = argv.indexOf('--');
  const own = dashes === -1 ? argv : argv.slice(0, dashes);
  const appArgs = dashes === -1 ? [] : argv.slice(dashes + 1);
  const { values, positionals } = parse(own, {
    'inspect-commands': { type: 'boolean' },
    'stop-timeout': { type: 'string' },
    verbose: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help === true) {
    io.out(RUN_HELP);
    return ExitCode.Ok;
  }
  if (positionals.length === 0) throw new UsageError('run: which app? e.g. switchyard run src/app.ts');
  if (positionals.length > 1) throw new UsageError(`run: one app module, got ${positionals.length} (${positionals.join(', ')}); put arguments for the app after --`);
  const verbose = values.verbose === true;
  let stopTimeoutMs: number | undefined;
  if (values['stop-timeout'] !== undefined) {
    stopTimeoutMs = Number(values['stop-timeout']);
    if (!Number.isFinite(stopTimeoutMs) || stopTimeoutMs <= 0) throw new UsageError(`run: --stop-timeout must be a number of ms > 0, got "${values['stop-timeout']}"`);
  }
  const file = positionals[0]!;

  let app: App;
  let label: string;
  try {
    ({ app, label } = await loadApp(file, { cwd: io.cwd, argv: appArgs }));
    label = `app "${label}"`;
  } catch (error) {
    bootFailure(error, undefined, `app ${file}`, verbose, io);
    return ExitCode.BootFailed;
  }

  if (values['inspect-commands'] === true) {
    try {
      io.out(formatCommandTable(inspectCommands(app)));
      return ExitCode.Ok;
    } catch (error) {
      bootFailure(error, app, label, verbose, io);
      return ExitCode.BootFailed;
    }
  }

  const controller = new AbortController();
  let forced: NodeJS.Signals | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    if (controller.signal.aborted) {
      forced = signal;
      io.err(`switchyard: ${signal} again: exiting without waiting for the stop\n`);
      process.exit(signal === 'SIGINT' ? ExitCode.Interrupted : 128 + 15);
    }
    io.err(`switchyard: ${signal}: stopping ${label} (send it again to exit at once)\n`);
    controller.abort(signal);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const started = Date.now();
  try {
    if (verbose) io.err(`switchyard: starting ${label} with ${app.plugins.length} plugin(s): ${app.plugins.map((p) => p.name).join(', ') || 'none'}\n`);
    const { outcome, stopErrors } = await runApp(app, { argv: appArgs, signal: controller.signal, ...(stopTimeoutMs !== undefined ? { stopTimeoutMs } : {}) });
    if (outcome.kind === 'boot-failed') {
      bootFailure(outcome.error, app, label, verbose, io);
      return ExitCode.BootFailed;
    }
    for (const e of stopErrors) io.err(`switchyard: while stopping ${label}: ${detail(e, verbose)}\n`);
    if (outcome.kind === 'failed') io.err(`switchyard: ${failure(outcome, verbose)}\n`);
    if (verbose) io.err(`switchyard: ${label} ${outcome.kind} after ${Date.now() - started} ms\n`);
    if (outcome.kind === 'failed' || stopErrors.length > 0) return ExitCode.ProcessFailed;
    if (outcome.kind === 'stopped' && outcome.reason === 'SIGINT') return ExitCode.Interrupted;
    return forced === undefined ? ExitCode.Ok : ExitCode.ProcessFailed;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

function bootFailure(error: unknown, app: App | undefined, label: string, verbose: boolean, io: CliIO): void {
  const paragraph = describeBootError(error, app, label);
  io.err(`${paragraph}${verbose ? '' : ' (run with --verbose for the stack trace)'}\n`);
  if (verbose) io.err(`${stackOf(error)}\n`);
}

function failure(outcome: Extract<RunOutcome, { kind: 'failed' }>, verbose: boolean): string {
  const who = `process "${outcome.process}"${outcome.pid === undefined ? '' : ` (${outcome.pid})`}`;
  const r = outcome.reason;
  switch (r.kind) {
    case 'error':
      return `${who} failed: ${detail(r.error, verbose)}`;
    case 'spawn':
      return `${who} could not start: ${detail(r.error, verbose)}`;
    case 'terminated':
      return `${who} was terminated`;
    case 'cancelled':
      return `${who} was cancelled: ${String(r.reason)}`;
    default:
      return `${who} ended: ${r.kind}`;
  }
}

function detail(error: unknown, verbose: boolean): string {
  if (verbose) return stackOf(error);
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return `${error.name !== 'Error' ? `${error.name}: ` : ''}${error.message}${typeof code === 'string' ? ` [${code}]` : ''}`;
  }
  return String(error);
}

function stackOf(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  let text = error.stack ?? `${error.name}: ${error.message}`;
  let cause = error.cause;
  for (let depth = 0; cause !== undefined && depth < 5; depth++) {
    text += `\ncaused by: ${cause instanceof Error ? (cause.stack ?? cause.message) : String(cause)}`;
    cause = cause instanceof Error ? cause.cause : undefined;
  }
  return text;
}

// ------------------------------------------------------------------------------------- new

function scaffold(argv: readonly string[], io: CliIO): number {
  const [what, ...rest] = argv;
  if (what === undefined || what === '-h' || what === '--help') {
    io.out(NEW_HELP);
    return what === undefined ? ExitCode.BootFailed : ExitCode.Ok;
  }
  if (what === 'plugin') {
    const { values, positionals } = parse(rest, {
      range: { type: 'string' },
      dir: { type: 'string' },
      package: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    });
    if (values.help === true) {
      io.out(NEW_PLUGIN_HELP);
      return ExitCode.Ok;
    }
    if (positionals.length > 1) throw new UsageError(`new plugin: one name, got ${positionals.join(', ')}`);
    const generated = generatePlugin({
      name: positionals[0] ?? '',
      range: str(values.range),
      cwd: io.cwd,
      ...(typeof values.dir === 'string' ? { dir: values.dir } : {}),
      ...(typeof values.package === 'string' ? { packageName: values.package } : {}),
    });
    report(`plugin ${positionals[0]}`, generated, io);
    return ExitCode.Ok;
  }
  if (what === 'machine') {
    const { values, positionals } = parse(rest, { dir: { type: 'string' }, help: { type: 'boolean', short: 'h' } });
    if (values.help === true) {
      io.out(NEW_MACHINE_HELP);
      return ExitCode.Ok;
    }
    if (positionals.length > 1) throw new UsageError(`new machine: one name, got ${positionals.join(', ')}`);
    const generated = generateMachine({ name: positionals[0] ?? '', cwd: io.cwd, ...(typeof values.dir === 'string' ? { dir: values.dir } : {}) });
    report(`machine ${positionals[0]}`, generated, io);
    return ExitCode.Ok;
  }
  throw new UsageError(`new: unknown kind "${what}"; use "new plugin <name> --range A-B" or "new machine <Name>"`);
}

function report(what: string, g: Generated, io: CliIO): void {
  io.out(`created ${what} in ${g.dir}:\n${g.files.map((f) => `  ${f}\n`).join('')}${g.next.length > 0 ? `next:\n${g.next.map((n) => `  ${n}\n`).join('')}` : ''}`);
}

const str = (v: string | boolean | undefined): string | undefined => (typeof v === 'string' ? v : undefined);

type OptionSpec = Record<string, { type: 'string' | 'boolean'; short?: string }>;

function parse(args: readonly string[], options: OptionSpec): { values: Record<string, string | boolean | undefined>; positionals: string[] } {
  try {
    const { values, positionals } = parseArgs({ args: [...args], options, allowPositionals: true, strict: true });
    return { values: values as Record<string, string | boolean | undefined>, positionals };
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}
