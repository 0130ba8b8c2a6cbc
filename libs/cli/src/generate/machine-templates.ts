import type { Names } from './names.js';

/** The module and its test. The module uses only @switchyard/statemachine, so any package can hold it. */
export function machineFiles(names: Names): { path: string; content: string }[] {
  const { kebab, camel, pascal } = names;
  const mod = `${camel}Machine`;
  return [
    {
      path: `src/${kebab}.ts`,
      content: `import { defineMachine, events, finish, stay, type QueueOf } from '@switchyard/statemachine';

/**
 * The events each queue of the ${pascal} machine accepts: \`post('command', { … })\` is
 * type-checked against this, and a unit's \`u.event\` is typed by it.
 */
export interface ${pascal}Events {
  command: { readonly action: 'activate' | 'deactivate' | 'stop' };
}

/** The machine's own state, made once per machine by \`data()\`. */
export interface ${pascal}Data {
  active: boolean;
  /** Every status the machine entered, in order (what a status display would show). */
  readonly history: string[];
}

/** How long a change of state takes to settle before the machine accepts the next command, ms. */
export const SETTLE_MS = 100;

/**
 * The ${pascal} state machine. Queue and status names are typed from this literal: a unit
 * that returns a status its queue does not have, or posts to a queue that does not exist,
 * does not compile.
 *
 * - \`startup\` runs once when the machine is spawned.
 * - \`command\` runs for each posted command, one at a time, in the order they were posted.
 */
export const ${mod} = defineMachine({
  name: '${kebab}',
  data: (): ${pascal}Data => ({ active: false, history: [] }),
  events: events<${pascal}Events>(),
  queues: {
    startup: {
      start: (u) => {
        u.data.history.push('startup');
        return 'ready';
      },
      // Startup is done; the machine now waits for commands.
      ready: () => null,
    },
    command: {
      start: (u) => {
        switch (u.event.action) {
          case 'activate':
            return u.data.active ? null : 'activating';
          case 'deactivate':
            return u.data.active ? 'deactivating' : null;
          case 'stop':
            return finish([...u.data.history]);
        }
      },
      activating: (u) => {
        u.data.history.push('command/activating');
        u.data.active = true;
        return 'settling';
      },
      deactivating: (u) => {
        u.data.history.push('command/deactivating');
        u.data.active = false;
        return 'settling';
      },
      // Polls without spinning: stay(ms) runs this unit again no sooner than ms later.
      settling: (u) => {
        const waited = u.now - u.since;
        if (waited < SETTLE_MS) return stay(SETTLE_MS - waited);
        u.data.history.push('command/settled');
        return null;
      },
    },
  },
});

/** The queue names of the ${pascal} machine: "startup" | "command". */
export type ${pascal}Queue = QueueOf<typeof ${mod}>;
`,
    },
    {
      path: `test/${kebab}.test.ts`,
      content: `import { inspect, spawnMachine } from '@switchyard/statemachine';
import { createTestRuntime } from '@switchyard/testing';
import { describe, expect, it } from 'vitest';
import { ${mod}, SETTLE_MS, type ${pascal}Queue } from '../src/${kebab}.js';

describe('${pascal} machine', () => {
  it('runs startup when spawned, then handles commands in order, settling between them', async () => {
    const t = await createTestRuntime();
    try {
      const m = spawnMachine(t.rt, ${mod});
      await t.settle();
      expect(m.inspect()?.state).toBe('idle');
      m.post('command', { action: 'activate' });
      m.post('command', { action: 'deactivate' });
      await t.settle();
      expect(inspect(t.rt, m.pid)).toMatchObject({ queue: 'command', status: 'settling', inbox: 1 });
      await t.advance(SETTLE_MS);
      expect(m.inspect()).toMatchObject({ status: 'settling', inbox: 0 });
      await t.advance(SETTLE_MS);
      expect(m.inspect()?.state).toBe('idle');
      m.post('command', { action: 'stop' });
      expect(await m.wait()).toEqual({
        kind: 'normal',
        value: [
          'startup',
          'command/activating',
          'command/settled',
          'command/deactivating',
          'command/settled',
        ],
      });
    } finally {
      await t.stop();
    }
  });

  it('has exactly the queues it declares', () => {
    const queues: readonly ${pascal}Queue[] = ${mod}.queues;
    expect(queues).toEqual(['startup', 'command']);
    expect(${mod}.statuses('startup')).toEqual(['start', 'ready']);
    expect(${mod}.statuses('command')).toEqual(['start', 'activating', 'deactivating', 'settling']);
  });
});
`,
    },
  ];
}
