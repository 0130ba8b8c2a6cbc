import type { Command } from '@switchyard/dispatcher';
import { CoreCommand, type HostAnswer, type ProcessContext } from '@switchyard/runtime';
import { decode, encode } from './codec.js';
import { TimerCmd, type AnyWorkflow, type RunStatus, type Workflow } from './commands.js';
import { WorkflowError } from './errors.js';
import { Journal, type RunRow } from './journal.js';
import { Run, type RunOwner } from './run.js';

export interface ReplayOptions {
  /** The journal file. */
  file: string;
  /** The workflow code to check (the new deploy). */
  workflows: readonly AnyWorkflow[];
  /** Which runs to replay; default the closed ones ('completed' and 'failed'). */
  status?: readonly RunStatus[];
  /** At most this many runs, newest first (default 10000). */
  limit?: number;
}

export interface ReplayFailure {
  readonly runId: string;
  readonly workflow: string;
  readonly error: Error;
}

export interface ReplayReport {
  /** Runs replayed. */
  readonly checked: number;
  /** Runs skipped because no workflow of that name was given. */
  readonly skipped: number;
  readonly failures: readonly ReplayFailure[];
}

const NOOP_OWNER: RunOwner = { pending: () => false, record() {}, recordMarker() {}, exited() {} };

/**
 * Replay recorded runs against workflow code without running any handler (Temporal's
 * replayer): every command the code yields must match the journal at its position, a run must
 * not stop before its journal ends, and a completed run must return the recorded result. Use it
 * in CI with a journal from production or from the test suite to check a code change.
 */
export function replayHistories(options: ReplayOptions): ReplayReport {
  const defs = new Map<string, Workflow<unknown, unknown>>();
  for (const w of options.workflows) defs.set(w.name, w as unknown as Workflow<unknown, unknown>);
  const statuses = options.status ?? ['completed', 'failed'];
  const journal = new Journal(options.file, 'NORMAL', 5000, 'replayer', 1, () => 0, () => undefined);
  const failures: ReplayFailure[] = [];
  let checked = 0;
  let skipped = 0;
  try {
    const rows = journal.db
      .prepare(`SELECT * FROM wf_runs WHERE status IN (${statuses.map(() => '?').join(', ')}) ORDER BY created_at DESC, id DESC LIMIT ?`)
      .all(...statuses, options.limit ?? 10_000) as RunRow[];
    for (const row of rows) {
      const def = defs.get(row.workflow);
      if (def === undefined) {
        skipped++;
        continue;
      }
      checked++;
      const error = replayOne(journal, row, def);
      if (error !== undefined) failures.push({ runId: row.id, workflow: row.workflow, error });
    }
  } finally {
    journal.close();
  }
  return { checked, skipped, failures };
}

function replayOne(journal: Journal, row: RunRow, def: Workflow<unknown, unknown>): Error | undefined {
  const run = new Run(NOOP_OWNER, row.id, def, row.generation, decode(row.input), journal.load(row.id));
  run.historyComplete = row.status !== 'running';
  const body = run.body({ pid: '{replay|0x00000}' } as ProcessContext);
  let position = 0;
  let ans: HostAnswer = { ok: true, value: undefined };
  try {
    for (;;) {
      const r = ans.ok ? body.next(ans.value) : body.throw(ans.error);
      if (r.done) {
        if (row.status === 'completed' && row.result !== null) {
          const got = encode(r.value, `workflow run "${row.id}" result`);
          if (got !== row.result) return new WorkflowError('WORKFLOW_NONDETERMINISM', `workflow run "${row.id}" replayed to another result than the one recorded`, row.id);
        }
        return undefined;
      }
      const cmd = r.value;
      const group = cmd.id === CoreCommand.All || cmd.id === CoreCommand.Race;
      const members = group ? (cmd as Command & { commands: readonly Command[] }).commands : [cmd];
      const answers: (HostAnswer | undefined)[] = [];
      for (const m of members) {
        const a = run.beforeDispatch({ pid: '', position: ++position, cmd: m });
        if (a === undefined && !(m instanceof TimerCmd && m.never)) {
          return new WorkflowError(
            'WORKFLOW_NONDETERMINISM',
            `workflow run "${row.id}" yields command ${m.id} at a position its journal does not have: the code does more than the recorded run did`,
            row.id,
          );
        }
        answers.push(a);
      }
      if (!group) ans = answers[0]!;
      else if (cmd.id === CoreCommand.Race) ans = answers.find((a) => a !== undefined)!;
      else ans = answers.find((a) => !a!.ok) ?? { ok: true, value: answers.map((a) => (a as { value: unknown }).value) };
    }
  } catch (error) {
    if (error instanceof WorkflowError && (error.code === 'WORKFLOW_NONDETERMINISM' || error.code === 'WORKFLOW_VERSION_UNSUPPORTED')) return error;
    // The workflow failed: that is a replay only if the run failed the same way.
    if (row.status === 'failed') return undefined;
    return error instanceof Error ? error : new Error(String(error));
  } finally {
    body.return(undefined);
  }
}
