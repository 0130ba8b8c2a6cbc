// Type-level tests: checked by `tsc -p libs/statemachine/tsconfig.json`, never run.
// Each @ts-expect-error must be an error, or tsc fails with "Unused '@ts-expect-error' directive".
import { createRuntime } from '@switchyard/runtime';
import { sleep } from '@switchyard/plugin-clock';
import { brk, changeQueue, defineMachine, events, finish, inspect, machineBuilder, postTo, relocatable, spawnMachine, stay, type MachineInfo, type Unit, type UnitContext } from '../src/index.js';

interface Control {
  readonly action: 'start' | 'stop';
  readonly target: string;
}

const launcher = defineMachine({
  name: 'types',
  data: (input: { services: string[] }) => ({ services: input.services, started: 0 }),
  events: events<{ control: Control; exit: { code: number } }>(),
  routes: { 'child.exit': 'exit' },
  cancelQueue: 'control',
  queues: {
    startup: {
      start: (u) => {
        const n: number = u.data.started;
        return n > 0 ? 'process_watch' : 'process_start';
      },
      process_watch: function* (u) {
        yield* sleep(10);
        return u.runs > 3 ? 'process_start' : stay(100);
      },
      // Written inline, a relocatable slot is a plain object of implementations by platform.
      process_start: {
        win32: () => 'process_watch',
        default: (u) => (u.data.services.length > 0 ? 'process_watch' : brk()),
      },
      process_kill: {
        // @ts-expect-error a relocatable implementation must return a status of its queue too
        linux: () => 'process_wach',
        default: () => null,
      },
      // @ts-expect-error "process_wtch" is not a status of the startup queue
      typo: () => 'process_wtch',
    },
    control: {
      start: (u) => {
        const action: 'start' | 'stop' = u.event.action;
        return action === 'stop' ? finish() : changeQueue('startup');
      },
      // @ts-expect-error "startp" is not a queue of the module
      bad_change: () => changeQueue('startp'),
      // @ts-expect-error a unit returns a status, null or a directive, not a number
      bad_value: () => 42,
      // @ts-expect-error a status of another queue is not a status of this one
      cross: () => 'process_watch',
    },
    exit: {
      start: (u) => {
        const code: number = u.event.code;
        u.post('control', { action: 'start', target: String(code) });
        // @ts-expect-error the control queue's events are Control, not strings
        u.post('control', 'start');
        // @ts-expect-error no queue "nope"
        u.post('nope', {});
        return null;
      },
    },
  },
});

defineMachine({
  name: 'bad-route',
  // @ts-expect-error routes must name a queue of the module
  routes: { x: 'missing' },
  queues: { startup: { start: () => null } },
});

const rt = createRuntime();
const m = spawnMachine(rt, launcher, { input: { services: ['a'] } });
m.post('control', { action: 'stop', target: 'a' });
// @ts-expect-error wrong event shape for the control queue
m.post('control', { action: 'halt', target: 'a' });
// @ts-expect-error no such queue
m.post('contrl', { action: 'stop', target: 'a' });
postTo(rt, m.pid, 'exit', { code: 1 });
// @ts-expect-error the input must match the module's data(input)
spawnMachine(rt, launcher, { input: { services: 'a' } });
const info: MachineInfo | undefined = inspect(rt, m.pid);
void info;

// relocatable() outside a literal: typed by the unit type it is given.
type Step = Unit<'start' | 'next', string, UnitContext<string, 'start' | 'next', { n: number }>>;
const step = relocatable<Step>({ linux: (u) => (u.data.n > 0 ? 'next' : null), default: () => 'next' });
// @ts-expect-error "nxt" is not a status of Step
relocatable<Step>({ default: () => 'nxt' });
machineBuilder<{ n: number }>({ name: 'dyn', data: () => ({ n: 1 }) }).unit('startup', 'start', step);
