import { SYSTEM_RANGES } from '@switchyard/dispatcher';
import { InvalidNameError } from '../errors.js';

const PLUGIN_NAME = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;
const MACHINE_NAME = /^[A-Z][A-Za-z0-9]*$/;
/** npm's rules: lowercase, URL-safe, optionally scoped, at most 214 characters. */
const PACKAGE_NAME = /^(?:@[a-z0-9][a-z0-9._~-]*\/)?[a-z0-9][a-z0-9._~-]*$/;

/** The spellings a generator derives from one name. */
export interface Names {
  /** As given and used at runtime: "my-timer". */
  readonly kebab: string;
  /** "myTimer", for functions: myTimerPlugin. */
  readonly camel: string;
  /** "MyTimer", for types and ID maps: MyTimerCommand. */
  readonly pascal: string;
}

/** A plugin name: npm-safe (it names the package and folder) and free of the system module names. */
export function pluginNames(name: string): Names {
  if (typeof name !== 'string' || name === '') throw new InvalidNameError(String(name), 'a plugin name is required, e.g. `switchyard new plugin my-timer --range 300-309`');
  if (name.length > 50) throw new InvalidNameError(name, `plugin name "${name}" is ${name.length} characters long; keep it to 50`);
  if (!PLUGIN_NAME.test(name)) {
    const suggestion = toKebab(name);
    throw new InvalidNameError(
      name,
      `plugin name "${name}" is not npm- and identifier-safe: use lowercase letters, digits and single hyphens, starting with a letter` +
        (suggestion !== '' && suggestion !== name && PLUGIN_NAME.test(suggestion) ? ` (e.g. "${suggestion}")` : ''),
    );
  }
  const system = SYSTEM_RANGES.find((r) => r.module === name);
  if (system !== undefined || name === 'core') {
    throw new InvalidNameError(
      name,
      `plugin name "${name}" is the name of the system module that owns command IDs ${system ? `${system.first}-${system.last}` : '200-255'}; two plugins with one name cannot boot together, so choose another name`,
    );
  }
  const parts = name.split('-');
  const pascal = parts.map((p) => p[0]!.toUpperCase() + p.slice(1)).join('');
  return { kebab: name, camel: pascal[0]!.toLowerCase() + pascal.slice(1), pascal };
}

/** A state-machine name: a PascalCase identifier ("DoorLock"); its file is door-lock.ts. */
export function machineNames(name: string): Names {
  if (typeof name !== 'string' || name === '') throw new InvalidNameError(String(name), 'a machine name is required, e.g. `switchyard new machine DoorLock`');
  if (name.length > 50) throw new InvalidNameError(name, `machine name "${name}" is ${name.length} characters long; keep it to 50`);
  if (!MACHINE_NAME.test(name)) {
    const suggestion = toKebab(name)
      .split('-')
      .filter((p) => p !== '')
      .map((p) => p[0]!.toUpperCase() + p.slice(1))
      .join('');
    throw new InvalidNameError(
      name,
      `machine name "${name}" is not a PascalCase identifier: start with an uppercase letter, then letters and digits only` +
        (MACHINE_NAME.test(suggestion) ? ` (e.g. "${suggestion}")` : ''),
    );
  }
  const kebab = name
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/([A-Z])([A-Z][a-z])/g, '$1-$2')
    .toLowerCase();
  return { kebab, camel: name[0]!.toLowerCase() + name.slice(1), pascal: name };
}

/** Throws unless `name` is a valid npm package name. */
export function checkPackageName(name: string): string {
  if (name.length > 214 || !PACKAGE_NAME.test(name)) {
    throw new InvalidNameError(name, `package name "${name}" is not a valid npm name: lowercase letters, digits, "-", ".", "_", "~", optionally under an @scope/`);
  }
  return name;
}

function toKebab(s: string): string {
  return s
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^[^a-z]+/, '')
    .replace(/-+$/, '');
}
