export * from './commands.js';
export { WorkflowError, NondeterminismError, CommandNotDurableError, NotEncodableError, type WorkflowErrorCode, type CommandIdentity } from './errors.js';
export { idempotencyKeyOf } from './run.js';
export type { WorkflowStats } from './handlers.js';
export { DEFAULT_WORKFLOW_OPTIONS, MEMORY_JOURNAL, type WorkflowPluginOptions } from './options.js';
export * from './plugin.js';
export * from './client.js';
export { replayHistories, type ReplayOptions, type ReplayReport, type ReplayFailure } from './replayer.js';
