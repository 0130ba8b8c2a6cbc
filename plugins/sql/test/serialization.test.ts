import { describe, expect, it } from 'vitest';
import { race, receive, type ProcessContext } from '@switchyard/runtime';
import { begin, commit, execute, prepare, query, stmtQuery, txExecute, txQuery } from '../src/index.js';
import { eventually, MODES, setup } from './helpers.js';

describe.each(MODES)('serialized transactions (%s mode)', (mode) => {
  async function withTable() {
    const t = await setup(mode);
    await t.rt.run(function* () {
      yield* execute('main', 'create table log (n integer, who text)');
    });
    return t;
  }

  it("keeps two processes' statements out of each other's transaction while they interleave", async () => {
    await using t = await withTable();
    const trace: string[] = [];
    // Each process writes a step, then waits for a message: the test decides who runs when.
    function* writer(_ctx: ProcessContext, who: string) {
      trace.push(`${who} wants`);
      const tx = yield* begin('main');
      trace.push(`${who} began`);
      for (let n = 1; n <= 2; n++) {
        yield* txExecute(tx, 'insert into log values (?, ?)', [n, who]);
        trace.push(`${who} wrote ${n}`);
        yield* receive({ topic: 'step' });
      }
      const mine = (yield* txQuery<{ c: number }>(tx, 'select count(*) as c from log where who = ?', [who])).rows[0]!.c;
      const all = (yield* txQuery<{ c: number }>(tx, 'select count(*) as c from log')).rows[0]!.c;
      yield* commit(tx);
      trace.push(`${who} committed (${mine} mine of ${all})`);
    }
    const a = t.rt.spawn(writer, 'A');
    await eventually(() => expect(trace).toContain('A wrote 1'));
    const b = t.rt.spawn(writer, 'B');
    const reader = t.rt.spawn(function* () {
      const r = yield* query<{ c: number }>('main', 'select count(*) as c from log');
      trace.push(`reader saw ${r.rows[0]!.c}`);
    });
    const done = Promise.all([a, b, reader].map((p) => t.rt.wait(p)));
    await eventually(() => expect(t.stats().waiting).toBe(2));
    // B and the reader wait for A; stepping B does nothing until it holds the transaction.
    t.rt.send(b, 'step', null);
    t.rt.send(a, 'step', null);
    await eventually(() => expect(trace).toContain('A wrote 2'));
    t.rt.send(a, 'step', null);
    await eventually(() => expect(trace).toContain('B wrote 2'));
    t.rt.send(b, 'step', null);
    await done;
    expect(trace).toEqual([
      'A wants',
      'A began',
      'A wrote 1',
      'B wants',
      'A wrote 2',
      'A committed (2 mine of 2)',
      'B began',
      'B wrote 1',
      // the reader queued before B's begin was let in; it runs once B's transaction commits
      'B wrote 2',
      'B committed (2 mine of 4)',
      'reader saw 4',
    ]);
  });

  it('lets waiters in one at a time in arrival order', async () => {
    await using t = await withTable();
    const holder = t.rt.spawn(function* () {
      const tx = yield* begin('main');
      yield* receive({ topic: 'go' });
      yield* commit(tx);
    });
    await eventually(() => expect(t.stats().transactions).toBe(1));
    const pids = ['w1', 'w2', 'w3', 'w4'].map((who) =>
      t.rt.spawn(function* () {
        const tx = yield* begin('main');
        yield* txExecute(tx, 'insert into log (who) values (?)', [who]);
        yield* commit(tx);
      }),
    );
    const stmtUser = t.rt.spawn(function* () {
      const s = yield* prepare('main', 'insert into log (who) values (?)');
      yield* stmtQuery(s, ['stmt']);
    });
    const done = Promise.all([holder, ...pids, stmtUser].map((p) => t.rt.wait(p)));
    await eventually(() => expect(t.stats().waiting).toBe(5));
    t.rt.send(holder, 'go', null);
    await done;
    const order = await t.rt.run(function* () {
      return (yield* query<{ who: string }>('main', 'select who from log order by rowid')).rows.map((r) => r.who);
    });
    expect(order).toEqual(['w1', 'w2', 'w3', 'w4', 'stmt']);
  });

  it('skips a waiter whose process ended or whose begin lost a race', async () => {
    await using t = await withTable();
    const holder = t.rt.spawn(function* () {
      const tx = yield* begin('main');
      yield* receive({ topic: 'go' });
      yield* commit(tx);
    });
    await eventually(() => expect(t.stats().transactions).toBe(1));
    const quitter = t.rt.spawn(function* () {
      yield* begin('main');
    });
    const impatient = t.rt.spawn(function* () {
      const first = yield* race([begin('main'), receive({ topic: 'give-up' })]);
      return 'topic' in first ? 'gave up' : 'began';
    });
    const patient = t.rt.spawn(function* () {
      const tx = yield* begin('main');
      yield* txExecute(tx, 'insert into log (who) values (?)', ['patient']);
      yield* commit(tx);
      return 'committed';
    });
    const results = [quitter, impatient, patient].map((p) => t.rt.wait(p));
    await eventually(() => expect(t.stats().waiting).toBe(3));
    t.rt.terminate(quitter);
    t.rt.send(impatient, 'give-up', null);
    t.rt.send(holder, 'go', null);
    expect(await Promise.all(results)).toEqual([
      { kind: 'terminated' },
      { kind: 'normal', value: 'gave up' },
      { kind: 'normal', value: 'committed' },
    ]);
    expect(t.stats()).toMatchObject({ transactions: 0, waiting: 0 });
  });
});
