import { definePlugin, type Plugin } from '@switchyard/runtime';
import { boolOption, checkKeys, describeValue, intOption, OptionError } from '@switchyard/errors';
import { HttpCommand } from './commands.js';
import { DEFAULT_MAX_BYTES, HttpClient } from './client.js';
import { HttpHandlers } from './handlers.js';
import { compile, HttpServer, type Route, type ServerOptions } from './server.js';

const SERVER_KEYS = ['port', 'host', 'routes', 'bodyLimit', 'headersTimeout', 'shutdownTimeout', 'log'];

function checkServer(server: unknown): ServerOptions {
  const where = 'httpPlugin({ server })';
  const s = checkKeys(where, server, SERVER_KEYS, 'HTTP_BAD_OPTION');
  intOption(where, s, 'port', 0, { max: 65535 }, 'HTTP_BAD_OPTION');
  if (s.port === undefined) throw new OptionError(where, 'port', 'is required (0 for an ephemeral port)', 'HTTP_BAD_OPTION');
  if (s.host !== undefined && typeof s.host !== 'string') throw new OptionError(where, 'host', `must be a string, got ${describeValue(s.host)}`, 'HTTP_BAD_OPTION');
  if (!Array.isArray(s.routes)) throw new OptionError(where, 'routes', `must be an array of routes, got ${describeValue(s.routes)}`, 'HTTP_BAD_OPTION');
  (s.routes as Route[]).forEach(compile);
  intOption(where, s, 'bodyLimit', 0, {}, 'HTTP_BAD_OPTION');
  intOption(where, s, 'headersTimeout', 0, { min: 1 }, 'HTTP_BAD_OPTION');
  intOption(where, s, 'shutdownTimeout', 0, {}, 'HTTP_BAD_OPTION');
  if (s.log !== undefined && typeof s.log !== 'function') throw new OptionError(where, 'log', `must be a function, got ${describeValue(s.log)}`, 'HTTP_BAD_OPTION');
  return s as unknown as ServerOptions;
}

export interface HttpPluginOptions {
  /** Refuse requests to private, loopback and link-local addresses, judged on the resolved address. Default false. */
  blockPrivate?: boolean;
  /** Connections per origin in the plugin's undici Agent. Default: no limit. */
  connections?: number;
  /** Default maxBytes of a request. Default 120 MiB. */
  maxBytes?: number;
  /** Serve HTTP: listen at rt.start(), route requests to processes, drain at rt.stop(). */
  server?: ServerOptions;
}

const WHERE = 'httpPlugin()';

/** The HTTP module (IDs 60–79): an undici client, and optionally a server that runs a process per request. */
export function httpPlugin(options: HttpPluginOptions = {}): Plugin {
  const o = checkKeys(WHERE, options, ['blockPrivate', 'connections', 'maxBytes', 'server'], 'HTTP_BAD_OPTION');
  const clientOptions = {
    blockPrivate: boolOption(WHERE, o, 'blockPrivate', false, 'HTTP_BAD_OPTION'),
    connections: o.connections === undefined ? undefined : intOption(WHERE, o, 'connections', 0, { min: 1 }, 'HTTP_BAD_OPTION'),
    maxBytes: intOption(WHERE, o, 'maxBytes', DEFAULT_MAX_BYTES, {}, 'HTTP_BAD_OPTION'),
  };
  const serverOptions = o.server === undefined ? undefined : checkServer(o.server);
  return definePlugin({
    name: 'http',
    // Bodies can be stream handles: the stream commands must be there to read and write them.
    dependsOn: ['stream'],
    commands: { first: 60, last: 79 },
    commandNames: HttpCommand,
    setup: (ctx) => {
      const client = new HttpClient(ctx.resources, clientOptions);
      const server = serverOptions === undefined ? undefined : new HttpServer(ctx, serverOptions);
      const h = new HttpHandlers(client, server);
      return {
        handlers: h.handlers,
        stats: () => ({
          requests: client.requests,
          inFlight: client.inFlight,
          agents: client.agentCount,
          ...(server === undefined ? {} : { port: server.port, served: server.requests, serving: server.active }),
        }),
        start: () => server?.listen(),
        stop: async () => {
          await server?.stop();
          await client.close();
        },
      };
    },
  });
}
