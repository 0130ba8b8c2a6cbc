import { describeValue } from '@switchyard/errors';
import { ArgumentError, BadPidError } from './errors.js';
import type { Pid } from './types.js';

/** The parts of a PID: the node it lives on and its serial number there. */
export interface PidParts {
  readonly node: string;
  readonly serial: number;
}

const PID = /^\{([A-Za-z0-9_.@-]{1,128})\|0x([0-9a-f]{5,13})\}$/;
const NODE = /^[A-Za-z0-9_.-]{1,64}$/;

/** Hex digits by table below 2^20 (Number#toString(16) is a runtime call); the last node's prefix is kept. */
const HEX1: readonly string[] = '0123456789abcdef'.split('');
const HEX2: readonly string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
let prefixNode = '';
let prefix = '';
let flattened = 0;

/**
 * "{node|0x0002a}": at least five hex digits, so PIDs of one node sort by age up to 2^20.
 * The concatenation is a rope of three to four string objects (~90 B); reading one character
 * flattens it, and the next scavenge drops the rope, leaving one flat string (~34 B). A PID
 * outlives its process in every message it sent, so this is what a backlog of them costs.
 */
export function formatPid(node: string, serial: number): Pid {
  if (node !== prefixNode) {
    prefix = `{${node}|0x`;
    prefixNode = node;
  }
  // Hex digits from tables up to 2^28 (a busy node passes 2^20 within seconds); toString(16) after.
  let hex: string;
  if (serial >= 0 && serial < 0x10000000 && (serial | 0) === serial) {
    const low = HEX2[(serial >>> 8) & 255]! + HEX2[serial & 255]!;
    hex = serial < 0x100000 ? HEX1[serial >>> 16]! + low : serial < 0x1000000 ? HEX2[serial >>> 16]! + low : HEX1[serial >>> 24]! + HEX2[(serial >>> 16) & 255]! + low;
  } else hex = serial.toString(16);
  const pid = prefix + hex + '}';
  // (Stored so that the optimizing compiler cannot drop the read as dead code.)
  flattened = pid.charCodeAt(pid.length - 2);
  return pid;
}

/** Split a PID into node and serial; BAD_PID for anything else. */
export function parsePid(pid: unknown, doing = 'parse a PID'): PidParts {
  const m = typeof pid === 'string' ? PID.exec(pid) : null;
  if (m === null) throw new BadPidError(pid, doing);
  return { node: m[1]!, serial: parseInt(m[2]!, 16) };
}

/**
 * PIDs isPid() accepted lately, by a hash of their last two hex digits: every send() checks its
 * target, and the same few PIDs are checked again and again. A hit is an identity (or short
 * content) compare instead of a run of the pattern; a miss runs the pattern. A pure memo: it only
 * ever holds strings the pattern accepted.
 */
const recent: (string | undefined)[] = new Array<string | undefined>(64).fill(undefined);

/** True for a well-formed PID string. */
export function isPid(value: unknown): value is Pid {
  if (typeof value !== 'string') return false;
  const n = value.length;
  if (n < 11) return false;
  const slot = (value.charCodeAt(n - 2) ^ (value.charCodeAt(n - 3) << 3)) & 63;
  if (recent[slot] === value) return true;
  if (!PID.test(value)) return false;
  recent[slot] = value;
  return true;
}

/** The pattern isPid() implements, for tests that compare the two. */
export const PID_PATTERN: RegExp = PID;

/**
 * The node part of this runtime's PIDs. Unnamed runtimes are "local". A named node gets a boot
 * incarnation ("alpha@lq3k9x"), so a PID kept from before a restart never names a new process.
 */
export function nodeName(name: string | undefined, incarnation: string | undefined): string {
  if (name === undefined || name === 'local') return 'local';
  if (typeof name !== 'string' || !NODE.test(name)) {
    throw new ArgumentError('node', `createRuntime(): node must be 1-64 letters, digits, "_", "." or "-", got ${describeValue(name)}`);
  }
  const inc = incarnation ?? Date.now().toString(36);
  if (typeof inc !== 'string' || !NODE.test(inc)) {
    throw new ArgumentError('incarnation', `createRuntime(): incarnation must be 1-64 letters, digits, "_", "." or "-", got ${describeValue(inc)}`);
  }
  return `${name}@${inc}`;
}
