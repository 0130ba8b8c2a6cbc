import type { Proc } from './proc.js';
import type { Pid } from './types.js';

/** Smallest table: a runtime with a handful of processes never resizes. */
const MIN_SLOTS = 64;

/** The value of a lower-case hex digit's character code; -1 for any other character. */
function hexDigit(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  return -1;
}

/**
 * The serial of a PID string ("{node|0x0002a}" → 42): the hex digits before the closing brace,
 * read from the end. -1 when the string does not end that way (never a live process's PID).
 */
export function serialOf(pid: string): number {
  const n = pid.length;
  if (n < 11 || pid.charCodeAt(n - 1) !== 0x7d /* } */) return -1;
  let serial = 0;
  let scale = 1;
  // At most 13 digits (serials stay below 2^52), then the x of "0x".
  for (let i = n - 2; i >= n - 15; i--) {
    const c = pid.charCodeAt(i);
    const d = hexDigit(c);
    if (d < 0) return c === 0x78 /* x */ && scale > 1 ? serial : -1;
    serial += d * scale;
    scale *= 16;
  }
  return -1;
}

/**
 * The live processes of a runtime by PID: a slot per serial modulo the table size, and a Map for
 * the few that find their slot taken.
 *
 * Serials are handed out in sequence, so live processes spread over the slots and a lookup reads
 * the serial's digits off the PID string, one slot, and compares the PID. A Map keyed by PID
 * strings hashes every new PID and, with processes that come and go (spawn, exit, spawn…),
 * rebuilds its backing store every few operations; this table allocates only when it doubles or
 * halves. A slot is taken by another process only when two live serials are a multiple of the
 * table size apart (a long-lived process and one spawned many spawns later): that one goes to
 * the overflow Map. The table keeps at least twice as many slots as processes and halves when an
 * eighth full, so a burst's memory is given back.
 */
export class ProcTable {
  private slots: (Proc | undefined)[] = new Array<Proc | undefined>(MIN_SLOTS).fill(undefined);
  private mask = MIN_SLOTS - 1;
  /** Hex digits of a serial that decide its slot (the mask's bits, four per digit). */
  private digits = digitsFor(MIN_SLOTS);
  private overflow: Map<Pid, Proc> | null = null;
  size = 0;

  get(pid: unknown): Proc | undefined {
    if (typeof pid !== 'string') return undefined;
    const i = this.slotOf(pid);
    if (i < 0) return undefined;
    const p = this.slots[i];
    if (p !== undefined && p.pid === pid) return p;
    return this.overflow === null ? undefined : this.overflow.get(pid);
  }

  has(pid: unknown): boolean {
    return this.get(pid) !== undefined;
  }

  /** Add a process whose PID is not in the table (a fresh serial). */
  add(p: Proc): void {
    if ((this.size + 1) * 2 > this.slots.length) this.resize(this.slots.length * 2);
    this.place(p);
    this.size++;
  }

  delete(p: Proc): boolean {
    const i = this.slotOf(p.pid);
    if (this.slots[i] === p) this.slots[i] = undefined;
    else if (this.overflow !== null && this.overflow.get(p.pid) === p) {
      this.overflow.delete(p.pid);
      if (this.overflow.size === 0) this.overflow = null;
    } else return false;
    this.size--;
    if (this.size * 8 < this.slots.length && this.slots.length > MIN_SLOTS) this.resize(this.slots.length / 2);
    return true;
  }

  /** The live processes, oldest (lowest serial) first. */
  values(): Proc[] {
    const out: Proc[] = [];
    if (this.size === 0) return out;
    const slots = this.slots;
    const n = slots.length;
    let min = Infinity;
    let max = -Infinity;
    for (const p of slots) {
      if (p === undefined) continue;
      const s = serialOf(p.pid);
      if (s < min) min = s;
      if (s > max) max = s;
    }
    if (this.overflow === null && max - min < n) {
      // Every serial lies in one window of the slot count, each in its own slot: reading the
      // slots round from the lowest one's gives them in order.
      const start = min & this.mask;
      for (let k = 0; k < n; k++) {
        const p = slots[(start + k) & this.mask];
        if (p !== undefined) out.push(p);
      }
      return out;
    }
    for (const p of slots) if (p !== undefined) out.push(p);
    if (this.overflow !== null) for (const p of this.overflow.values()) out.push(p);
    const keyed = out.map((p) => [serialOf(p.pid), p] as const);
    keyed.sort((a, b) => a[0] - b[0]);
    return keyed.map((e) => e[1]);
  }

  /**
   * The slot of a PID: its serial's last hex digits, only as many as the table size needs (a
   * lookup per send reads two to six characters). -1 when the string cannot be a PID.
   */
  private slotOf(pid: string): number {
    const n = pid.length;
    if (n < 11 || pid.charCodeAt(n - 1) !== 0x7d /* } */) return -1;
    let slot = 0;
    for (let k = 0; k < this.digits; k++) {
      const c = pid.charCodeAt(n - 2 - k);
      const d = hexDigit(c);
      if (d < 0) {
        // Fewer digits than the table needs: the serial is smaller than its size.
        if (c === 0x78 /* x */ && k > 0) break;
        return -1;
      }
      slot |= d << (4 * k);
    }
    return slot & this.mask;
  }

  private place(p: Proc): void {
    const i = this.slotOf(p.pid);
    if (this.slots[i] === undefined) this.slots[i] = p;
    else (this.overflow ??= new Map()).set(p.pid, p);
  }

  private resize(n: number): void {
    const old = this.slots;
    const spilled = this.overflow;
    this.slots = new Array<Proc | undefined>(n).fill(undefined);
    this.mask = n - 1;
    this.digits = digitsFor(n);
    this.overflow = null;
    for (const p of old) if (p !== undefined) this.place(p);
    if (spilled !== null) for (const p of spilled.values()) this.place(p);
  }
}

function digitsFor(slots: number): number {
  return Math.ceil(Math.log2(slots) / 4);
}
