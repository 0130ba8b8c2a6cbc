import { definePlugin, type Plugin } from '@switchyard/runtime';
import { ExecCommand } from './commands.js';
import { ExecHandlers } from './handlers.js';

export interface ExecPluginOptions {
  /** Default grace period between SIGTERM and SIGKILL when a child is stopped, ms. Default 2000. */
  grace?: number;
  /** Default cap of captured output per stream, bytes. Default 1 MiB. */
  maxCapture?: number;
}

export interface ExecPlugin extends Plugin {
  /** Children started and not yet exited, in the runtime the plugin is installed in. */
  activeChildren(): number;
}

/** The exec module: child OS processes (IDs 150–159). A child is owned by the process that started it. */
export function execPlugin(options: ExecPluginOptions = {}): ExecPlugin {
  const grace = options.grace ?? 2000;
  const maxCapture = options.maxCapture ?? 1024 * 1024;
  if (!(typeof grace === 'number' && grace >= 0 && Number.isFinite(grace))) throw new RangeError(`execPlugin(): grace must be a finite number of ms >= 0, got ${String(grace)}`);
  if (!(Number.isInteger(maxCapture) && maxCapture >= 0)) throw new RangeError(`execPlugin(): maxCapture must be an integer >= 0, got ${String(maxCapture)}`);
  let handlers: ExecHandlers | undefined;
  const plugin = definePlugin({
    name: 'exec',
    commands: { first: 150, last: 159 },
    commandNames: ExecCommand,
    setup: (ctx) => {
      handlers = new ExecHandlers(ctx, { grace, maxCapture });
      return { handlers: handlers.handlers, stop: () => handlers?.dispose() };
    },
  });
  return Object.freeze({ ...plugin, activeChildren: () => handlers?.active ?? 0 });
}
