import { definePlugin, type Plugin } from '@switchyard/runtime';
import { SqlCommand } from './commands.js';
import { SqlHandlers } from './handlers.js';
import { DEFAULT_SQL_OPTIONS, resolveOptions, type SqlPluginOptions } from './options.js';

/** The sql plugin value; install one value in as many runtimes as you like. */
export type SqlPlugin = Plugin;

/**
 * The sql module (IDs 100–119) on SQLite. Options are checked when the runtime starts;
 * a bad one fails rt.start() with SQL_BAD_OPTIONS naming the database and the field.
 * All state lives in what `setup` creates, one per runtime; its counters are `rt.stats().plugins.sql`.
 *
 *     sqlPlugin({ databases: { main: { file: 'app.db' }, reports: { file: 'reports.db', mode: 'worker' } } })
 *
 * Without options it opens one in-memory database named "default" (DEFAULT_SQL_OPTIONS).
 */
export function sqlPlugin(options: SqlPluginOptions = DEFAULT_SQL_OPTIONS): SqlPlugin {
  return definePlugin({
    name: 'sql',
    commands: { first: 100, last: 119 },
    commandNames: SqlCommand,
    setup: (ctx) => {
      const h = new SqlHandlers(ctx, resolveOptions(options));
      return { handlers: h.handlers, stats: () => h.stats(), start: () => h.open(), stop: () => h.close() };
    },
  });
}
