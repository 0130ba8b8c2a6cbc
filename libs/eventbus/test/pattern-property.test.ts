import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compilePattern } from '../src/index.js';
import { loadVectors, type ExtraVectors, type Vector } from './conformance.js';
import { inputArb, patternArb } from './arbitraries.js';
import { referenceMatch } from './reference.js';

describe('matcher vs reference implementation', () => {
  it('the reference itself agrees with the conformance vectors', () => {
    const extra = loadVectors<ExtraVectors>('wildcard-vectors-extra.json');
    const all = [...loadVectors<Vector[]>('wildcard-vectors.json'), ...extra.derived_not_upstream_tested];
    for (const v of all) expect({ ...v, got: referenceMatch(v.pattern, v.input) }).toMatchObject({ got: v.match });
  });

  it('agrees on random patterns and inputs', () => {
    fc.assert(
      fc.property(patternArb, inputArb, (pattern, input) => {
        expect(compilePattern(pattern).match(input)).toBe(referenceMatch(pattern, input));
      }),
      { numRuns: 5000 },
    );
  });

  it('one compiled matcher gives the same answers across many inputs (no state leaks between calls)', () => {
    fc.assert(
      fc.property(patternArb, fc.array(inputArb, { maxLength: 20 }), (pattern, inputs) => {
        const m = compilePattern(pattern);
        for (const input of inputs) expect(m.match(input)).toBe(referenceMatch(pattern, input));
      }),
      { numRuns: 1000 },
    );
  });
});
