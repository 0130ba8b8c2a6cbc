import { FIRST_CUSTOM_ID, MAX_COMMAND_ID, SYSTEM_RANGES } from '@switchyard/dispatcher';
import { InvalidRangeError, RangeOverlapError, span } from '../errors.js';
import type { KnownClaim } from './workspace.js';

export interface IdRange {
  readonly first: number;
  readonly last: number;
}

/**
 * Parse `--range 300-309` into a range a custom plugin may claim. A bare number (`400`) is
 * refused: it reads like "a block starting at 400" but would claim one ID; `400-400` says so.
 */
export function parseRange(text: string | undefined): IdRange {
  if (text === undefined || text === '') {
    throw new InvalidRangeError('', '--range is required: the command IDs the plugin claims, e.g. --range 300-309 (custom plugins use 256 and up)');
  }
  const m = /^\s*(\d+)\s*(?:(?:-|\.\.)\s*(\d+)\s*)?$/.exec(text);
  if (m === null) throw new InvalidRangeError(text, `--range "${text}" is not a range of command IDs: write FIRST-LAST, e.g. 300-309`);
  const first = Number(m[1]);
  if (m[2] === undefined) {
    throw new InvalidRangeError(
      text,
      `--range ${text.trim()} is a single number: write ${first}-${first + 9} for a block of ten IDs (room for the commands you add later), or ${first}-${first} to claim only ID ${first}`,
    );
  }
  const last = Number(m[2]);
  if (last < first) throw new InvalidRangeError(text, `--range ${text} is empty: the last ID must be >= the first`);
  if (last > MAX_COMMAND_ID) throw new InvalidRangeError(text, `--range ${text} goes past ${MAX_COMMAND_ID}, the largest command ID`);
  if (first < FIRST_CUSTOM_ID) {
    const owners = SYSTEM_RANGES.filter((r) => r.first <= last && r.last >= first).map((r) => `"${r.module}" ${r.first}-${r.last}`);
    throw new InvalidRangeError(
      text,
      `--range ${text} starts below ${FIRST_CUSTOM_ID}: IDs 1-255 belong to the system modules` +
        (owners.length > 0 ? ` (this range hits ${owners.join(', ')})` : '') +
        `; custom plugins use ${FIRST_CUSTOM_ID} and up`,
    );
  }
  return { first, last };
}

/** Throws RangeOverlapError naming the first known claim that overlaps `range`. */
export function checkOverlap(range: IdRange, known: readonly KnownClaim[]): void {
  const hit = [...known].sort((a, b) => a.first - b.first).find((c) => c.first <= range.last && c.last >= range.first);
  if (hit !== undefined) throw new RangeOverlapError(range, hit.owner, { first: hit.first, last: hit.last }, hit.where);
}

/** The first free block of `size` IDs at or above 256, for the hint of a missing --range. */
export function suggestRange(known: readonly KnownClaim[], size = 10): IdRange {
  let first = 300;
  for (const c of [...known].sort((a, b) => a.first - b.first)) {
    if (c.last < first) continue;
    if (c.first > first + size - 1) break;
    first = Math.ceil((c.last + 1) / 10) * 10;
  }
  return { first, last: first + size - 1 };
}

export { span };
