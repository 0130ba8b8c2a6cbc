/**
 * The launcher as a `switchyard run` app:
 *   npx switchyard run examples/launcher/src/launcher.app.ts -- [services.json] [--duration <ms>]
 * Without a file it runs the bundled demo. It shows the same status table and takes the same
 * stdin commands as `npm start`; Ctrl-C is the CLI's graceful stop (exit 130).
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineApp } from 'switchyard';
import { createLauncherApp } from './app.js';
import { parseLauncherArgs } from './args.js';
import { attachStdin, StatusView } from './ui.js';

const demo = fileURLToPath(new URL('../demo/services.json', import.meta.url));

export default defineApp(async ({ argv, cwd }) => {
  const args = parseLauncherArgs(argv);
  const view = new StatusView({ out: process.stdout, tty: process.stdout.isTTY === true });
  const app = await createLauncherApp(args.file === undefined ? demo : resolve(cwd, args.file), { log: (record) => view.log(record) });
  return {
    ...app,
    *main(ctx, { runtime }) {
      const launcher = app.attach(runtime, ctx.pid);
      view.attach(launcher);
      let interrupted = false;
      const closeInput = attachStdin(launcher, view, {
        // Ctrl-C read as a key: hand it to the CLI as the SIGINT it expects (graceful stop,
        // exit 130). A second one ends the launcher at once; exec's ownership still stops
        // every service (SIGTERM, then SIGKILL), which the CLI's own "second signal exits
        // now" would not wait for.
        onInterrupt: () => {
          if (!interrupted) process.kill(process.pid, 'SIGINT');
          else runtime.terminate(ctx.pid);
          interrupted = true;
        },
        onQuit: () => runtime.cancel(ctx.pid, 'quit'),
      });
      const timer = args.durationMs === undefined ? undefined : setTimeout(() => runtime.cancel(ctx.pid, `ran for ${args.durationMs} ms`), args.durationMs);
      try {
        return yield* app.main(ctx);
      } finally {
        clearTimeout(timer);
        closeInput();
        view.printTable();
        view.close();
      }
    },
  };
});
