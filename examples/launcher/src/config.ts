import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { SwitchyardError } from '@switchyard/dispatcher';

export type RestartPolicy = 'always' | 'on-failure' | 'never';

export interface RestartSpec {
  readonly policy: RestartPolicy;
  /** Delay before the first restart, ms; doubled for each restart in the window. */
  readonly backoffMs: number;
  readonly maxBackoffMs: number;
  /** Restart intensity: at most maxRestarts restarts within withinMs, then the service is failed. */
  readonly maxRestarts: number;
  readonly withinMs: number;
}

export interface ServiceSpec {
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  /** Absolute; a relative cwd in the file is relative to the file's folder. */
  readonly cwd: string;
  readonly env: Readonly<Record<string, string>>;
  readonly group: string;
  readonly restart: RestartSpec;
  /** After SIGTERM, how long before SIGKILL, ms. */
  readonly stopGraceMs: number;
  /** Start with the launcher. */
  readonly autostart: boolean;
}

export interface LauncherConfig {
  readonly file: string;
  readonly services: readonly ServiceSpec[];
}

export const DEFAULT_RESTART: RestartSpec = Object.freeze({ policy: 'always', backoffMs: 500, maxBackoffMs: 10_000, maxRestarts: 5, withinMs: 60_000 });
export const DEFAULT_STOP_GRACE_MS = 3000;

/** A services file is wrong. The message names the file, the entry and the field. */
export class ServicesFileError extends SwitchyardError {
  readonly file: string;
  readonly entry: string | undefined;
  readonly field: string | undefined;
  constructor(file: string, entry: string | undefined, field: string | undefined, problem: string, options?: { cause?: unknown }) {
    const where = [entry, field === undefined ? undefined : `field "${field}"`].filter((s) => s !== undefined).join(', ');
    super('BAD_SERVICES_FILE', `services file ${file}: ${where === '' ? '' : `${where}: `}${problem}`, options);
    this.file = file;
    this.entry = entry;
    this.field = field;
  }
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const SERVICE_FIELDS = new Set(['name', 'command', 'args', 'cwd', 'env', 'group', 'restart', 'stopGraceMs', 'autostart']);
const RESTART_FIELDS = new Set(['policy', 'backoffMs', 'maxBackoffMs', 'maxRestarts', 'withinMs']);
const POLICIES: readonly RestartPolicy[] = ['always', 'on-failure', 'never'];

function show(v: unknown): string {
  return v === undefined ? 'nothing' : JSON.stringify(v) ?? String(v);
}

/** Read and validate a services file. */
export async function loadServices(path: string): Promise<LauncherConfig> {
  const file = resolve(path);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new ServicesFileError(file, undefined, undefined, `cannot read it: ${(error as Error).message}`, { cause: error });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ServicesFileError(file, undefined, undefined, `not valid JSON: ${(error as Error).message}`, { cause: error });
  }
  return parseServices(file, json);
}

/** Validate parsed JSON; `file` names the source in errors and anchors relative cwds. */
export function parseServices(file: string, json: unknown): LauncherConfig {
  const top = (problem: string): never => {
    throw new ServicesFileError(file, undefined, undefined, problem);
  };
  if (typeof json !== 'object' || json === null || Array.isArray(json)) top('expected an object { "services": [ … ] }');
  const list = (json as { services?: unknown }).services;
  if (!Array.isArray(list)) top(`field "services" must be an array of services, got ${show(list)}`);
  if ((list as unknown[]).length === 0) top('"services" is empty: nothing to launch');
  const base = dirname(file);
  const names = new Set<string>();
  const services = (list as unknown[]).map((raw, i) => {
    const label = typeof raw === 'object' && raw !== null && typeof (raw as { name?: unknown }).name === 'string' ? `services[${i}] ("${(raw as { name: string }).name}")` : `services[${i}]`;
    const bad = (field: string | undefined, problem: string): never => {
      throw new ServicesFileError(file, label, field, problem);
    };
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) bad(undefined, `expected an object, got ${show(raw)}`);
    const o = raw as Record<string, unknown>;
    for (const k of Object.keys(o)) if (!SERVICE_FIELDS.has(k)) bad(k, `unknown field (known: ${[...SERVICE_FIELDS].join(', ')})`);
    const str = (field: string, v: unknown, fallback?: string): string => {
      if (v === undefined && fallback !== undefined) return fallback;
      if (typeof v !== 'string' || v === '') return bad(field, `must be a non-empty string, got ${show(v)}`);
      return v;
    };
    const num = (field: string, v: unknown, fallback: number, integer = false): number => {
      if (v === undefined) return fallback;
      if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || (integer && !Number.isInteger(v))) {
        return bad(field, `must be ${integer ? 'an integer' : 'a number'} >= 0, got ${show(v)}`);
      }
      return v;
    };
    const name = str('name', o.name);
    if (!NAME.test(name)) bad('name', `"${name}" must be letters, digits, ".", "_" or "-"`);
    if (name === 'all') bad('name', '"all" is reserved: it means every service');
    if (names.has(name)) bad('name', `"${name}" is used by an earlier service`);
    names.add(name);
    const command = str('command', o.command);
    const args = o.args ?? [];
    if (!Array.isArray(args) || args.some((a) => typeof a !== 'string')) bad('args', `must be an array of strings, got ${show(o.args)}`);
    const cwd = resolve(base, str('cwd', o.cwd, '.'));
    const env = o.env ?? {};
    if (typeof env !== 'object' || env === null || Array.isArray(env)) bad('env', `must be an object of strings, got ${show(o.env)}`);
    for (const [k, v] of Object.entries(env as object)) if (typeof v !== 'string') bad(`env.${k}`, `must be a string, got ${show(v)}`);
    const group = str('group', o.group, 'default');
    if (!NAME.test(group)) bad('group', `"${group}" must be letters, digits, ".", "_" or "-"`);
    const r = o.restart ?? {};
    if (typeof r !== 'object' || r === null || Array.isArray(r)) bad('restart', `must be an object, got ${show(o.restart)}`);
    const ro = r as Record<string, unknown>;
    for (const k of Object.keys(ro)) if (!RESTART_FIELDS.has(k)) bad(`restart.${k}`, `unknown field (known: ${[...RESTART_FIELDS].join(', ')})`);
    const policy = ro.policy ?? DEFAULT_RESTART.policy;
    if (!POLICIES.includes(policy as RestartPolicy)) bad('restart.policy', `must be one of ${POLICIES.map((p) => `"${p}"`).join(', ')}, got ${show(ro.policy)}`);
    const restart: RestartSpec = {
      policy: policy as RestartPolicy,
      backoffMs: num('restart.backoffMs', ro.backoffMs, DEFAULT_RESTART.backoffMs),
      maxBackoffMs: num('restart.maxBackoffMs', ro.maxBackoffMs, DEFAULT_RESTART.maxBackoffMs),
      maxRestarts: num('restart.maxRestarts', ro.maxRestarts, DEFAULT_RESTART.maxRestarts, true),
      withinMs: num('restart.withinMs', ro.withinMs, DEFAULT_RESTART.withinMs),
    };
    if (o.autostart !== undefined && typeof o.autostart !== 'boolean') bad('autostart', `must be true or false, got ${show(o.autostart)}`);
    return Object.freeze({
      name,
      // "node" means the Node that runs the launcher, whatever PATH says.
      command: command === 'node' ? process.execPath : command,
      args: Object.freeze([...(args as string[])]),
      cwd,
      env: Object.freeze({ ...(env as Record<string, string>) }),
      group,
      restart: Object.freeze(restart),
      stopGraceMs: num('stopGraceMs', o.stopGraceMs, DEFAULT_STOP_GRACE_MS),
      autostart: o.autostart !== false,
    });
  });
  return Object.freeze({ file, services: Object.freeze(services) });
}
