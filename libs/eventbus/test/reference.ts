/**
 * An obviously-correct (and exponential) matcher written straight from the rules
 * in DESIGN.md §4, used only as the oracle of property tests.
 */
export function referenceMatch(pattern: string, input: string): boolean {
  if (pattern === '') return false;
  if (pattern === '*') return input !== '' && !input.includes('.');
  return matchSegments(pattern.split('.'), input.split('.'));
}

function matchSegments(p: string[], s: string[]): boolean {
  if (p.length === 0) return s.length === 0;
  const [head, ...rest] = p as [string, ...string[]];
  if (head === '**') {
    // zero segments, or one segment and stay on `**`
    return matchSegments(rest, s) || (s.length > 0 && matchSegments(p, s.slice(1)));
  }
  if (s.length === 0) return false;
  return segmentMatches(head, s[0]!) && matchSegments(rest, s.slice(1));
}

function segmentMatches(p: string, s: string): boolean {
  if (p === '*') return true;
  if (p.length >= 2 && p.startsWith('(') && p.endsWith(')')) return p.slice(1, -1).split('|').includes(s);
  return p === s;
}
