import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileFilter, parsePattern } from '../src/pattern.js';
import { SubscriptionIndex, type Indexed } from '../src/trie.js';
import { inputArb, patternArb } from './arbitraries.js';

interface Item extends Indexed {
  readonly name: string;
}

function item(name: string, pattern: string): Item {
  return { name, systemFilter: pattern === '' ? null : parsePattern(pattern), indexSlot: -1 };
}

/** What the index must return: every item whose filter matches, each once. */
function expected(items: readonly Item[], input: string): string[] {
  return items
    .filter((it) => {
      const f = compileFilter(it.systemFilter?.pattern);
      return f === null || f.match(input);
    })
    .map((it) => it.name)
    .sort();
}

function collect(index: SubscriptionIndex<Item>, input: string): string[] {
  const out: Item[] = [];
  const n = index.collect(input, out);
  return out.slice(0, n).map((it) => it.name).sort();
}

describe('SubscriptionIndex', () => {
  it('finds exact, `*`, no-filter and trie patterns', () => {
    const index = new SubscriptionIndex<Item>();
    const items = [
      item('exact', 'a.b'),
      item('single', '*'),
      item('all', ''),
      item('globstar', '**'),
      item('star', 'a.*'),
      item('deep', 'a.**.z'),
      item('alt', '(a|x).b'),
    ];
    for (const it of items) index.add(it);
    expect(collect(index, 'a.b')).toEqual(['all', 'alt', 'exact', 'globstar', 'star']);
    expect(collect(index, 'a')).toEqual(['all', 'globstar', 'single']);
    expect(collect(index, 'a.q.r.z')).toEqual(['all', 'deep', 'globstar']);
    expect(collect(index, 'x.b')).toEqual(['all', 'alt', 'globstar']);
  });

  it('returns each match once even when several `**` paths reach it', () => {
    const index = new SubscriptionIndex<Item>();
    index.add(item('p', '**.a.**'));
    index.add(item('q', 'a.**.**.a'));
    expect(collect(index, 'a.a.a.a')).toEqual(['p', 'q']);
  });

  it('removes items and prunes the trie so that churn does not grow it', () => {
    const index = new SubscriptionIndex<Item>();
    const a = item('a', 'x.*.(p|q).**');
    const b = item('b', 'x.*.(p|q).**');
    const c = item('c', 'x.y');
    for (const it of [a, b, c]) index.add(it);
    expect(index.remove(a)).toBe(true);
    expect(index.remove(a)).toBe(false);
    expect(collect(index, 'x.1.p.z')).toEqual(['b']);
    expect(index.remove(b)).toBe(true);
    expect(index.remove(c)).toBe(true);
    expect(collect(index, 'x.1.p.z')).toEqual([]);
    // Pruned back to an empty root.
    const root = (index as unknown as { root: { exact: unknown; star: unknown; globstar: unknown; alts: unknown } }).root;
    expect([root.exact, root.star, root.globstar, root.alts]).toEqual([null, null, null, null]);
    expect((index as unknown as { exact: Map<string, unknown> }).exact.size).toBe(0);
  });

  it('agrees with the matcher for random pattern sets, including after removals', () => {
    fc.assert(
      fc.property(
        fc.array(patternArb, { maxLength: 12 }),
        fc.array(inputArb, { minLength: 1, maxLength: 10 }),
        fc.array(fc.nat(), { maxLength: 6 }),
        (patterns, inputs, removals) => {
          const index = new SubscriptionIndex<Item>();
          let items = patterns.map((p, i) => item(`s${i}`, p));
          for (const it of items) index.add(it);
          for (const input of inputs) expect(collect(index, input)).toEqual(expected(items, input));
          for (const r of removals) {
            if (items.length === 0) break;
            const victim = items[r % items.length]!;
            expect(index.remove(victim)).toBe(true);
            items = items.filter((it) => it !== victim);
          }
          for (const input of inputs) expect(collect(index, input)).toEqual(expected(items, input));
        },
      ),
      { numRuns: 1500 },
    );
  });

  it('walks a 200-segment name against many `**` patterns', { timeout: 10_000 }, () => {
    const index = new SubscriptionIndex<Item>();
    for (let i = 0; i < 100; i++) index.add(item(`p${i}`, `**.s${i % 7}.**.s1.**.s2.**.s3.**.x${i}`));
    const input = Array.from({ length: 200 }, (_, i) => `s${i % 7}`).join('.');
    expect(collect(index, input)).toEqual([]);
    expect(collect(index, `${input}.x5`)).toEqual(['p5']);
  });
});
