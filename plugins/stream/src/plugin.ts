import { definePlugin, type Plugin } from '@switchyard/runtime';
import { checkKeys, OptionError } from '@switchyard/errors';
import { StreamCommand } from './commands.js';
import { StreamHandlers } from './handlers.js';

export interface StreamPluginOptions {
  /** Open (58) reaches only files under this directory. Default: any path the OS allows. */
  root?: string;
}

/** The stream module (IDs 50–59): byte streams in the runtime's resource table, owned by processes. */
export function streamPlugin(options: StreamPluginOptions = {}): Plugin {
  const o = checkKeys('streamPlugin()', options, ['root'], 'STREAM_BAD_OPTION');
  if (o.root !== undefined && (typeof o.root !== 'string' || o.root === '')) throw new OptionError('streamPlugin()', 'root', 'must be a non-empty path', 'STREAM_BAD_OPTION');
  const root = o.root as string | undefined;
  return definePlugin({
    name: 'stream',
    commands: { first: 50, last: 59 },
    commandNames: StreamCommand,
    setup: (ctx) => {
      const h = new StreamHandlers(ctx, { root });
      const setup = { handlers: h.handlers, stats: () => h.stats() };
      return setup;
    },
  });
}
