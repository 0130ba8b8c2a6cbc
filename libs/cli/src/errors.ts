import { SwitchyardError } from '@switchyard/dispatcher';

/** The command line is wrong: an unknown option, a missing argument. */
export class UsageError extends SwitchyardError {
  constructor(message: string) {
    super('USAGE', message);
  }
}

/** The app module could not be found or failed while it was imported. */
export class AppLoadError extends SwitchyardError {
  readonly path: string;
  constructor(path: string, message: string, options?: { cause?: unknown }) {
    super('APP_LOAD', message, options);
    this.path = path;
  }
}

/** The app module's export is not a valid app definition. `field` names the part at fault. */
export class AppDefinitionError extends SwitchyardError {
  readonly field: string;
  constructor(field: string, message: string) {
    super('BAD_APP', `${field}: ${message}`);
    this.field = field;
  }
}

/** A plugin or machine name that is not npm-safe or not identifier-safe. */
export class InvalidNameError extends SwitchyardError {
  readonly value: string;
  constructor(value: string, message: string) {
    super('BAD_NAME', message);
    this.value = value;
  }
}

/** A --range that is malformed, below 256 or above 65535. */
export class InvalidRangeError extends SwitchyardError {
  readonly value: string;
  constructor(value: string, message: string) {
    super('BAD_RANGE', message);
    this.value = value;
  }
}

/** A --range that overlaps a plugin already in the workspace. */
export class RangeOverlapError extends SwitchyardError {
  readonly owner: string;
  readonly ownerIds: { readonly first: number; readonly last: number };
  readonly where: string;
  constructor(requested: { first: number; last: number }, owner: string, ownerIds: { first: number; last: number }, where: string) {
    super(
      'RANGE_OVERLAP',
      `${requested.first === requested.last ? 'command ID' : 'command IDs'} ${span(requested)} ${requested.first === requested.last ? 'overlaps' : 'overlap'} plugin "${owner}" (${where}), which claims ${span(ownerIds)}; pick a range that no plugin claims`,
    );
    this.owner = owner;
    this.ownerIds = ownerIds;
    this.where = where;
  }
}

/** `switchyard new plugin <name>` with a name another plugin in the workspace already uses. */
export class PluginNameTakenError extends SwitchyardError {
  readonly pluginName: string;
  readonly where: string;
  constructor(pluginName: string, where: string) {
    super(
      'PLUGIN_NAME_TAKEN',
      `plugin name "${pluginName}" is already used by ${where}; two plugins with one name cannot boot in one runtime, so choose another name`,
    );
    this.pluginName = pluginName;
    this.where = where;
  }
}

/** A generator was pointed at a workspace root, which is no package to put code in. Nothing is written. */
export class WorkspaceRootError extends SwitchyardError {
  readonly dir: string;
  constructor(dir: string, hint: string) {
    super('WORKSPACE_ROOT', `${dir} is the root of an npm workspace (its package.json declares "workspaces"), not a package to write into; ${hint}`);
    this.dir = dir;
  }
}

/** A generator would overwrite an existing file. Nothing is written. */
export class FileExistsError extends SwitchyardError {
  readonly path: string;
  constructor(path: string) {
    super('FILE_EXISTS', `${path} already exists; nothing was written (move it away or choose another name)`);
    this.path = path;
  }
}

/** A top-level process threw in its cleanup while the app was stopping, or outlived the stop timeout. */
export class ProcessStopError extends SwitchyardError {
  readonly process: string;
  readonly pid: string;
  constructor(process: string, pid: string, cause: unknown) {
    super(
      'PROCESS_STOP_FAILED',
      cause instanceof Error ? `process "${process}" (${pid}) failed while stopping: ${cause.message}` : `process "${process}" (${pid}): ${String(cause)}`,
      { cause },
    );
    this.process = process;
    this.pid = pid;
  }
}

/** A graceful stop did not finish in time (a stop hook that never settles). */
export class StopDeadlineError extends SwitchyardError {
  readonly ms: number;
  constructor(ms: number) {
    super('STOP_DEADLINE', `the app did not stop within ${ms} ms; giving up`);
    this.ms = ms;
  }
}

export function span(r: { first: number; last: number }): string {
  return r.first === r.last ? String(r.first) : `${r.first}-${r.last}`;
}
