import { defineMachine, events } from '../src/index.js';
export const a = defineMachine({
  name: 'types',
  events: events<{ control: { a: number }; exit: { code: number } }>(),
  queues: {
    startup: { start: () => null },
    exit: {
      start: (u) => {
        u.post('control', { a: 1 });
        return null;
      },
    },
    control: { start: () => null },
  },
});
export const b = defineMachine({
  name: 'types',
  events: events<{ control: { a: number }; exit: { code: number } }>(),
  queues: {
    startup: { start: () => null },
    exit: {
      start: (u) => {
        const c: number = u.event.code;
        return c > 0 ? null : null;
      },
    },
    control: { start: () => null },
  },
});
