import { definePlugin, type Plugin } from '@switchyard/runtime';
import { boolOption, checkKeys, intOption } from '@switchyard/errors';
import { HttpCommand } from './commands.js';
import { DEFAULT_MAX_BYTES, HttpClient } from './client.js';
import { HttpHandlers } from './handlers.js';

export interface HttpPluginOptions {
  /** Refuse requests to private, loopback and link-local addresses, judged on the resolved address. Default false. */
  blockPrivate?: boolean;
  /** Connections per origin in the plugin's undici Agent. Default: no limit. */
  connections?: number;
  /** Default maxBytes of a request. Default 120 MiB. */
  maxBytes?: number;
}

const WHERE = 'httpPlugin()';

/** The HTTP module (IDs 60–79): an undici client. */
export function httpPlugin(options: HttpPluginOptions = {}): Plugin {
  const o = checkKeys(WHERE, options, ['blockPrivate', 'connections', 'maxBytes'], 'HTTP_BAD_OPTION');
  const clientOptions = {
    blockPrivate: boolOption(WHERE, o, 'blockPrivate', false, 'HTTP_BAD_OPTION'),
    connections: o.connections === undefined ? undefined : intOption(WHERE, o, 'connections', 0, { min: 1 }, 'HTTP_BAD_OPTION'),
    maxBytes: intOption(WHERE, o, 'maxBytes', DEFAULT_MAX_BYTES, {}, 'HTTP_BAD_OPTION'),
  };
  return definePlugin({
    name: 'http',
    commands: { first: 60, last: 79 },
    commandNames: HttpCommand,
    setup: (ctx) => {
      const client = new HttpClient(ctx.resources, clientOptions);
      const h = new HttpHandlers(client, undefined);
      return {
        handlers: h.handlers,
        stats: () => ({ requests: client.requests, inFlight: client.inFlight, agents: client.agentCount }),
        stop: () => client.close(),
      };
    },
  });
}
