import type { Clock, TimerId } from '@switchyard/runtime';

export interface DueEntry {
  readonly due: number;
  /** Ties (same due time) fire in the order they were added. */
  seq: number;
  fire(): void;
  cancelled: boolean;
}

/**
 * Every durable timer of a runtime behind ONE armed clock timer, set for the earliest due
 * time. Overdue entries (after a restart) fire at once, in due order.
 */
export class TimerWheel {
  private readonly heap: DueEntry[] = [];
  private armed: TimerId = undefined;
  private armedAt = Infinity;
  private seq = 0;
  private held = true;
  private live = 0;

  constructor(
    private readonly clock: Clock,
    private readonly wallNow: () => number,
  ) {}

  /** Durable timers waiting now. */
  get size(): number {
    return this.live;
  }

  /** True when a clock timer is armed (at most one). */
  get isArmed(): boolean {
    return this.armed !== undefined;
  }

  add(due: number, fire: () => void): DueEntry {
    const e: DueEntry = { due, seq: this.seq++, fire, cancelled: false };
    this.push(e);
    this.live++;
    this.arm();
    return e;
  }

  cancel(e: DueEntry): void {
    if (e.cancelled) return;
    e.cancelled = true;
    this.live--;
  }

  /** Hold firing (during recovery, so overdue timers fire in order once every run is loaded). */
  hold(): void {
    this.held = true;
  }

  release(): void {
    this.held = false;
    this.arm();
  }

  dispose(): void {
    if (this.armed !== undefined) this.clock.clearTimeout(this.armed);
    this.armed = undefined;
    this.armedAt = Infinity;
    // Entries cancelled later (a run ending after the close) must not count down `live` again.
    for (const e of this.heap) e.cancelled = true;
    this.heap.length = 0;
    this.live = 0;
    this.held = true;
  }

  private arm(): void {
    if (this.held) return;
    while (this.heap.length > 0 && this.heap[0]!.cancelled) this.pop();
    const top = this.heap[0];
    if (top === undefined) {
      if (this.armed !== undefined) this.clock.clearTimeout(this.armed);
      this.armed = undefined;
      this.armedAt = Infinity;
      return;
    }
    if (this.armed !== undefined && this.armedAt <= top.due) return;
    if (this.armed !== undefined) this.clock.clearTimeout(this.armed);
    this.armedAt = top.due;
    this.armed = this.clock.setTimeout(() => this.tick(), Math.min(0x7fffffff, Math.max(0, top.due - this.wallNow())), true);
  }

  private tick(): void {
    this.armed = undefined;
    this.armedAt = Infinity;
    const now = this.wallNow();
    while (this.heap.length > 0 && this.heap[0]!.due <= now) {
      const e = this.pop();
      if (e.cancelled) continue;
      e.cancelled = true;
      this.live--;
      e.fire();
    }
    this.arm();
  }

  private less(a: DueEntry, b: DueEntry): boolean {
    return a.due < b.due || (a.due === b.due && a.seq < b.seq);
  }

  private push(e: DueEntry): void {
    const h = this.heap;
    h.push(e);
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(h[i]!, h[parent]!)) break;
      [h[i], h[parent]] = [h[parent]!, h[i]!];
      i = parent;
    }
  }

  private pop(): DueEntry {
    const h = this.heap;
    const top = h[0]!;
    const last = h.pop()!;
    if (h.length > 0) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && this.less(h[l]!, h[m]!)) m = l;
        if (r < h.length && this.less(h[r]!, h[m]!)) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m]!, h[i]!];
        i = m;
      }
    }
    return top;
  }
}
