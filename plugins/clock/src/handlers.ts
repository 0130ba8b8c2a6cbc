import type { Handler, ResultReceiver } from '@switchyard/dispatcher';
import type { Clock, Pid, PluginContext, ResourceTable, TimerId } from '@switchyard/runtime';
import {
  ClockCommand,
  type SleepCmd,
  type Tick,
  type TickerHandle,
  type TickerStartCmd,
  type TickerStopCmd,
  type TimerFired,
  type TimerHandle,
  type TimerResetCmd,
  type TimerStartCmd,
  type TimerStopCmd,
  type TimerWaitCmd,
} from './commands.js';
import { checkMs, checkPeriod, checkTopic, ClockError } from './errors.js';

/** One delivered tick not yet read: the credit of a ticker (at most one per ticker and owner). */
interface Flight {
  readonly owner: Pid;
}

class Ticker {
  handle: TickerHandle | undefined = undefined;
  count = 0;
  /** Ticks skipped since the last delivered one. */
  skipped = 0;
  due: number;
  timer: TimerId = undefined;
  flight: Flight | null = null;
  constructor(
    readonly every: number,
    readonly topic: string,
    now: number,
  ) {
    this.due = now + every;
  }
}

interface Waiter {
  readonly tag: number;
  readonly receiver: ResultReceiver;
  /** The signal of the waiting yield, read when the handler ran. */
  readonly signal: AbortSignal;
}

class Timer {
  handle: TimerHandle | undefined = undefined;
  fired = false;
  timer: TimerId = undefined;
  waiters: Waiter[] = [];
  constructor(
    public ms: number,
    readonly topic: string | undefined,
  ) {}
}

/** Counters of one installation, reported by setup's `stats` (`rt.stats().plugins.clock`). */
export type ClockStats = {
  /** Scheduled clock timers: sleeps + tickers + timers that have not fired. */
  active: number;
  sleeps: number;
  tickers: number;
  /** Timer resources, fired or not (a fired timer stays until stopTimer or its owner's exit). */
  timers: number;
  pendingTimers: number;
  /** Tick messages put in a mailbox. */
  ticks: number;
  /** Ticks not delivered: the previous one was unread, or the mailbox refused or dropped it. */
  skippedTicks: number;
  /** TimerFired messages the owner's mailbox refused (full under policy 'error'). */
  firedRefused: number;
};

/**
 * The clock's handlers and everything they share: created by `setup`, one per runtime the
 * plugin is installed in. Tickers and timers live in the runtime's resource table.
 */
export class ClockHandlers {
  private readonly clock: Clock;
  private readonly resources: ResourceTable;
  private readonly deliver: PluginContext['deliver'];
  private readonly tickers = new Set<Ticker>();
  private readonly timers = new Set<Timer>();
  private sleeping = 0;
  private pending = 0;
  private ticks = 0;
  private skippedTicks = 0;
  private firedRefused = 0;

  constructor(ctx: Pick<PluginContext, 'clock' | 'resources' | 'deliver'>) {
    this.clock = ctx.clock;
    this.resources = ctx.resources;
    this.deliver = ctx.deliver;
  }

  stats(): ClockStats {
    return {
      active: this.sleeping + this.tickers.size + this.pending,
      sleeps: this.sleeping,
      tickers: this.tickers.size,
      timers: this.timers.size,
      pendingTimers: this.pending,
      ticks: this.ticks,
      skippedTicks: this.skippedTicks,
      firedRefused: this.firedRefused,
    };
  }

  readonly sleep: Handler<SleepCmd> = (ctx, cmd, tag, receiver) => {
    const ms = checkMs(cmd.ms, 'sleep');
    // The signal of this yield: read now, it belongs to this yield only.
    const signal = ctx.signal;
    // An abort listener added now would never fire: the timer would outlive the process.
    if (signal.aborted) return;
    this.sleeping++;
    const handle = this.clock.setTimeout(() => {
      this.sleeping--;
      receiver.completeYield(tag, undefined);
    }, ms);
    // No need to remove it after the sleep: the signal is dropped when the yield completes.
    signal.addEventListener(
      'abort',
      () => {
        this.sleeping--;
        this.clock.clearTimeout(handle);
      },
      { once: true },
    );
  };

  readonly tickerStart: Handler<TickerStartCmd> = (ctx, cmd, tag, receiver) => {
    const t = new Ticker(checkPeriod(cmd.every, 'ticker'), checkTopic(cmd.topic, 'ticker'), this.clock.now());
    // Adopt first: for an owner that already ended this throws and nothing gets scheduled.
    t.handle = this.resources.add(ctx.pid, 'ticker', t, (x) => this.dropTicker(x));
    this.tickers.add(t);
    this.scheduleTick(t);
    receiver.completeYield(tag, t.handle);
  };

  private scheduleTick(t: Ticker): void {
    t.timer = this.clock.setTimeout(() => this.tick(t), Math.max(0, t.due - this.clock.now()));
  }

  private tick(t: Ticker): void {
    const now = this.clock.now();
    t.count++;
    // Fixed rate; a late tick does not cause a burst of catch-up ticks.
    t.due = Math.max(t.due + t.every, now + 1);
    this.scheduleTick(t);
    const owner = this.resources.ownerOf(t.handle!);
    if (owner === undefined) return;
    // One unread tick per owner at most: the rest are skipped, like Go's ticker. A tick still unread
    // in a former owner's mailbox (the ticker was transferred) does not hold back the new owner.
    if (t.flight !== null && t.flight.owner === owner) {
      t.skipped++;
      this.skippedTicks++;
      return;
    }
    const flight: Flight = { owner };
    const tick: Tick = { ticker: t.handle!, tick: t.count, at: now, skipped: t.skipped };
    t.skipped = 0;
    t.flight = flight;
    const r = this.deliver(owner, t.topic, tick, (taken) => {
      if (t.flight === flight) t.flight = null;
      if (!taken) this.lost(t, tick);
    });
    if (r === 'full' || r === 'noproc') {
      // Not queued, and onTaken will not be called.
      if (t.flight === flight) t.flight = null;
      this.lost(t, tick);
    } else if (r === 'delivered') this.ticks++;
  }

  /** A tick the owner never saw: it and the ticks it reported as skipped go to the next tick. */
  private lost(t: Ticker, tick: Tick): void {
    t.skipped += tick.skipped + 1;
    this.skippedTicks++;
  }

  private dropTicker(t: Ticker): void {
    if (!this.tickers.delete(t)) return;
    this.clock.clearTimeout(t.timer);
    t.flight = null;
  }

  readonly tickerStop: Handler<TickerStopCmd> = (ctx, cmd, tag, receiver) => {
    // NOT_OWNER / NO_SUCH_RESOURCE come from the table; close disposes (dropTicker) once.
    this.resources.close(ctx.pid, cmd.ticker, 'ticker');
    receiver.completeYield(tag, undefined);
  };

  readonly timerStart: Handler<TimerStartCmd> = (ctx, cmd, tag, receiver) => {
    const ms = checkMs(cmd.ms, 'timer');
    const topic = cmd.topic === undefined ? undefined : checkTopic(cmd.topic, 'timer');
    const t = new Timer(ms, topic);
    t.handle = this.resources.add(ctx.pid, 'timer', t, (x) => this.dropTimer(x));
    this.timers.add(t);
    this.arm(t, ms);
    receiver.completeYield(tag, t.handle);
  };

  private arm(t: Timer, ms: number): void {
    t.fired = false;
    this.pending++;
    t.timer = this.clock.setTimeout(() => this.fire(t), ms);
  }

  private fire(t: Timer): void {
    t.fired = true;
    t.timer = undefined;
    this.pending--;
    const waiters = t.waiters;
    t.waiters = [];
    for (const w of waiters) w.receiver.completeYield(w.tag, undefined);
    if (t.topic !== undefined) {
      const owner = this.resources.ownerOf(t.handle!);
      if (owner === undefined) return;
      const fired: TimerFired = { timer: t.handle!, at: this.clock.now() };
      if (this.deliver(owner, t.topic, fired) === 'full') this.firedRefused++;
    }
  }

  /** Disposal (stopTimer or the owner's exit): unschedule; waits still pending fail with TIMER_STOPPED. */
  private dropTimer(t: Timer): void {
    if (!this.timers.delete(t)) return;
    if (!t.fired) {
      this.clock.clearTimeout(t.timer);
      this.pending--;
      t.fired = true;
    }
    const waiters = t.waiters;
    t.waiters = [];
    for (const w of waiters) {
      // The yields of an owner that ended are aborted already: nothing waits for them.
      if (w.signal.aborted) continue;
      w.receiver.completeYield(w.tag, undefined, new ClockError('TIMER_STOPPED', `timer #${t.handle!.id} was stopped while a process waited for it`));
    }
  }

  readonly timerWait: Handler<TimerWaitCmd> = (ctx, cmd, tag, receiver) => {
    const t = this.resources.use<Timer>(ctx.pid, cmd.timer, 'timer');
    if (t.fired) {
      receiver.completeYield(tag, undefined);
      return;
    }
    const signal = ctx.signal;
    if (signal.aborted) return;
    const waiter: Waiter = { tag, receiver, signal };
    t.waiters.push(waiter);
    signal.addEventListener(
      'abort',
      () => {
        const i = t.waiters.indexOf(waiter);
        if (i >= 0) t.waiters.splice(i, 1);
      },
      { once: true },
    );
  };

  readonly timerStop: Handler<TimerStopCmd> = (ctx, cmd, tag, receiver) => {
    const wasPending = !this.resources.use<Timer>(ctx.pid, cmd.timer, 'timer').fired;
    this.resources.close(ctx.pid, cmd.timer, 'timer');
    receiver.completeYield(tag, wasPending);
  };

  readonly timerReset: Handler<TimerResetCmd> = (ctx, cmd, tag, receiver) => {
    const t = this.resources.use<Timer>(ctx.pid, cmd.timer, 'timer');
    const ms = cmd.ms === undefined ? t.ms : checkMs(cmd.ms, 'timer reset');
    const wasPending = !t.fired;
    if (wasPending) {
      this.clock.clearTimeout(t.timer);
      this.pending--;
    }
    t.ms = ms;
    this.arm(t, ms);
    receiver.completeYield(tag, wasPending);
  };

  /**
   * At shutdown every process has ended, so the table disposed everything; this clears what
   * might remain if a dispose was skipped, so no clock timer outlives the runtime.
   */
  dispose(): void {
    for (const t of [...this.tickers]) this.dropTicker(t);
    for (const t of [...this.timers]) this.dropTimer(t);
  }

  get handlers() {
    return {
      [ClockCommand.Sleep]: this.sleep,
      [ClockCommand.TickerStart]: this.tickerStart,
      [ClockCommand.TickerStop]: this.tickerStop,
      [ClockCommand.TimerStart]: this.timerStart,
      [ClockCommand.TimerWait]: this.timerWait,
      [ClockCommand.TimerStop]: this.timerStop,
      [ClockCommand.TimerReset]: this.timerReset,
    };
  }
}
