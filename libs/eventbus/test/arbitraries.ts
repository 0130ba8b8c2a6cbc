import fc from 'fast-check';

/** A small alphabet so that random patterns and inputs actually collide. */
export const patternSegment = fc.constantFrom('a', 'b', '', '*', '**', '(a|b)', '(a|)', '()', 'a*', '(b');
export const inputSegment = fc.constantFrom('a', 'b', '', '*', 'a*', '(b');
export const patternArb = fc.array(patternSegment, { minLength: 0, maxLength: 6 }).map((s) => s.join('.'));
export const inputArb = fc.array(inputSegment, { minLength: 0, maxLength: 7 }).map((s) => s.join('.'));
