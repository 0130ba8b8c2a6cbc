import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatPid, isPid } from '../src/index.js';
import { PID_PATTERN } from '../src/pid.js';

/** isPid() remembers PIDs it accepted lately: it must still accept exactly what the PID pattern accepts. */
describe('isPid', () => {
  const alphabet = ['{', '}', '|', '0', 'x', 'X', 'a', 'f', 'g', 'A', 'Z', '9', '_', '.', '@', '-', ' ', 'é', '\n'];
  const pidLike = fc
    .tuple(
      fc.constantFrom('{', '', '[', '{{'),
      fc.string({ unit: fc.constantFrom(...alphabet.filter((c) => c !== '|' && c !== '}')), minLength: 0, maxLength: 135 }),
      fc.constantFrom('|0x', '|0X', '|x', '0x', '||0x', '|0x|'),
      fc.string({ unit: fc.constantFrom('0', '9', 'a', 'f', 'g', 'F', '}'), minLength: 0, maxLength: 15 }),
      fc.constantFrom('}', '', '}}', ' }', '}\n'),
    )
    .map((parts) => parts.join(''));

  it('agrees with the pattern on PID-like strings (boundaries of every part)', () => {
    fc.assert(
      fc.property(pidLike, (s) => {
        // Twice: the second answer may come from the memo.
        expect(isPid(s)).toBe(PID_PATTERN.test(s));
        expect(isPid(s)).toBe(PID_PATTERN.test(s));
      }),
      { numRuns: 20_000 },
    );
  });

  it('agrees with the pattern on arbitrary strings', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...alphabet), maxLength: 40 }), (s) => {
        expect(isPid(s)).toBe(PID_PATTERN.test(s));
      }),
      { numRuns: 5_000 },
    );
  });

  it('formats the serial as lower-case hex, at least five digits, on every side of the table limits', () => {
    const edges = [0, 1, 0xfffff, 0x100000, 0xffffff, 0x1000000, 0xfffffff, 0x10000000, 2 ** 31, 2 ** 52 - 1];
    const serials = fc.oneof(fc.constantFrom(...edges), fc.integer({ min: 0, max: 2 ** 30 }), fc.maxSafeInteger().filter((n) => n >= 0 && n < 2 ** 52));
    fc.assert(
      fc.property(serials, (serial) => {
        expect(formatPid('n', serial)).toBe(`{n|0x${serial.toString(16).padStart(5, '0')}}`);
      }),
    );
  });

  it('accepts formatted PIDs at the limits and refuses non-strings', () => {
    expect(isPid(formatPid('a', 0))).toBe(true);
    expect(isPid(formatPid('n'.repeat(128), 2 ** 52 - 1))).toBe(true);
    expect(isPid(formatPid('n'.repeat(129), 1))).toBe(false);
    expect(isPid(formatPid('alpha@lq3k9x', 0x2a))).toBe(true);
    expect(isPid('{local|0x0002a}')).toBe(true);
    expect(isPid('{local|0x0002A}')).toBe(false);
    expect(isPid('{local|0x002a}')).toBe(false);
    // Same memo slot (same last hex digits), different content: refused.
    expect(isPid('{loc l|0x0002a}')).toBe(false);
    expect(isPid('{local|0x0002a}}')).toBe(false);
    expect(isPid(undefined)).toBe(false);
    expect(isPid(42)).toBe(false);
  });
});
