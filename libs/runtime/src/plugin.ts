import type { BootContext } from '@switchyard/boot';
import { claimIds, ClaimTable, type ClaimSpec, type Handler } from '@switchyard/dispatcher';
import { describeValue } from '@switchyard/errors';
import type { Clock } from './clock.js';
import type { DeliveryResult } from './delivery.js';
import { PluginError } from './errors.js';
import type { ResourceTable } from './resources.js';
import type { Pid, ProcessFn, Runtime } from './types.js';

/**
 * A handler map keyed by command ID. `Handler<never>` accepts handlers typed for their
 * own command class: the registry routes only that ID to them.
 */
export type HandlerMap = Readonly<Record<number, Handler<never>>>;

/** What a plugin's setup sees. Everything a plugin keeps lives in what setup creates from this. */
export interface PluginContext {
  readonly name: string;
  readonly runtime: Runtime;
  readonly clock: Clock;
  /** Values earlier boot components provided. */
  readonly boot: BootContext;
  /** The runtime's one resource table: every live thing a process owns goes here. */
  readonly resources: ResourceTable;
  /**
   * Put a message in a process's mailbox, within its bound. `'full'`: refused (policy `error`);
   * `'dropped'`: dropped by the mailbox policy; `'noproc'`: the process is gone. `onTaken` is called
   * once, `true` when the process receives the message and `false` when it is discarded unread:
   * a plugin that streams messages keeps a credit with it and applies its own overflow policy.
   */
  deliver(pid: Pid, topic: string, payload: unknown, onTaken?: (taken: boolean) => void): DeliveryResult;
}

export interface PluginSetup {
  handlers?: HandlerMap;
  /** After every plugin loaded and the registry froze. */
  start?: () => void | Promise<void>;
  /** At shutdown, in reverse boot order, after all processes ended. */
  stop?: () => void | Promise<void>;
  /** Counters about this installation, shown in `rt.stats().plugins[name]`. */
  stats?: () => Record<string, number>;
  /** Process functions spawnable by name (`rt.spawn('billing.worker', …)`). */
  processes?: Readonly<Record<string, ProcessFn<never[], unknown>>>;
}

export interface PluginSpec {
  /** The module name; for system IDs (1–255) it must be the range's owner (e.g. "clock"). */
  name: string;
  /** The IDs this plugin owns: an inclusive range or a list. */
  commands: ClaimSpec;
  dependsOn?: readonly string[];
  handlers?: HandlerMap;
  /** Names of the commands by ID map (e.g. `ClockCommand`), for tools such as `switchyard run --inspect-commands`. */
  commandNames?: Readonly<Record<string, number>>;
  setup?: (ctx: PluginContext) => PluginSetup | void | Promise<PluginSetup | void>;
}

export interface Plugin extends Readonly<PluginSpec> {
  readonly dependsOn: readonly string[];
}

const NAME = /^[a-z0-9][a-z0-9._-]*$/i;

/**
 * Define a plugin: the IDs it claims and the handlers (static, or built in `setup`) it
 * registers for them. Problems that do not depend on other plugins (bad IDs, a system range
 * owned by another module, a static handler for an ID it does not claim) are refused here, at once.
 */
export function definePlugin(spec: PluginSpec): Plugin {
  const name = spec?.name;
  if (typeof name !== 'string' || !NAME.test(name)) {
    throw new PluginError(String(name), 'name must be a non-empty string of letters, digits, ".", "_" or "-"');
  }
  if (spec.commands === undefined || spec.commands === null) throw new PluginError(name, 'commands is required ({ first, last } or a list of IDs)');
  // Validates every ID (naming the value) and the system-range owner.
  new ClaimTable().claim(name, spec.commands);
  if (spec.setup !== undefined && typeof spec.setup !== 'function') throw new PluginError(name, `setup must be a function, got ${describeValue(spec.setup)}`);
  if (spec.handlers !== undefined) {
    if (typeof spec.handlers !== 'object' || spec.handlers === null) {
      throw new PluginError(name, 'handlers must be an object mapping command IDs to handler functions');
    }
    const claimed = new Set(claimIds(spec.commands, name));
    for (const key of Object.keys(spec.handlers)) {
      const id = Number(key);
      if (!claimed.has(id)) throw new PluginError(name, `has a handler for command ID ${key}, which it does not claim`);
      const h = (spec.handlers as Record<string, unknown>)[key];
      if (typeof h !== 'function') throw new PluginError(name, `the handler for command ID ${key} must be a function, got ${describeValue(h)}`);
    }
  }
  const dependsOn = spec.dependsOn ?? [];
  if (!Array.isArray(dependsOn) || dependsOn.some((d) => typeof d !== 'string')) {
    throw new PluginError(name, 'dependsOn must be an array of plugin names');
  }
  return Object.freeze({ ...spec, dependsOn: Object.freeze([...dependsOn]) });
}
