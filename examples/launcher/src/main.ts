// The launcher's command line: node --conditions=@switchyard/source --import tsx src/main.ts <services.json> [--duration <ms>]
import process from 'node:process';
import { createRuntime, describeExit } from '@switchyard/runtime';
import { createLauncherApp } from './app.js';
import { LauncherUsageError, parseLauncherArgs, USAGE } from './args.js';
import { ServicesFileError } from './config.js';
import { attachStdin, StatusView } from './ui.js';

async function main(argv: readonly string[]): Promise<number> {
  let args: { file: string; durationMs: number | undefined };
  try {
    const parsed = parseLauncherArgs(argv);
    if (parsed.file === undefined) throw new LauncherUsageError('no services file given');
    args = { file: parsed.file, durationMs: parsed.durationMs };
  } catch (error) {
    if (!(error instanceof LauncherUsageError)) throw error;
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
  // On a terminal Ctrl-C arrives as a key (raw mode), not as a SIGINT to every service.
  const closeInput = attachStdin(launcher, view, { onInterrupt: () => stop('SIGINT'), onQuit: () => stop('quit') });

  const exit = await launcher.wait();
  clearTimeout(timer);
  closeInput();
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
