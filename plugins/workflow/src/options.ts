import { checkKeys, intOption, oneOf, OptionError } from '@switchyard/errors';
import type { Synchronous } from '@switchyard/sqlite';
import type { AnyWorkflow, AttributeType, Workflow } from './commands.js';
import { ATTRIBUTE_TYPES } from './query.js';

export interface WorkflowPluginOptions {
  /**
   * The SQLite file of the journal. Default ":memory:": an in-memory journal of this runtime
   * only, NOT durable (its runs are lost when the runtime stops or the Node process exits).
   * Give a file to make runs survive restarts.
   */
  file?: string;
  /** The workflows this runtime can run. Default none. */
  workflows?: readonly AnyWorkflow[];
  /** Search attributes runs may set, by type. */
  attributes?: Readonly<Record<string, AttributeType>>;
  /** Default 'FULL': every commit is synced to disk. 'NORMAL' may lose the last commits on a power cut (never on a process crash). */
  synchronous?: 'FULL' | 'NORMAL';
  /**
   * Who holds this runtime's leases. Default: unique per runtime, so a restarted process waits
   * for its old leases to expire. Give a node that restarts in place a stable owner to resume its
   * runs at once; never give one owner to two live runtimes.
   */
  owner?: string;
  /** How long a lease lasts without renewal, ms (default 30000). */
  leaseMs?: number;
  /** Closed runs are deleted this long after they closed, ms (default 7 days; 0 keeps them forever). */
  retentionMs?: number;
  /** SQLite busy timeout, ms (default 5000). */
  busyTimeoutMs?: number;
}

export interface ResolvedOptions {
  readonly file: string;
  readonly workflows: ReadonlyMap<string, Workflow<unknown, unknown>>;
  readonly attributes: Readonly<Record<string, AttributeType>>;
  readonly synchronous: Synchronous;
  readonly owner: string | undefined;
  readonly leaseMs: number;
  readonly retentionMs: number;
  readonly busyTimeoutMs: number;
}

/** The journal file when none is given: in memory, one per runtime, not durable. */
export const MEMORY_JOURNAL = ':memory:';

/** What `workflowPlugin()` means: an in-memory journal (not durable) and no workflows yet. */
export const DEFAULT_WORKFLOW_OPTIONS: Readonly<{ file: string; workflows: readonly AnyWorkflow[] }> = Object.freeze({ file: MEMORY_JOURNAL, workflows: Object.freeze([]) });

const WHERE = 'workflowPlugin()';
const CODE = 'WORKFLOW_BAD_OPTIONS';

export function resolveOptions(options: WorkflowPluginOptions = {}): ResolvedOptions {
  const o = checkKeys(WHERE, options, ['file', 'workflows', 'attributes', 'synchronous', 'owner', 'leaseMs', 'retentionMs', 'busyTimeoutMs'], CODE);
  const file = o.file ?? MEMORY_JOURNAL;
  if (typeof file !== 'string' || file === '') throw new OptionError(WHERE, 'file', 'must be the path of the journal\'s SQLite file (or ":memory:", the default)', CODE);
  const list = o.workflows ?? [];
  if (!Array.isArray(list)) throw new OptionError(WHERE, 'workflows', 'must be an array of workflows from defineWorkflow()', CODE);
  const workflows = new Map<string, Workflow<unknown, unknown>>();
  (list as unknown[]).forEach((w, i) => {
    const def = w as Workflow<unknown, unknown>;
    if (typeof def !== 'object' || def === null || typeof def.name !== 'string' || typeof def.fn !== 'function') {
      throw new OptionError(WHERE, `workflows[${i}]`, 'is not a workflow from defineWorkflow()', CODE);
    }
    if (workflows.has(def.name)) throw new OptionError(WHERE, 'workflows', `registers "${def.name}" twice`, CODE);
    workflows.set(def.name, def);
  });
  const attributes: Record<string, AttributeType> = {};
  const attrs = o.attributes ?? {};
  if (typeof attrs !== 'object' || attrs === null) throw new OptionError(WHERE, 'attributes', 'must map names to types', CODE);
  for (const [k, t] of Object.entries(attrs)) {
    if (!/^[A-Za-z][A-Za-z0-9_]{0,63}$/.test(k)) throw new OptionError(WHERE, `attributes.${k}`, 'must be named by a letter then letters, digits or "_"', CODE);
    if (!ATTRIBUTE_TYPES.includes(t as AttributeType)) throw new OptionError(WHERE, `attributes.${k}`, `has type ${JSON.stringify(t)}; use one of ${ATTRIBUTE_TYPES.join(', ')}`, CODE);
    attributes[k] = t as AttributeType;
  }
  if (o.owner !== undefined && (typeof o.owner !== 'string' || o.owner === '')) throw new OptionError(WHERE, 'owner', 'must be a non-empty string', CODE);
  return {
    file,
    workflows,
    attributes,
    synchronous: oneOf(WHERE, o, 'synchronous', ['FULL', 'NORMAL'], 'FULL', CODE),
    owner: o.owner as string | undefined,
    leaseMs: intOption(WHERE, o, 'leaseMs', 30_000, { min: 100 }, CODE),
    retentionMs: intOption(WHERE, o, 'retentionMs', 7 * 24 * 3600_000, { min: 0 }, CODE),
    busyTimeoutMs: intOption(WHERE, o, 'busyTimeoutMs', 5000, { min: 0 }, CODE),
  };
}
