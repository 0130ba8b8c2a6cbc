import type { CommandBase } from '@switchyard/dispatcher';
import type { Runtime } from '@switchyard/runtime';
import {
  cancelWorkflow,
  describeWorkflow,
  listWorkflows,
  signalWorkflow,
  startWorkflow,
  workflowResult,
  workflowsReady,
  type RunFilter,
  type RunInfo,
  type StartOptions,
  type Workflow,
} from './commands.js';

/** The workflow commands as promises, for code outside processes (HTTP handlers, tests, scripts). */
export interface WorkflowClient {
  start<I, O>(workflow: Workflow<I, O>, input: I, options?: StartOptions): Promise<string>;
  /** Start and wait for the result. */
  execute<I, O>(workflow: Workflow<I, O>, input: I, options?: StartOptions): Promise<O>;
  result<O = unknown>(runId: string): Promise<O>;
  signal(runId: string, topic: string, payload?: unknown): Promise<void>;
  cancel(runId: string, reason?: string): Promise<boolean>;
  describe(runId: string): Promise<RunInfo>;
  list(filter?: RunFilter): Promise<RunInfo[]>;
  /** Resolves once the runs open at boot have been recovered. */
  ready(): Promise<void>;
}

/**
 * A client for a started runtime with the workflow plugin. Each call runs one short process
 * that yields the command, so it goes through the same checks as a process's own yield.
 */
export function workflowClient(rt: Runtime): WorkflowClient {
  const call = <T>(cmd: CommandBase<T>): Promise<T> =>
    rt.run(function* client() {
      return yield* cmd;
    });
  return {
    start: (workflow, input, options) => call(startWorkflow(workflow, input, options)),
    execute: async <I, O>(workflow: Workflow<I, O>, input: I, options?: StartOptions): Promise<O> => {
      const id = await call(startWorkflow(workflow, input, options));
      return call(workflowResult<O>(id));
    },
    result: <O>(runId: string) => call(workflowResult<O>(runId)),
    signal: (runId, topic, payload) => call(signalWorkflow(runId, topic, payload)),
    cancel: (runId, reason) => call(cancelWorkflow(runId, reason)),
    describe: (runId) => call(describeWorkflow(runId)),
    list: (filter) => call(listWorkflows(filter)),
    ready: () => call(workflowsReady()),
  };
}
