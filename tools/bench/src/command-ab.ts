/**
 * A/B of the command object's shape, in one process so that machine load hits every variant
 * alike: (1) the old CommandBase, `private state = 0` as a field initializer; (2) the same state
 * assigned in the constructor; (3) no state on the command: `[Symbol.iterator]()` returns a small
 * iterator object of one class, which returns a fresh result object per step; (4) the same
 * iterator as its own result object (what libs/dispatcher now does: one object per `yield*`). Each is driven like the floor (a
 * generator, `yield*`, a Map of handlers), first with one command class ("clean"), then with ten
 * command classes in rotation (what an application's many plugins produce).
 */
import { gc, isMain, measureRounds, ratio, fmtSpread, table, type RoundCase } from './util.js';

interface Cmd {
  readonly id: number;
  readonly value: number;
}

abstract class FieldInit {
  abstract readonly id: number;
  private state = 0;
  [Symbol.iterator](): Iterator<Cmd, number, unknown> {
    this.state = 0;
    return this as unknown as Iterator<Cmd, number, unknown>;
  }
  next(result?: unknown): IteratorResult<Cmd, number> {
    if (this.state === 0) {
      this.state = 1;
      return { value: this as unknown as Cmd, done: false };
    }
    return { value: result as number, done: true };
  }
}

abstract class CtorInit {
  abstract readonly id: number;
  private state: number;
  constructor() {
    this.state = 0;
  }
  [Symbol.iterator](): Iterator<Cmd, number, unknown> {
    this.state = 0;
    return this as unknown as Iterator<Cmd, number, unknown>;
  }
  next(result?: unknown): IteratorResult<Cmd, number> {
    if (this.state === 0) {
      this.state = 1;
      return { value: this as unknown as Cmd, done: false };
    }
    return { value: result as number, done: true };
  }
}

class YieldOnce implements Iterator<Cmd, number, unknown> {
  private yielded = false;
  constructor(private readonly cmd: Cmd) {}
  next(result?: unknown): IteratorResult<Cmd, number> {
    if (!this.yielded) {
      this.yielded = true;
      return { value: this.cmd, done: false };
    }
    return { value: result as number, done: true };
  }
}

abstract class Stateless {
  abstract readonly id: number;
  [Symbol.iterator](): Iterator<Cmd, number, unknown> {
    return new YieldOnce(this as unknown as Cmd);
  }
}

/** The iterator is its own iterator result (a sync `yield*` passes the inner result through): one object per `yield*`. */
class SelfResult implements Iterator<Cmd, number, unknown> {
  value: unknown;
  done: boolean | undefined = undefined;
  constructor(cmd: Cmd) {
    this.value = cmd;
  }
  next(result?: unknown): IteratorResult<Cmd, number> {
    if (this.done === undefined) {
      this.done = false;
      return this as IteratorResult<Cmd, number>;
    }
    this.value = result;
    this.done = true;
    return this as IteratorResult<Cmd, number>;
  }
}

abstract class StatelessSelf {
  abstract readonly id: number;
  [Symbol.iterator](): Iterator<Cmd, number, unknown> {
    return new SelfResult(this as unknown as Cmd);
  }
}

type Ctor = new (value: number) => Cmd & Iterable<Cmd>;

/** Ten subclasses of `Base`, with different own fields (so different shapes), ids 0..9. */
function tenClasses(Base: abstract new () => object): Ctor[] {
  const B = Base as unknown as new () => object;
  return [
    class extends B { readonly id = 0; constructor(readonly value: number) { super(); } },
    class extends B { readonly id = 1; readonly a = 'x'; constructor(readonly value: number) { super(); } },
    class extends B { readonly id = 2; readonly b = 1; readonly c = 2; constructor(readonly value: number) { super(); } },
    class extends B { readonly id = 3; constructor(readonly value: number, readonly d: string | undefined = undefined) { super(); } },
    class extends B { readonly id = 4; readonly e: number[] = []; constructor(readonly value: number) { super(); } },
    class extends B { readonly id = 5; readonly f = null; readonly g = true; constructor(readonly value: number) { super(); } },
    class extends B { constructor(readonly value: number, readonly id = 6) { super(); } },
    class extends B { readonly id = 7; readonly h = 0.5; constructor(readonly value: number) { super(); } },
    class extends B { readonly id = 8; readonly i = {}; constructor(readonly value: number) { super(); } },
    class extends B { readonly id = 9; readonly j = 'y'; readonly k2 = 'z'; constructor(readonly value: number) { super(); } },
  ] as unknown as Ctor[];
}

const handlers = new Map<number, (c: Cmd) => number>(Array.from({ length: 10 }, (_, i) => [i, (c: Cmd) => c.value + 1] as const));

/** A loop of `yield*` over commands of `classes` in rotation, driven like the floor. */
function driver(classes: readonly Ctor[]): (n: number) => number {
  const m = classes.length;
  return (n: number) => {
    function* proc(): Generator<Cmd, number, number> {
      let x = 0;
      for (let i = 0; i < n; i++) x = yield* new classes[i % m]!(x);
      return x;
    }
    const it = proc();
    let r = it.next(0);
    while (!r.done) r = it.next(handlers.get(r.value.id)!(r.value));
    return r.value;
  };
}

function literalFloor(n: number): number {
  function* proc(): Generator<Cmd, number, number> {
    let x = 0;
    for (let i = 0; i < n; i++) x = yield { id: i % 10, value: x };
    return x;
  }
  const it = proc();
  let r = it.next(0);
  while (!r.done) r = it.next(handlers.get(r.value.id)!(r.value));
  return r.value;
}

export async function runCommandAb(n = 50_000, rounds = 21): Promise<string> {
  const variants: [string, Ctor[]][] = [
    ['field initializer (old)', tenClasses(FieldInit)],
    ['constructor assignment', tenClasses(CtorInit)],
    ['no state: YieldOnce iterator + two result objects', tenClasses(Stateless)],
    ['no state: YieldOnce is its own result (new)', tenClasses(StatelessSelf)],
  ];
  const FLOOR = 'FLOOR: object literals';
  const clean: RoundCase[] = [{ name: FLOOR, run: literalFloor }, ...variants.map(([name, cs]) => ({ name, run: driver(cs.slice(0, 1)) }))];
  gc();
  const c = await measureRounds(clean, n, rounds);
  const many: RoundCase[] = [{ name: FLOOR, run: literalFloor }, ...variants.map(([name, cs]) => ({ name, run: driver(cs) }))];
  const m = await measureRounds(many, n, rounds);
  const rows = variants.map(([name]) => [
    name,
    fmtSpread(ratio(c, name, FLOOR), 3),
    fmtSpread(ratio(m, name, FLOOR), 3),
    (ratio(m, name, FLOOR).median / ratio(c, name, FLOOR).median).toFixed(2),
  ]);
  return [
    `yield* of a command class, driven like the floor; ratio to object literals: median (min–max) of ${rounds} rounds of ${n.toLocaleString('en')}`,
    '',
    table(['CommandBase variant', '1 class', '10 classes in rotation', '10 classes / 1 class'], rows),
  ].join('\n');
}

if (isMain(import.meta.url)) {
  console.log(await runCommandAb(Number(process.env.BENCH_N ?? 50_000), Number(process.env.BENCH_ROUNDS ?? 21)));
}
