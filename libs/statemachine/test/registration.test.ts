import { describe, expect, it } from 'vitest';
import { createTestRuntime } from '@switchyard/testing';
import { ArgumentError } from '@switchyard/runtime';
import { defineMachine, machineBuilder, MachineDefinitionError, relocatable, spawnMachine, type MachineTrace } from '../src/index.js';

function definitionError(fn: () => unknown): MachineDefinitionError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(MachineDefinitionError);
    return error as MachineDefinitionError;
  }
  throw new Error('expected a MachineDefinitionError');
}

describe('registration checks', () => {
  it('refuses a queue without a start unit, naming the queue', () => {
    const e = definitionError(() =>
      defineMachine({
        name: 'svc',
        queues: { startup: { start: () => null }, control: { begin: () => null } } as never,
      }),
    );
    expect(e.code).toBe('MISSING_START');
    expect(e.queue).toBe('control');
    expect(e.message).toContain('machine module "svc"');
    expect(e.message).toContain('queue "control" has no "start" unit (statuses: begin)');
  });

  it('refuses an empty queue', () => {
    const e = definitionError(() => defineMachine({ name: 'svc', queues: { startup: { start: () => null }, empty: {} } as never }));
    expect(e.code).toBe('MISSING_START');
    expect(e.message).toContain('queue "empty" has no "start" unit (statuses: none)');
  });

  it('refuses a status placed twice in one queue, naming queue and status', () => {
    const b = machineBuilder({ name: 'dyn' }).unit('startup', 'start', () => 'watch').unit('startup', 'watch', () => null);
    const e = definitionError(() => b.unit('startup', 'watch', () => null));
    expect(e.code).toBe('DUPLICATE_STATUS');
    expect(e.queue).toBe('startup');
    expect(e.status).toBe('watch');
    expect(e.message).toContain('queue "startup" registers status "watch" twice');
    // The same status name in another queue is fine: statuses belong to their queue.
    expect(() => b.unit('control', 'watch', () => null).unit('control', 'start', () => null).build()).not.toThrow();
  });

  it('needs the start queue "startup" unless the module starts idle', () => {
    const e = definitionError(() => defineMachine({ name: 'svc', queues: { control: { start: () => null } } }));
    expect(e.code).toBe('MISSING_STARTUP_QUEUE');
    expect(e.message).toContain('the start queue "startup" is not defined (queues: control)');
    expect(defineMachine({ name: 'svc', idle: true, queues: { control: { start: () => null } } }).idle).toBe(true);
  });

  it('refuses a unit that is not a function, naming queue and status', () => {
    const e = definitionError(() => defineMachine({ name: 'svc', queues: { startup: { start: 'watch' } } as never }));
    expect(e.code).toBe('BAD_UNIT');
    expect(e.message).toContain('unit "startup/start" must be a function');
  });

  it('refuses routes and a cancel queue that name no queue', () => {
    const r = definitionError(() => defineMachine({ name: 'svc', routes: { 'x.exit': 'exits' }, queues: { startup: { start: () => null } } }));
    expect(r.message).toContain('routes: topic "x.exit" goes to queue "exits", which is not defined');
    const c = definitionError(() => defineMachine({ name: 'svc', cancelQueue: 'shutdown', queues: { startup: { start: () => null } } }));
    expect(c.message).toContain('cancelQueue "shutdown" is not defined');
    const p = definitionError(() => defineMachine({ name: 'svc', routes: { '@machine/post': 'startup' }, queues: { startup: { start: () => null } } }));
    expect(p.message).toContain('cannot be routed');
  });

  it('builder refuses to grow after build()', () => {
    const b = machineBuilder({ name: 'dyn' }).unit('startup', 'start', () => null);
    b.build();
    const e = definitionError(() => b.unit('startup', 'other', () => null));
    expect(e).toMatchObject({ code: 'MODULE_BUILT', module: 'dyn', queue: 'startup', status: 'other' });
    expect(e.message).toBe('machine module "dyn": unit("startup", "other") after build(): the module is already built');
  });

  it('refuses a definition that is not an object, or a module without a name, naming what it got', () => {
    for (const [fn, argument, message] of [
      [() => defineMachine(null as never), 'def', 'defineMachine() takes a definition object, got null'],
      [() => defineMachine({ name: '', queues: {} } as never), 'name', 'defineMachine(): a machine module needs a non-empty string name, got ""'],
      [() => machineBuilder({ name: 42 } as never), 'name', 'machineBuilder(): a machine module needs a non-empty string name, got 42'],
    ] as const) {
      expect(fn).toThrow(ArgumentError);
      expect(fn).toThrow(expect.objectContaining({ code: 'BAD_ARGUMENT', argument, message }));
    }
  });
});

describe('relocatable units', () => {
  const impls = {
    linux: () => 'linux' as const,
    win32: () => 'win32' as const,
    default: () => 'default' as const,
  };
  // Each implementation moves to the status named after it, so the trace shows which one ran.
  const make = (platform: NodeJS.Platform) =>
    defineMachine({
      name: 'reloc',
      platform,
      queues: {
        startup: {
          start: { linux: impls.linux, win32: impls.win32, default: impls.default },
          linux: () => null,
          win32: () => null,
          default: () => null,
        },
      },
    });

  async function firstTransition(platform: NodeJS.Platform): Promise<string> {
    await using t = await createTestRuntime();
    const trace: MachineTrace[] = [];
    const m = spawnMachine(t.rt, make(platform), { trace: (e) => trace.push(e) });
    await t.settle();
    expect(m.inspect()?.state).toBe('idle');
    const tr = trace.find((e) => e.type === 'transition');
    return tr?.type === 'transition' ? tr.to : 'none';
  }

  it('picks the implementation for the platform at registration', async () => {
    expect(make('linux').platform).toBe('linux');
    expect(await firstTransition('linux')).toBe('linux');
    expect(await firstTransition('win32')).toBe('win32');
    expect(await firstTransition('darwin')).toBe('default');
  });

  it('defaults to process.platform', () => {
    const m = defineMachine({ name: 'here', queues: { startup: { start: { default: () => null } } } });
    expect(m.platform).toBe(process.platform);
  });

  it('relocatable() is the same slot, validated', () => {
    const built = machineBuilder({ name: 'dyn', platform: 'darwin' })
      .unit('startup', 'start', relocatable({ darwin: () => null }))
      .build();
    expect(built.statuses('startup')).toEqual(['start']);
    expect(() => relocatable(null as never)).toThrow(ArgumentError);
    expect(() => relocatable(null as never)).toThrow(expect.objectContaining({ code: 'BAD_ARGUMENT', argument: 'impls' }));
    expect(() => relocatable(null as never)).toThrow('relocatable() takes an object of implementations by platform, got null');
  });

  it('fails registration when no implementation fits and there is no default', () => {
    const e = definitionError(() =>
      defineMachine({ name: 'reloc', platform: 'darwin', queues: { startup: { start: { linux: () => null, win32: () => null } } } }),
    );
    expect(e.code).toBe('NO_UNIT_FOR_PLATFORM');
    expect(e.message).toContain('relocatable unit "startup/start" has no implementation for platform "darwin" and no default (it has linux, win32)');
  });

  it('refuses a misspelt platform and a missing implementation', () => {
    const typo = definitionError(() => defineMachine({ name: 'reloc', queues: { startup: { start: { linx: () => null } as never } } }));
    expect(typo.code).toBe('BAD_UNIT');
    expect(typo.message).toContain('"linx" is not a platform');
    const empty = definitionError(() => defineMachine({ name: 'reloc', queues: { startup: { start: {} } } }));
    expect(empty.message).toContain('relocatable unit "startup/start" has no implementations');
    const notFn = definitionError(() => defineMachine({ name: 'reloc', queues: { startup: { start: { linux: 1 } as never } } }));
    expect(notFn.message).toContain('the "linux" implementation is not a function');
  });
});
