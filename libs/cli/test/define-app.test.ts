import { clockPlugin } from '@switchyard/plugin-clock';
import { describe, expect, it } from 'vitest';
import { AppDefinitionError, defineApp, type AppSpec } from '../src/index.js';

describe('defineApp', () => {
  it('keeps what the app declares and names bare process functions', () => {
    function* poller() {}
    const app = defineApp({ plugins: [clockPlugin()], processes: [poller, { name: 'second', fn: poller }], stopTimeoutMs: 100 });
    expect(app.plugins.map((p) => p.name)).toEqual(['clock']);
    expect(app.processes.map((p) => p.name)).toEqual(['poller', 'second']);
    expect(app.stopTimeoutMs).toBe(100);
    expect(app.main).toBeUndefined();
    expect(Object.isFrozen(app)).toBe(true);
  });

  it('ignores fields of its own that are not near-misses of app fields', () => {
    const app = defineApp({ plugins: [], ...{ config: { file: 'x' }, attach: () => {} } } as AppSpec);
    expect(app.plugins).toEqual([]);
    expect(app).not.toHaveProperty('config');
  });

  it('a factory is validated when it is called', async () => {
    const factory = defineApp(async ({ argv }) => ({ plugins: [], name: argv[0] }));
    expect((await factory({ argv: ['n'], cwd: '/' })).name).toBe('n');
    const bad = defineApp(() => ({ plugins: 'none' }) as unknown as AppSpec);
    await expect(bad({ argv: [], cwd: '/' })).rejects.toThrow("the app factory's result.plugins: must be an array of plugins");
  });

  const refuse = (spec: unknown, field: string, message: RegExp) => {
    let error: unknown;
    try {
      defineApp(spec as AppSpec);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AppDefinitionError);
    expect((error as AppDefinitionError).code).toBe('BAD_APP');
    expect((error as AppDefinitionError).field).toBe(field);
    expect((error as Error).message).toMatch(message);
  };

  it('refuses a malformed definition, naming the field at fault', () => {
    refuse(undefined, 'defineApp()', /expected an app definition object, got undefined/);
    refuse({}, 'defineApp().plugins', /must be an array of plugins/);
    refuse({ plugins: [clockPlugin] }, 'defineApp().plugins[0]', /a plugin factory: call it, e\.g\. clockPlugin\(\)/);
    refuse({ plugins: [{ name: 'x' }] }, 'defineApp().plugins[0]', /create plugins with definePlugin/);
    refuse({ plugins: [], main: 'main' }, 'defineApp().main', /generator function/);
    refuse({ plugins: [], processes: [42] }, 'defineApp().processes[0]', /generator function or \{ name, fn \}, got 42/);
    refuse({ plugins: [], processes: [{ name: '', fn: function* () {} }] }, 'defineApp().processes[0].name', /non-empty string/);
    refuse({ plugins: [], commandNames: [{ Sleep: 'ten' }] }, 'defineApp().commandNames[0].Sleep', /a command ID \(an integer 1\.\.65535\), got "ten"/);
    refuse({ plugins: [], stopTimeoutMs: -1 }, 'defineApp().stopTimeoutMs', /> 0, got -1/);
    refuse({ plugins: [], mian: function* () {} }, 'defineApp().mian', /unknown field; did you mean "main"\?/);
    refuse({ plugins: [], process: [] }, 'defineApp().process', /did you mean "processes"\?/);
    refuse({ plugin: [] }, 'defineApp().plugin', /did you mean "plugins"\?/);
  });
});
