// The launcher's command line: node --conditions=@switchyard/source --import tsx src/main.ts <services.json> [--duration <ms>]
import process from 'node:process';
import { createRuntime, describeExit } from '@switchyard/runtime';
import { createLauncherApp } from './app.js';
import { ServicesFileError } from './config.js';
import { commandLine, StatusView } from './ui.js';

const USAGE = 'usage: launcher <services.json> [--duration <ms>]';

class UsageError extends Error {}

function parseArgs(argv: readonly string[]): { file: string; durationMs: number | undefined } {
  let file: string | undefined;
  let durationMs: number | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--duration') {
      const v = Number(argv[++i]);
      if (!Number.isFinite(v) || v <= 0) throw new UsageError(`--duration needs a number of ms > 0, got ${argv[i] ?? 'nothing'}`);
      durationMs = v;
    } else if (a.startsWith('-')) {
      throw new UsageError(`unknown option ${a}`);
    } else if (file === undefined) {
      file = a;
    } else {
      throw new UsageError(`one services file only, got ${file} and ${a}`);
    }
  }
  if (file === undefined) throw new UsageError('no services file given');
  return { file, durationMs };
}

async function main(argv: readonly string[]): Promise<number> {
  let args: ReturnType<typeof parseArgs>;
  try {
    args = parseArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`launcher: ${error.message}\n${USAGE}\n`);
    return 2;
  }
  const view = new StatusView({ out: process.stdout, tty: process.stdout.isTTY === true });
  let app: Awaited<ReturnType<typeof createLauncherApp>>;
  try {
    app = await createLauncherApp(args.file, { log: (record) => view.log(record) });
  } catch (error) {
    if (!(error instanceof ServicesFileError)) throw error;
    process.stderr.write(`launcher: ${error.message}\n`);
    return 2;
  }
  // Services get their grace period, plus a margin, before the runtime gives up on them.
  const rt = createRuntime({ plugins: app.plugins, stopTimeoutMs: app.stopTimeoutMs });
  await rt.start();
  const pid = rt.spawn(app.main);
  const launcher = app.attach(rt, pid);
  view.attach(launcher);

  let stopping = false;
  const stop = (reason: string) => {
    if (!stopping) {
      stopping = true;
      rt.cancel(pid, reason);
      return;
    }
    // Asked twice: no more patience. The children are still stopped (SIGTERM, then SIGKILL) by exec's ownership.
    rt.terminate(pid);
  };
  const onSigint = () => stop('SIGINT');
  const onSigterm = () => stop('SIGTERM');
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigterm);
  const timer = args.durationMs === undefined ? undefined : setTimeout(() => stop(`ran for ${args.durationMs} ms`), args.durationMs);
  const closeInput = commandLine(process.stdin, process.stdin.isTTY === true, launcher, view, () => stop('quit'));

  const exit = await launcher.wait();
  clearTimeout(timer);
  closeInput();
  process.stdin.destroy();
  view.printTable();
  view.close();
  await rt.stop();
  process.off('SIGINT', onSigint);
  process.off('SIGTERM', onSigterm);
  if (exit.kind === 'normal') return 0;
  process.stderr.write(`launcher: ended abnormally (${describeExit(exit)})\n`);
  return 1;
}

process.exitCode = await main(process.argv.slice(2));
