import { definePlugin, type Plugin } from '@switchyard/runtime';
import { SqlCommand } from './commands.js';
import { SqlHandlers } from './handlers.js';
import { DEFAULT_SQL_OPTIONS, resolveOptions, type SqlPluginOptions } from './options.js';

export interface SqlStats {
  /** Prepared statements open (prepare/txPrepare not yet closed). */
  statements: number;
  /** Transactions open. */
  transactions: number;
  /** Statements waiting for another process's transaction to end. */
  waiting: number;
  /** Requests sent to worker threads and not yet answered. */
  inFlight: number;
  /** Worker threads running (worker-mode databases; 0 after stop). */
  workers: number;
}

export interface SqlPlugin extends Plugin {
  /** Counts for the runtime this plugin was last started in (all zero before start). */
  stats(): SqlStats;
}

/**
 * The sql module (IDs 100–119) on SQLite. Options are checked when the runtime starts;
 * a bad one fails rt.start() with SQL_BAD_OPTIONS naming the database and the field.
 *
 *     sqlPlugin({ databases: { main: { file: 'app.db' }, reports: { file: 'reports.db', mode: 'worker' } } })
 *
 * Without options it opens one in-memory database named "default" (DEFAULT_SQL_OPTIONS).
 */
export function sqlPlugin(options: SqlPluginOptions = DEFAULT_SQL_OPTIONS): SqlPlugin {
  let handlers: SqlHandlers | undefined;
  const plugin = definePlugin({
    name: 'sql',
    commands: { first: 100, last: 119 },
    commandNames: SqlCommand,
    setup: (ctx) => {
      const h = new SqlHandlers(ctx, resolveOptions(options));
      handlers = h;
      return { handlers: h.handlers, start: () => h.open(), stop: () => h.close() };
    },
  });
  return Object.freeze({
    ...plugin,
    stats: (): SqlStats => handlers?.stats() ?? { statements: 0, transactions: 0, waiting: 0, inFlight: 0, workers: 0 },
  });
}
