// The workflow the crash test runs, shared by the child process and the test.
import { appendFileSync } from 'node:fs';
import { sleep } from '@switchyard/plugin-clock';
import { all } from '@switchyard/runtime';
import { defineWorkflow, sideEffect, uuid } from '../src/index.js';

export interface CrashInput {
  readonly n: number;
  /** Each handler run appends its idempotency key here (a line survives SIGKILL: the OS has it). */
  readonly log: string;
}

export const STEPS = 6;

export const crashy = defineWorkflow('crashy', function* (_ctx, input: CrashInput) {
  const id = yield* uuid();
  let sum = 0;
  for (let i = 0; i < STEPS; i++) {
    sum += yield* sideEffect(`step-${i}`, (s) => {
      appendFileSync(input.log, `${s.key}\n`);
      return input.n * 100 + i;
    });
    // Durable sleeps spread the run over ~100 ms, so the kill (0–120 ms after ready) lands mid-run even on a fast machine.
    yield* sleep(15);
  }
  const [a, b] = yield* all([
    sideEffect('fan-a', (s) => {
      appendFileSync(input.log, `${s.key}\n`);
      return 1;
    }),
    sideEffect('fan-b', (s) => {
      appendFileSync(input.log, `${s.key}\n`);
      return 2;
    }),
  ]);
  return { n: input.n, sum: sum + a + b, id };
});

export const expectedSum = (n: number) => STEPS * n * 100 + (STEPS * (STEPS - 1)) / 2 + 3;
