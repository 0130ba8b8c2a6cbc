/**
 * Yields per second through the dispatcher, side by side with the floor (a bare generator
 * driven by a Map lookup), Effect and redux-saga; spawn/exit throughput; heap per idle process.
 */
import { CommandBase, type Command, type Handler } from '@switchyard/dispatcher';
import { createRuntime, definePlugin, receive, type Runtime } from '@switchyard/runtime';
import { Effect } from 'effect';
import { runSaga } from 'redux-saga';
import { call } from 'redux-saga/effects';
import { fmtRate, gc, isMain, measure, table } from './util.js';

class Inc extends CommandBase<number> {
  readonly id = 256;
  constructor(readonly value: number) {
    super();
  }
}

const syncHandler: Handler<Inc> = (_ctx, cmd, tag, r) => r.completeYield(tag, cmd.value + 1);
const microHandler: Handler<Inc> = (_ctx, cmd, tag, r) => {
  queueMicrotask(() => r.completeYield(tag, cmd.value + 1));
};

async function benchRuntime(): Promise<Runtime> {
  const rt = createRuntime({
    plugins: [definePlugin({ name: 'bench', commands: [256, 257], handlers: { 256: syncHandler, 257: microHandler } })],
  });
  await rt.start();
  return rt;
}

class IncMicro extends Inc {
  override readonly id = 257 as 256;
}

function floor(n: number): void {
  const handlers = new Map<number, (c: Inc) => number>([[256, (c) => c.value + 1]]);
  function* proc(): Generator<Command, number, number> {
    let x = 0;
    for (let i = 0; i < n; i++) x = yield new Inc(x);
    return x;
  }
  const it = proc();
  let r = it.next(0);
  while (!r.done) {
    const cmd = r.value as Inc;
    r = it.next(handlers.get(cmd.id)!(cmd));
  }
}

export async function runDispatchBench(n = 300_000): Promise<string> {
  const rt = await benchRuntime();
  const cases = [
    { name: '(a) floor: bare generator + Map lookup', run: floor },
    {
      name: '(b) Switchyard, sync handler, yield*',
      run: (k: number) =>
        rt.run(function* () {
          let x = 0;
          for (let i = 0; i < k; i++) x = yield* new Inc(x);
          return x;
        }),
    },
    {
      name: '(b2) Switchyard, sync handler, plain yield',
      run: (k: number) =>
        rt.run(function* () {
          let x = 0;
          for (let i = 0; i < k; i++) x = (yield new Inc(x)) as number;
          return x;
        }),
    },
    {
      name: '(c) Switchyard, microtask handler',
      run: (k: number) =>
        rt.run(function* () {
          let x = 0;
          for (let i = 0; i < k; i++) x = yield* new IncMicro(x);
          return x;
        }),
    },
    {
      name: '(d1) Effect.gen + Effect.sync',
      run: (k: number) =>
        Effect.runPromise(
          Effect.gen(function* () {
            let x = 0;
            for (let i = 0; i < k; i++) x = yield* Effect.sync(() => x + 1);
            return x;
          }),
        ),
    },
    {
      name: '(d2) Effect.gen + Effect.promise',
      run: (k: number) =>
        Effect.runPromise(
          Effect.gen(function* () {
            let x = 0;
            for (let i = 0; i < k; i++) x = yield* Effect.promise(() => Promise.resolve(x + 1));
            return x;
          }),
        ),
    },
    {
      name: '(e) redux-saga call',
      run: (k: number) => {
        const inc = (x: number) => x + 1;
        return runSaga({}, function* () {
          let x = 0;
          for (let i = 0; i < k; i++) x = (yield call(inc, x)) as number;
          return x;
        }).toPromise() as Promise<void>;
      },
    },
  ];
  const results = await measure(cases, n, 5);
  const by = new Map(results.map((r) => [r.name.slice(0, r.name.indexOf(')') + 1), r.opsPerSec]));
  const a = by.get('(a)')!;
  const rows = results.map((r) => [r.name, fmtRate(r.opsPerSec), `${((r.opsPerSec / a) * 100).toFixed(1)}%`]);
  const b = by.get('(b)')!;
  const c = by.get('(c)')!;
  const d1 = by.get('(d1)')!;
  const d2 = by.get('(d2)')!;

  const spawnRate = await spawnExit(rt, 100_000);
  const perProc = await idleHeap(100_000);
  await rt.stop();

  const targets = [
    ['(b) ≥ 1/3 of (a)', `${(b / a).toFixed(3)}`, b / a >= 1 / 3 ? 'met' : 'missed'],
    ['(b) faster than Effect.sync (d1)', `${(b / d1).toFixed(2)}×`, b > d1 ? 'met' : 'missed'],
    ['(c) ≥ 1.5× Effect.promise (d2)', `${(c / d2).toFixed(2)}×`, c >= 1.5 * d2 ? 'met' : 'missed'],
    ['heap per idle process ≤ 1 KiB', `${perProc.toFixed(0)} B`, perProc <= 1024 ? 'met' : 'missed'],
  ];
  return [
    `Yields per second (${n.toLocaleString('en')} yields per round, median of 5 interleaved rounds):`,
    '',
    table(['case', 'yields/s', 'of floor'], rows),
    '',
    table(['other', 'value'], [
      ['spawn + exit, 100k processes', fmtRate(spawnRate)],
      ['heap per idle process (100k parked in receive())', `${perProc.toFixed(0)} bytes`],
    ]),
    '',
    table(['target', 'ratio', ''], targets),
  ].join('\n');
}

async function spawnExit(rt: Runtime, n: number): Promise<number> {
  const rates: number[] = [];
  function* empty() {}
  for (let round = 0; round < 3; round++) {
    gc();
    const t0 = performance.now();
    let last = '';
    for (let i = 0; i < n; i++) last = rt.spawn(empty);
    await rt.wait(last);
    await rt.whenIdle();
    rates.push((n / (performance.now() - t0)) * 1000);
  }
  return rates.sort((x, y) => x - y)[1]!;
}

async function idleHeap(n: number): Promise<number> {
  const rt = await benchRuntime();
  function* parked() {
    yield* receive();
  }
  gc();
  gc();
  const before = process.memoryUsage().heapUsed;
  for (let i = 0; i < n; i++) rt.spawn(parked);
  await rt.whenIdle();
  gc();
  gc();
  const after = process.memoryUsage().heapUsed;
  if (rt.stats().processes.live !== n) throw new Error('idle processes did not stay parked');
  await rt.stop();
  return (after - before) / n;
}

if (isMain(import.meta.url)) {
  console.log(await runDispatchBench());
}
