// Type-level tests: checked by `tsc -p libs/statemachine/tsconfig.json`, never run.
// Each @ts-expect-error must be an error, or tsc fails with "Unused '@ts-expect-error' directive".
// Every mistake gets its own module, so one error cannot mask another.
import { createRuntime } from '@switchyard/runtime';
import { sleep } from '@switchyard/plugin-clock';
import {
  brk,
  changeQueue,
  defineMachine,
  events,
  finish,
  inspect,
  machineBuilder,
  postTo,
  relocatable,
  spawnMachine,
  stay,
  type MachineInfo,
  type Unit,
  type UnitContext,
} from '../src/index.js';

interface Control {
  readonly action: 'start' | 'stop';
  readonly target: string;
}

// A well-typed module: every line here must compile.
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
      // A relocatable slot: implementations by platform, typed like any unit of the queue.
      process_start: {
        win32: () => 'process_watch',
        default: (u) => (u.data.services.length > 0 ? 'process_watch' : brk()),
      },
    },
    control: {
      start: (u) => {
        const action: 'start' | 'stop' = u.event.action;
        return action === 'stop' ? finish() : changeQueue('startup');
      },
    },
    exit: {
      start: (u) => {
        const code: number = u.event.code;
        u.post('control', { action: 'start', target: String(code) });
        return null;
      },
    },
  },
});

defineMachine({
  name: 'typo',
  queues: {
    startup: {
      start: () => 'process_watch',
      process_watch: () => null,
      // @ts-expect-error "process_wtch" is not a status of the startup queue
      typo: () => 'process_wtch',
    },
  },
});

defineMachine({
  name: 'cross-queue',
  queues: {
    startup: { start: () => 'watch', watch: () => null },
    // @ts-expect-error "watch" belongs to startup, not to control
    control: { start: () => 'watch' },
  },
});

defineMachine({
  name: 'bad-change',
  queues: {
    // @ts-expect-error "startp" is not a queue of the module
    startup: { start: () => changeQueue('startp') },
  },
});

defineMachine({
  name: 'bad-value',
  queues: {
    // @ts-expect-error a unit returns a status, null or a directive, not a number
    startup: { start: () => 42 },
  },
});

defineMachine({
  name: 'generator-typo',
  queues: {
    startup: {
      // @ts-expect-error a generator unit's return value is checked too
      start: function* (u) {
        yield* sleep(1);
        return u.runs > 1 ? 'nxt' : null;
      },
      next: () => null,
    },
  },
});

// A generator unit that returns one lone literal needs `as const`: TypeScript widens it to
// string otherwise, because `null` in the unit's return type hides the generator's contextual
// return type from the widening check (a TypeScript limitation).
defineMachine({
  name: 'generator-lone-literal',
  queues: {
    startup: {
      start: function* () {
        yield* sleep(1);
        return 'next' as const;
      },
      next: () => null,
    },
  },
});

defineMachine({
  name: 'relocatable-typo',
  queues: {
    startup: {
      start: {
        // @ts-expect-error a relocatable implementation must return a status of its queue
        linux: () => 'nxt',
        default: () => 'next',
      },
      next: () => null,
    },
  },
});

defineMachine({
  name: 'event-type',
  events: events<{ control: Control }>(),
  queues: {
    startup: { start: () => null },
    control: {
      // @ts-expect-error the control event has no field "verb"
      start: (u) => (u.event.verb === 'x' ? null : null),
    },
  },
});

// Every unit uses its context, in a queue of one unit: names are still inferred.
const single = defineMachine({ name: 'single', idle: true, queues: { job: { start: (u) => (u.runs > 1 ? null : 'start') } } });
const singleQueues: readonly 'job'[] = single.queues;
void singleQueues;
defineMachine({
  name: 'single-typo',
  idle: true,
  // @ts-expect-error "strt" is not a status of job
  queues: { job: { start: (u) => (u.runs > 1 ? null : 'strt') } },
});

defineMachine({
  name: 'post-type',
  events: events<{ control: Control }>(),
  queues: {
    startup: {
      start: (u) => {
        // @ts-expect-error the control queue's events are Control, not strings
        u.post('control', 'start');
        return null;
      },
    },
    control: { start: () => null },
  },
});

// Routes and cancelQueue are checked at registration (registration.test.ts); they do not disturb the inference of a queue whose units all use their context.
const routed = defineMachine({ name: 'routed', idle: true, routes: { 'svc.exit': 'exit' }, cancelQueue: 'exit', queues: { exit: { start: (u) => (u.runs ? null : 'start') } } });
const routedQueues: readonly 'exit'[] = routed.queues;
void routedQueues;

// Posting from outside is typed by the module too.
const rt = createRuntime();
const m = spawnMachine(rt, launcher, { input: { services: ['a'] } });
m.post('control', { action: 'stop', target: 'a' });
// @ts-expect-error wrong event shape for the control queue
m.post('control', { action: 'halt', target: 'a' });
// @ts-expect-error no such queue
m.post('contrl', { action: 'stop', target: 'a' });
postTo(rt, m.pid, 'exit', { code: 1 });
// @ts-expect-error the exit queue's events carry a numeric code
postTo(rt, m.pid, 'exit', { code: '1' });
// @ts-expect-error the input must match the module's data(input)
spawnMachine(rt, launcher, { input: { services: 'a' } });
const info: MachineInfo | undefined = inspect(rt, m.pid);
void info;

// relocatable() outside a literal is typed by the unit type it is given.
type Step = Unit<'start' | 'next', string, UnitContext<string, string, { n: number }>>;
const step = relocatable<Step>({ linux: (u) => (u.data.n > 0 ? 'next' : null), default: () => 'next' });
// @ts-expect-error "nxt" is not a status of Step
relocatable<Step>({ default: () => 'nxt' });
machineBuilder<{ n: number }>({ name: 'dyn', data: () => ({ n: 1 }) }).unit('startup', 'start', step);
