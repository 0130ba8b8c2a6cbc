import type { Proc } from './proc.js';
import { READY } from './proc.js';

/** Wakes the run queue on a microtask (see schedule()). */
const RESOLVED = Promise.resolve();

/** Steps between looks at the clock while running a batch. */
const CHECK_EVERY = 256;
/** How long processes may run before the event loop gets a turn (timers, I/O). */
const SLICE_MS = 4;

/**
 * The run queue: ready processes in FIFO order, one step each. Runs on microtasks while a slice
 * lasts, then yields to the event loop through setImmediate so I/O and timers are not starved.
 * The queue is a ring buffer: O(1) per push and pop however long it grows.
 */
export class Scheduler {
  private ring: (Proc | undefined)[] = new Array<Proc | undefined>(1024);
  private head = 0;
  private count = 0;
  private scheduled = false;
  private inBatch = false;
  /**
   * performance.now() of the last event-loop turn. Starts as a fraction, not 0: V8 gives a field
   * that first holds a small integer a different representation than one holding a double, and
   * the first turn (4 ms into a busy run, after the step loop is optimized) would change the
   * Scheduler's hidden class and throw that optimized code away (the ping-pong bench ran 2x slower
   * in about half of the processes that way).
   */
  private lastTurn = -0.5;
  private wakeups = 0;
  private immediate: NodeJS.Immediate | null = null;
  private idleWaiters: (() => void)[] = [];
  stopped = false;
  private readonly runBatchBound = () => this.runBatch();
  private readonly turnBound = () => {
    this.immediate = null;
    this.lastTurn = performance.now();
    this.runBatch();
  };

  constructor(private readonly step: (p: Proc) => void) {}

  /** Queue a ready process and make sure a batch will run. */
  enqueue(p: Proc): void {
    this.push(p);
    if (!this.scheduled && !this.inBatch) this.schedule();
  }

  /** Queue without waking: for a process the current batch will reach anyway. */
  push(p: Proc): void {
    let ring = this.ring;
    if (this.count === ring.length) ring = this.grow();
    ring[(this.head + this.count) & (ring.length - 1)] = p;
    this.count++;
  }

  /** No process is queued. */
  get empty(): boolean {
    return this.count === 0;
  }

  get idle(): boolean {
    return !this.scheduled && !this.inBatch && this.count === 0;
  }

  whenIdle(): Promise<void> {
    if (this.idle) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  cancelTurn(): void {
    if (this.immediate !== null) clearImmediate(this.immediate);
    this.immediate = null;
  }

  private grow(): (Proc | undefined)[] {
    const old = this.ring;
    const next = new Array<Proc | undefined>(old.length * 2);
    for (let i = 0; i < this.count; i++) next[i] = old[(this.head + i) & (old.length - 1)];
    this.ring = next;
    this.head = 0;
    return next;
  }

  private schedule(): void {
    this.scheduled = true;
    // Keep going on microtasks while the slice lasts; then let the event loop run timers and I/O.
    // The clock is read on every 16th wake-up only: it costs as much as a short step.
    // A resolved promise's then() queues the same microtask as queueMicrotask() without Node's
    // per-call AsyncResource and bound function.
    if ((++this.wakeups & 15) !== 0 || performance.now() - this.lastTurn < SLICE_MS) void RESOLVED.then(this.runBatchBound);
    else this.immediate = setImmediate(this.turnBound);
  }

  private runBatch(): void {
    this.scheduled = false;
    if (this.stopped) return;
    this.inBatch = true;
    let n = 0;
    try {
      while (this.count > 0) {
        const ring = this.ring;
        const mask = ring.length - 1;
        const p = ring[this.head]!;
        ring[this.head] = undefined;
        this.head = (this.head + 1) & mask;
        this.count--;
        if (p.state === READY) this.step(p);
        if (++n === CHECK_EVERY) {
          n = 0;
          if (performance.now() - this.lastTurn >= SLICE_MS) break;
        }
      }
    } finally {
      this.inBatch = false;
    }
    if (this.count === 0) {
      // A burst (100k spawns) grew the ring: give the memory back once it drained.
      if (this.ring.length > 4096) {
        this.ring = new Array<Proc | undefined>(1024);
        this.head = 0;
      }
      this.resolveIdle();
    } else this.schedule();
  }

  private resolveIdle(): void {
    if (this.idleWaiters.length === 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }
}
