import { describe, expect, it } from 'vitest';
import { BadPatternError, compileFilter, compilePattern, matchPattern } from '../src/index.js';
import { loadVectors, type ExtraVectors, type Vector } from './conformance.js';

const main = loadVectors<Vector[]>('wildcard-vectors.json');
const extra = loadVectors<ExtraVectors>('wildcard-vectors-extra.json');

describe('conformance vectors', () => {
  it('loads 95 main vectors and 57 derived edge cases', () => {
    expect(main).toHaveLength(95);
    expect(extra.derived_not_upstream_tested).toHaveLength(57);
  });

  it.each(main.map((v) => [v.pattern, v.input, v.match] as const))(
    'wildcard-vectors.json: %j vs %j → %s',
    (pattern, input, match) => {
      expect(compilePattern(pattern).match(input)).toBe(match);
      expect(matchPattern(pattern, input)).toBe(match);
    },
  );

  it.each(extra.derived_not_upstream_tested.map((v) => [v.pattern, v.input, v.match] as const))(
    'wildcard-vectors-extra.json derived: %j vs %j → %s',
    (pattern, input, match) => {
      expect(compilePattern(pattern).match(input)).toBe(match);
    },
  );

  it('agrees with every upstream-tested vector of the extra file', () => {
    for (const v of extra.tested_with_provenance) {
      expect({ ...v, got: compilePattern(v.pattern).match(v.input) }).toMatchObject({ got: v.match });
    }
  });

  it('agrees with what the wildcard package answers for the Lua-bridge cases (the bridge matcher differs)', () => {
    for (const v of extra.lua_bridge_matchPattern_derived) {
      expect(v.wildcard_pkg_match).toBeTypeOf('boolean');
      expect({ ...v, got: compilePattern(v.pattern).match(v.input) }).toMatchObject({ got: v.wildcard_pkg_match });
    }
  });

  it('as a subscription filter (empty = no filter) agrees with the tested Lua-bridge cases', () => {
    for (const v of extra.lua_bridge_matchPattern_tested) {
      const filter = compileFilter(v.pattern);
      const got = filter === null ? true : filter.match(v.input);
      expect({ ...v, got }).toMatchObject({ got: v.match });
    }
  });
});

describe('pattern rules', () => {
  it('the empty pattern matches nothing, not even ""', () => {
    const m = compilePattern('');
    expect(m.match('')).toBe(false);
    expect(m.match('a')).toBe(false);
  });

  it('a pattern without wildcard segments is exact, case-sensitive equality', () => {
    const m = compilePattern('Registry.entry');
    expect(m.match('Registry.entry')).toBe(true);
    expect(m.match('registry.entry')).toBe(false);
    expect(m.match('Registry.entry.x')).toBe(false);
    expect(m.match('Registry')).toBe(false);
  });

  it('`*` alone matches any non-empty string without a dot', () => {
    const m = compilePattern('*');
    expect(m.match('x')).toBe(true);
    expect(m.match('')).toBe(false);
    expect(m.match('a.b')).toBe(false);
    expect(m.match('.')).toBe(false);
  });

  it('a `*` segment matches exactly one segment, which may be empty', () => {
    const m = compilePattern('a.*.c');
    expect(m.match('a.b.c')).toBe(true);
    expect(m.match('a..c')).toBe(true);
    expect(m.match('a.c')).toBe(false);
    expect(m.match('a.b.b.c')).toBe(false);
  });

  it('`**` matches zero or more segments', () => {
    expect(matchPattern('**', '')).toBe(true);
    expect(matchPattern('**', 'a.b.c')).toBe(true);
    expect(matchPattern('a.**', 'a')).toBe(true);
    expect(matchPattern('a.**', 'ab')).toBe(false);
    expect(matchPattern('a.**.b', 'a.b')).toBe(true);
    expect(matchPattern('a.**.b', 'a.x.y.b')).toBe(true);
    expect(matchPattern('a.**.b', 'a.x.y.bc')).toBe(false);
    expect(matchPattern('**.b', 'x.b')).toBe(true);
    expect(matchPattern('**.b', 'xb')).toBe(false);
    expect(matchPattern('**.a.**.b.**', 'x.a.y.z.b')).toBe(true);
    expect(matchPattern('**.a.**.b.**', 'x.b.y.a')).toBe(false);
  });

  it('`(x|y)` matches one segment equal to an option, literally', () => {
    expect(matchPattern('(a|b).c', 'a.c')).toBe(true);
    expect(matchPattern('(a|b).c', 'b.c')).toBe(true);
    expect(matchPattern('(a|b).c', 'ab.c')).toBe(false);
    expect(matchPattern('(a|).c', '.c')).toBe(true);
    expect(matchPattern('(a|*)', 'z')).toBe(false);
    expect(matchPattern('(a|*)', '*')).toBe(true);
    expect(matchPattern('(a', '(a')).toBe(true);
  });

  it('has no globs inside a segment and no escaping', () => {
    expect(matchPattern('a*', 'abc')).toBe(false);
    expect(matchPattern('a*', 'a*')).toBe(true);
    expect(matchPattern('a\\.b', 'a.b')).toBe(false);
  });

  it('exposes the pattern it was compiled from', () => {
    expect(compilePattern('a.**').pattern).toBe('a.**');
  });

  it('rejects a non-string pattern with BadPatternError naming the value', () => {
    expect(() => compilePattern(42 as unknown as string)).toThrow(BadPatternError);
    expect(() => compilePattern(42 as unknown as string)).toThrow(/pattern must be a string, got 42/);
    try {
      compilePattern(undefined as unknown as string);
    } catch (e) {
      expect((e as BadPatternError).code).toBe('BAD_PATTERN');
    }
  });
});

describe('compileFilter (subscription semantics)', () => {
  it('treats an empty or missing pattern as "no filter"', () => {
    expect(compileFilter(undefined)).toBeNull();
    expect(compileFilter('')).toBeNull();
    expect(compileFilter('**')).toBeNull();
  });

  it('otherwise behaves like compilePattern', () => {
    expect(compileFilter('a.*')!.match('a.b')).toBe(true);
    expect(compileFilter('*')!.match('')).toBe(false);
  });
});

describe('matching cost', () => {
  it('matches five `**` against 200 segments without backtracking blow-up', { timeout: 10_000 }, () => {
    const input = Array.from({ length: 200 }, (_, i) => `s${i % 7}`).join('.');
    const hit = compilePattern('**.s1.**.s2.**.s3.**.s4.**.s3');
    const miss = compilePattern('**.x.**.x.**.x.**.x.**.y');
    for (let i = 0; i < 200; i++) {
      expect(hit.match(input)).toBe(true);
      expect(miss.match(input)).toBe(false);
      expect(miss.match(`${input}.x.x.x.x`)).toBe(false);
    }
  });
});
