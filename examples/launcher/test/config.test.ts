import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { DEFAULT_RESTART, loadServices, parseServices, ServicesFileError } from '../src/index.js';
import { servicesFile } from './helpers.js';

const F = '/etc/launcher/services.json';

function problem(json: unknown): ServicesFileError {
  try {
    parseServices(F, json);
  } catch (error) {
    expect(error).toBeInstanceOf(ServicesFileError);
    return error as ServicesFileError;
  }
  throw new Error('expected a ServicesFileError');
}

describe('services file', () => {
  it('reads services with defaults; relative cwd is relative to the file; "node" is this Node', () => {
    const c = parseServices(F, { services: [{ name: 'web', command: 'node', args: ['web.js'], cwd: 'apps/web' }, { name: 'db', command: '/usr/bin/db', group: 'data', autostart: false }] });
    expect(c.services[0]).toEqual({
      name: 'web',
      command: process.execPath,
      args: ['web.js'],
      cwd: '/etc/launcher/apps/web',
      env: {},
      group: 'default',
      restart: DEFAULT_RESTART,
      stopGraceMs: 3000,
      autostart: true,
    });
    expect(c.services[1]).toMatchObject({ cwd: '/etc/launcher', group: 'data', autostart: false });
  });

  it('errors name the file, the entry and the field', () => {
    const cases: [unknown, string][] = [
      [[], `services file ${F}: expected an object { "services": [ … ] }`],
      [{ servces: [] }, `services file ${F}: field "services" must be an array of services, got nothing`],
      [{ services: [] }, `services file ${F}: "services" is empty: nothing to launch`],
      [{ services: ['web'] }, `services file ${F}: services[0]: expected an object, got "web"`],
      [{ services: [{ command: 'x' }] }, `services file ${F}: services[0], field "name": must be a non-empty string, got nothing`],
      [{ services: [{ name: 'web' }] }, `services file ${F}: services[0] ("web"), field "command": must be a non-empty string, got nothing`],
      [{ services: [{ name: 'a', command: 'x' }, { name: 'a', command: 'y' }] }, `services file ${F}: services[1] ("a"), field "name": "a" is used by an earlier service`],
      [{ services: [{ name: 'all', command: 'x' }] }, `services file ${F}: services[0] ("all"), field "name": "all" is reserved: it means every service`],
      [{ services: [{ name: 'web', command: 'x', args: 'a b' }] }, `services file ${F}: services[0] ("web"), field "args": must be an array of strings, got "a b"`],
      [{ services: [{ name: 'web', command: 'x', env: { PORT: 80 } }] }, `services file ${F}: services[0] ("web"), field "env.PORT": must be a string, got 80`],
      [{ services: [{ name: 'web', command: 'x', restart: { policy: 'sometimes' } }] }, `services file ${F}: services[0] ("web"), field "restart.policy": must be one of "always", "on-failure", "never", got "sometimes"`],
      [{ services: [{ name: 'web', command: 'x', restart: { backoffMs: 'fast' } }] }, `services file ${F}: services[0] ("web"), field "restart.backoffMs": must be a number >= 0, got "fast"`],
      [{ services: [{ name: 'web', command: 'x', restart: { maxRestarts: 1.5 } }] }, `services file ${F}: services[0] ("web"), field "restart.maxRestarts": must be an integer >= 0, got 1.5`],
      [{ services: [{ name: 'web', command: 'x', restart: { retries: 3 } }] }, `services file ${F}: services[0] ("web"), field "restart.retries": unknown field (known: policy, backoffMs, maxBackoffMs, maxRestarts, withinMs)`],
      [{ services: [{ name: 'web', command: 'x', grace: 3 }] }, `services file ${F}: services[0] ("web"), field "grace": unknown field (known: name, command, args, cwd, env, group, restart, stopGraceMs, autostart)`],
      [{ services: [{ name: 'web', command: 'x', stopGraceMs: -1 }] }, `services file ${F}: services[0] ("web"), field "stopGraceMs": must be a number >= 0, got -1`],
      [{ services: [{ name: 'web', command: 'x', autostart: 'yes' }] }, `services file ${F}: services[0] ("web"), field "autostart": must be true or false, got "yes"`],
      [{ services: [{ name: 'web', command: 'x', group: 'a b' }] }, `services file ${F}: services[0] ("web"), field "group": "a b" must be letters, digits, ".", "_" or "-"`],
    ];
    for (const [json, message] of cases) expect(problem(json).message).toBe(message);
    expect(problem({ services: [{ name: 'web', command: 'x', args: 1 }] })).toMatchObject({ code: 'BAD_SERVICES_FILE', file: F, entry: 'services[0] ("web")', field: 'args' });
  });

  it('a missing or malformed file is named', async () => {
    using tmp = servicesFile([{ name: 'a', command: 'x' }]);
    await expect(loadServices(join(tmp.dir, 'nope.json'))).rejects.toThrow(`services file ${join(tmp.dir, 'nope.json')}: cannot read it: ENOENT`);
    writeFileSync(tmp.file, '{ "services": [ ');
    await expect(loadServices(tmp.file)).rejects.toThrow(`services file ${tmp.file}: not valid JSON:`);
  });

  it('the demo file is valid', async () => {
    const c = await loadServices(join(import.meta.dirname, '../demo/services.json'));
    expect(c.services.map((s) => s.name)).toEqual(['web', 'worker', 'flaky']);
  });
});
