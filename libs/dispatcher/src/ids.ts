import { BadCommandIdError } from './errors.js';

/** An integer 1..65535. 1–255 are system IDs owned by the modules of SYSTEM_RANGES, 256+ are custom. */
export type CommandID = number;

export const MAX_COMMAND_ID = 65535;
export const FIRST_CUSTOM_ID = 256;

export interface SystemRange {
  readonly module: string;
  readonly first: CommandID;
  readonly last: CommandID;
  readonly reserved?: boolean;
}

/** Who owns each system range (DESIGN.md §3). A module may only claim IDs of its own range. */
export const SYSTEM_RANGES: readonly SystemRange[] = Object.freeze([
  { module: 'process', first: 1, last: 9 },
  { module: 'clock', first: 10, last: 29 },
  { module: 'socket', first: 30, last: 49, reserved: true },
  { module: 'stream', first: 50, last: 59 },
  { module: 'http', first: 60, last: 79 },
  { module: 'websocket', first: 80, last: 89 },
  { module: 'event', first: 90, last: 99 },
  { module: 'sql', first: 100, last: 119 },
  { module: 'store', first: 120, last: 129 },
  { module: 'security', first: 130, last: 139 },
  { module: 'function', first: 140, last: 149 },
  { module: 'exec', first: 150, last: 159 },
  { module: 'cloudstorage', first: 160, last: 169 },
  { module: 'eval', first: 170, last: 179 },
  { module: 'workflow', first: 180, last: 189 },
  { module: 'contract', first: 190, last: 199 },
  { module: 'core', first: 200, last: 255, reserved: true },
]);

/** The system range an ID falls in, or undefined for custom IDs (256+) and the unassigned 0. */
export function systemRangeOf(id: CommandID): SystemRange | undefined {
  if (id >= FIRST_CUSTOM_ID) return undefined;
  for (const r of SYSTEM_RANGES) if (id >= r.first && id <= r.last) return r;
  return undefined;
}

export function isCommandId(value: unknown): value is CommandID {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= MAX_COMMAND_ID;
}

/** Throws a BadCommandIdError (`BAD_COMMAND_ID`) naming the value when it is not an integer in 1..65535. */
export function assertCommandId(value: unknown, what = 'command ID'): asserts value is CommandID {
  if (!isCommandId(value)) {
    throw new BadCommandIdError(what, value);
  }
}
