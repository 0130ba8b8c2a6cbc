import { definePlugin, type Plugin } from '@switchyard/runtime';
import { WorkflowCommand } from './commands.js';
import { WorkflowHandlers } from './handlers.js';
import { resolveOptions, type WorkflowPluginOptions } from './options.js';

/**
 * Durable workflows (IDs 180–189) journaled in SQLite. Options are checked here, at once.
 *
 *     workflowPlugin({ file: 'workflows.db', workflows: [order], attributes: { customer: 'keyword' } })
 *
 * Without `file` the journal is in memory (DEFAULT_WORKFLOW_OPTIONS): it boots with no options,
 * but its runs are lost when the runtime stops; `rt.stats().plugins.workflow.durable` is 0 then.
 */
export function workflowPlugin(options: WorkflowPluginOptions = {}): Plugin {
  const resolved = resolveOptions(options);
  return definePlugin({
    name: 'workflow',
    commands: { first: 180, last: 189 },
    commandNames: WorkflowCommand,
    setup: (ctx) => {
      const h = new WorkflowHandlers(ctx, resolved);
      return { handlers: h.handlers, start: () => h.open(), stop: () => h.close(), stats: () => ({ ...h.stats() }) };
    },
  });
}
