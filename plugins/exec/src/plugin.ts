import { checkKeys, intOption } from '@switchyard/errors';
import { definePlugin, type Plugin } from '@switchyard/runtime';
import { ExecCommand } from './commands.js';
import { ExecHandlers } from './handlers.js';

export interface ExecPluginOptions {
  /** Default grace period between SIGTERM and SIGKILL when a child is stopped, ms. Default 2000. */
  grace?: number;
  /** Default cap of captured output per stream, bytes. Default 1 MiB. */
  maxCapture?: number;
  /**
   * Line and exit messages of one child delivered to its owner and not yet received. When the
   * owner falls this far behind, the plugin stops reading the child's output (the child blocks
   * on a full pipe) until the owner catches up. Default 256.
   */
  maxUnread?: number;
}

/** The exec plugin value; install one value in as many runtimes as you like. */
export type ExecPlugin = Plugin;

const OPTIONS = ['grace', 'maxCapture', 'maxUnread'] as const;

/**
 * The exec module: child OS processes (IDs 150–159). A child is a resource owned by the process
 * that started it. All state lives in what `setup` creates, one per runtime; its counters are
 * `rt.stats().plugins.exec`.
 */
export function execPlugin(options: ExecPluginOptions = {}): ExecPlugin {
  const o = checkKeys('execPlugin()', options, OPTIONS, 'BAD_EXEC_OPTION');
  const settings = Object.freeze({
    grace: intOption('execPlugin()', o, 'grace', 2000, { max: 0x7fffffff }, 'BAD_EXEC_OPTION'),
    maxCapture: intOption('execPlugin()', o, 'maxCapture', 1024 * 1024, { max: 2 ** 31 - 1 }, 'BAD_EXEC_OPTION'),
    maxUnread: intOption('execPlugin()', o, 'maxUnread', 256, { min: 1, max: 1_000_000 }, 'BAD_EXEC_OPTION'),
  });
  return definePlugin({
    name: 'exec',
    commands: { first: 150, last: 159 },
    commandNames: ExecCommand,
    setup: (ctx) => {
      const h = new ExecHandlers(ctx, settings);
      return { handlers: h.handlers, stats: () => h.stats(), stop: () => h.dispose() };
    },
  });
}
