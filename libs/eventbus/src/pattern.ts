import { BadPatternError } from './errors.js';

/**
 * Wildcard patterns over dot-separated names (DESIGN.md §4):
 * - split on `.`; case-sensitive; no escaping;
 * - the empty pattern matches nothing; a pattern without `*`, `**` or `(…)` segments is equality;
 * - the pattern `*` alone matches any non-empty string without a dot;
 * - a `*` segment matches exactly one segment, which may be empty;
 * - a `**` segment matches zero or more segments (`**` alone matches everything, even "");
 * - a `(x|y)` segment matches one segment equal to one of its options, literally;
 * - no globs inside a segment: `a*` is the literal `a*`.
 */
export interface Matcher {
  readonly pattern: string;
  match(input: string): boolean;
}

export const SEG_LITERAL = 0;
export const SEG_STAR = 1;
export const SEG_GLOBSTAR = 2;
export const SEG_ALT = 3;
export type SegmentKind = typeof SEG_LITERAL | typeof SEG_STAR | typeof SEG_GLOBSTAR | typeof SEG_ALT;

export interface Segment {
  readonly kind: SegmentKind;
  /** The segment as written in the pattern. */
  readonly text: string;
  /** The options of a `(x|y)` segment; empty for the other kinds. */
  readonly options: readonly string[];
}

/**
 * How a whole pattern behaves; the index and the matcher pick a strategy from it.
 * - never: the empty pattern;
 * - single: the pattern `*` alone (non-empty input without a dot);
 * - exact: only literal segments, so plain string equality;
 * - all: only `**` segments, which match every string;
 * - general: anything else.
 */
export type PatternShape = 'never' | 'single' | 'exact' | 'all' | 'general';

export interface ParsedPattern {
  readonly pattern: string;
  readonly shape: PatternShape;
  /** Only for the general shape; the others are matched without segments (and stay small). */
  readonly segments: readonly Segment[];
}

const NO_OPTIONS: readonly string[] = Object.freeze([]);
const NO_SEGMENTS: readonly Segment[] = Object.freeze([]);

function parseSegment(text: string): Segment {
  if (text === '*') return { kind: SEG_STAR, text, options: NO_OPTIONS };
  if (text === '**') return { kind: SEG_GLOBSTAR, text, options: NO_OPTIONS };
  // `(` … `)` around the whole segment; "()" is a one-option alternation of the empty string.
  if (text.length >= 2 && text.charCodeAt(0) === 40 && text.charCodeAt(text.length - 1) === 41) {
    return { kind: SEG_ALT, text, options: Object.freeze(text.slice(1, -1).split('|')) };
  }
  return { kind: SEG_LITERAL, text, options: NO_OPTIONS };
}

export function parsePattern(pattern: string): ParsedPattern {
  if (typeof pattern !== 'string') throw new BadPatternError('pattern', pattern);
  if (pattern === '') return { pattern, shape: 'never', segments: NO_SEGMENTS };
  if (pattern === '*') return { pattern, shape: 'single', segments: NO_SEGMENTS };
  const segments = pattern.split('.').map(parseSegment);
  let literals = 0;
  let globstars = 0;
  for (const s of segments) {
    if (s.kind === SEG_LITERAL) literals++;
    else if (s.kind === SEG_GLOBSTAR) globstars++;
  }
  if (literals === segments.length) return { pattern, shape: 'exact', segments: NO_SEGMENTS };
  if (globstars === segments.length) return { pattern, shape: 'all', segments: NO_SEGMENTS };
  return { pattern, shape: 'general', segments };
}

// Strategies of a compiled matcher: the common shapes get a string-only test,
// everything else runs the state-set simulation.
const M_NEVER = 0;
const M_SINGLE = 1;
const M_EXACT = 2;
const M_ALL = 3;
const M_PREFIX_GLOBSTAR = 4; // lit(.lit)*.**          → input === p || input startsWith p + '.'
const M_PREFIX_STAR = 5; // lit(.lit)*.*               → startsWith p + '.' and no dot after
const M_SUFFIX = 6; // **.lit(.lit)*                   → input === s || input endsWith '.' + s
const M_GENERAL = 7;

/** True when `input.slice(start, end) === lit`, without slicing. */
function segmentEquals(input: string, start: number, end: number, lit: string): boolean {
  return end - start === lit.length && input.startsWith(lit, start);
}

function optionsMatch(input: string, start: number, end: number, options: readonly string[]): boolean {
  for (let i = 0; i < options.length; i++) {
    if (segmentEquals(input, start, end, options[i]!)) return true;
  }
  return false;
}

/**
 * A pattern compiled once. `match` runs in O(segments(input) × segments(pattern)),
 * whatever the number of `**`: it tracks the set of pattern positions reachable
 * after each input segment instead of backtracking.
 */
class CompiledPattern implements Matcher {
  readonly pattern: string;
  readonly parsed: ParsedPattern;
  private readonly mode: number;
  private readonly affix: string;
  // Segment kinds and the two state sets of the simulation (general mode only). The sets
  // are reused by every call: match() is synchronous and never re-entered, so one pair
  // per matcher is enough and saves an allocation per call.
  private readonly kinds: Uint8Array | null = null;
  private cur: Uint8Array | null = null;
  private nxt: Uint8Array | null = null;

  constructor(parsed: ParsedPattern) {
    this.pattern = parsed.pattern;
    this.parsed = parsed;
    const segs = parsed.segments;
    const n = segs.length;
    let mode = M_GENERAL;
    let affix = '';
    if (parsed.shape === 'never') mode = M_NEVER;
    else if (parsed.shape === 'single') mode = M_SINGLE;
    else if (parsed.shape === 'exact') mode = M_EXACT;
    else if (parsed.shape === 'all') mode = M_ALL;
    else if (n >= 2 && allLiteral(segs, 0, n - 1)) {
      const last = segs[n - 1]!.kind;
      affix = segs.slice(0, n - 1).map((s) => s.text).join('.');
      if (last === SEG_GLOBSTAR) mode = M_PREFIX_GLOBSTAR;
      else if (last === SEG_STAR) mode = M_PREFIX_STAR;
    } else if (n >= 2 && segs[0]!.kind === SEG_GLOBSTAR && allLiteral(segs, 1, n)) {
      mode = M_SUFFIX;
      affix = segs.slice(1).map((s) => s.text).join('.');
    }
    this.mode = mode;
    this.affix = affix;
    if (mode === M_GENERAL) {
      this.kinds = Uint8Array.from(segs, (s) => s.kind);
      this.cur = new Uint8Array(n + 1);
      this.nxt = new Uint8Array(n + 1);
    }
  }

  match(input: string): boolean {
    switch (this.mode) {
      case M_NEVER:
        return false;
      case M_SINGLE:
        return input.length > 0 && input.indexOf('.') === -1;
      case M_EXACT:
        return input === this.pattern;
      case M_ALL:
        return true;
      case M_PREFIX_GLOBSTAR: {
        const p = this.affix;
        return input.startsWith(p) && (input.length === p.length || input.charCodeAt(p.length) === 46);
      }
      case M_PREFIX_STAR: {
        const p = this.affix;
        return (
          input.length > p.length &&
          input.charCodeAt(p.length) === 46 &&
          input.startsWith(p) &&
          input.indexOf('.', p.length + 1) === -1
        );
      }
      case M_SUFFIX: {
        const s = this.affix;
        const at = input.length - s.length;
        return input.endsWith(s) && (at === 0 || (at > 0 && input.charCodeAt(at - 1) === 46));
      }
      default:
        return this.simulate(input);
    }
  }

  private simulate(input: string): boolean {
    const segs = this.parsed.segments;
    const kinds = this.kinds!;
    const m = segs.length;
    let cur = this.cur!;
    let nxt = this.nxt!;
    cur.fill(0);
    cur[0] = 1;
    closeOverGlobstars(cur, kinds, m);
    let start = 0;
    for (;;) {
      const dot = input.indexOf('.', start);
      const end = dot === -1 ? input.length : dot;
      nxt.fill(0);
      let alive = false;
      for (let i = 0; i < m; i++) {
        if (cur[i] === 0) continue;
        const k = kinds[i];
        if (k === SEG_GLOBSTAR) {
          nxt[i] = 1; // consumes this segment and stays
          alive = true;
        } else if (
          k === SEG_STAR ||
          (k === SEG_LITERAL ? segmentEquals(input, start, end, segs[i]!.text) : optionsMatch(input, start, end, segs[i]!.options))
        ) {
          nxt[i + 1] = 1;
          alive = true;
        }
      }
      const t = cur;
      cur = nxt;
      nxt = t;
      if (!alive) break;
      closeOverGlobstars(cur, kinds, m);
      if (dot === -1) break;
      start = dot + 1;
    }
    return cur[m] === 1;
  }
}

/** A `**` may match zero segments: reaching position i before a `**` also reaches i + 1. */
function closeOverGlobstars(set: Uint8Array, kinds: Uint8Array, m: number): void {
  for (let i = 0; i < m; i++) {
    if (set[i] === 1 && kinds[i] === SEG_GLOBSTAR) set[i + 1] = 1;
  }
}

function allLiteral(segs: readonly Segment[], from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (segs[i]!.kind !== SEG_LITERAL) return false;
  return true;
}

/** Compiles `pattern` once for repeated matching. Throws `BadPatternError` if it is not a string. */
export function compilePattern(pattern: string): Matcher {
  return new CompiledPattern(parsePattern(pattern));
}

/** One-off match; compile with `compilePattern` when the pattern is reused. */
export function matchPattern(pattern: string, input: string): boolean {
  return compilePattern(pattern).match(input);
}

/**
 * A subscription filter: like `compilePattern`, except that an empty or missing
 * pattern means "no filter" and matches everything (DESIGN.md §4, subscriptions).
 * Returns null for "no filter" so the hot path can skip the call.
 */
export function compileFilter(pattern: string | undefined): Matcher | null {
  if (pattern === undefined || pattern === '') return null;
  const parsed = parsePattern(pattern);
  return parsed.shape === 'all' ? null : new CompiledPattern(parsed);
}
