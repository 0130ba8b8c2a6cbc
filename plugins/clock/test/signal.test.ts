import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { race, receive } from '@switchyard/runtime';
import { sleep, startTimer, waitTimer } from '@switchyard/plugin-clock';
import { withClock, type ClockHarness } from './harness.js';

let t: ClockHarness;
const warnings: Error[] = [];
const onWarning = (w: Error) => warnings.push(w);
beforeEach(async () => {
  warnings.length = 0;
  process.on('warning', onWarning);
  t = await withClock();
});
afterEach(async () => {
  process.off('warning', onWarning);
  await t.stop();
});

describe('ctx.signal is per yield', () => {
  it('1000 sleeps and waits that lose races add no listeners that pile up and leave nothing scheduled', async () => {
    const done = t.rt.run(function* () {
      const timer = yield* startTimer(0);
      yield* waitTimer(timer);
      let won = 0;
      for (let i = 0; i < 1000; i++) {
        // The fired timer's wait completes at once; the sleep loses and is cleared.
        const r = yield* race([sleep(60_000), waitTimer(timer)]);
        if (r === undefined) won++;
        yield* sleep(0);
      }
      return won;
    });
    await t.advance(0);
    await t.settle();
    expect(await done).toBe(1000);
    expect(t.idle()).toEqual({ active: 0, pending: 0 });
    expect(t.rt.stats().lateCompletions).toBe(0);
    await new Promise((r) => setImmediate(r));
    expect(warnings.map((w) => w.name)).not.toContain('MaxListenersExceededWarning');
  });

  it('a process waiting on its timer 1000 times in a row leaves no listener behind', async () => {
    const pid = t.rt.spawn(function* () {
      for (let i = 0; i < 1000; i++) {
        const timer = yield* startTimer(1);
        yield* race([waitTimer(timer), receive({ topic: 'never' })]);
      }
      return 'ok';
    });
    const exit = t.rt.wait(pid);
    await t.advance(1000);
    expect(await exit).toEqual({ kind: 'normal', value: 'ok' });
    expect(t.idle()).toEqual({ active: 0, pending: 0 });
    expect(t.stats().timers).toBe(0);
    await new Promise((r) => setImmediate(r));
    expect(warnings.map((w) => w.name)).not.toContain('MaxListenersExceededWarning');
  });
});
