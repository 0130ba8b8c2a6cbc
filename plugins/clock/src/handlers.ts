import { SwitchyardError, type Handler, type ResultReceiver, type HandlerContext } from '@switchyard/dispatcher';
import type { Clock, PluginContext, Runtime, TimerId } from '@switchyard/runtime';
import {
  checkMs,
  ClockCommand,
  type SleepCmd,
  type Tick,
  type TickerStartCmd,
  type TickerStopCmd,
  type TimerFired,
  type TimerResetCmd,
  type TimerStartCmd,
  type TimerStopCmd,
  type TimerWaitCmd,
} from './commands.js';

export class ClockError extends SwitchyardError {
  constructor(code: 'NO_SUCH_TIMER' | 'NO_SUCH_TICKER' | 'TIMER_STOPPED', message: string) {
    super(code, message);
  }
}

interface Ticker {
  readonly id: number;
  readonly owner: string;
  readonly every: number;
  readonly topic: string;
  count: number;
  due: number;
  handle: TimerId;
  disown: () => void;
}

interface Waiter {
  readonly tag: number;
  readonly receiver: ResultReceiver;
  readonly ctx: HandlerContext;
  readonly onAbort: () => void;
}

interface Timer {
  readonly id: number;
  readonly owner: string;
  ms: number;
  readonly topic: string | undefined;
  fired: boolean;
  handle: TimerId;
  waiters: Waiter[];
  disown: () => void;
}

/** The clock's handlers and the state they share; one per runtime. */
export class ClockHandlers {
  private readonly clock: Clock;
  private readonly runtime: Runtime;
  private readonly tickers = new Map<number, Ticker>();
  private readonly timers = new Map<number, Timer>();
  private sleeping = 0;
  private nextId = 1;

  constructor(ctx: Pick<PluginContext, 'clock' | 'runtime'>) {
    this.clock = ctx.clock;
    this.runtime = ctx.runtime;
  }

  /** Timers this plugin has scheduled and not yet fired or cleared: sleeps, tickers, pending timers. */
  get active(): number {
    let pending = 0;
    for (const t of this.timers.values()) if (!t.fired) pending++;
    return this.sleeping + this.tickers.size + pending;
  }

  readonly sleep: Handler<SleepCmd> = (ctx, cmd, tag, receiver) => {
    const ms = checkMs(cmd.ms, 'sleep');
    const signal = ctx.signal;
    // An abort listener added now would never fire: the timer would outlive the process.
    if (signal.aborted) return;
    this.sleeping++;
    const onAbort = () => {
      this.sleeping--;
      this.clock.clearTimeout(handle);
    };
    const handle = this.clock.setTimeout(() => {
      this.sleeping--;
      signal.removeEventListener('abort', onAbort);
      receiver.completeYield(tag, undefined);
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  };

  readonly tickerStart: Handler<TickerStartCmd> = (ctx, cmd, tag, receiver) => {
    const every = checkMs(cmd.every, 'ticker');
    if (every === 0) throw new RangeError('ticker: the period must be > 0 ms');
    if (typeof cmd.topic !== 'string' || cmd.topic === '') throw new TypeError('ticker: topic must be a non-empty string');
    const id = this.nextId++;
    const ticker: Ticker = { id, owner: ctx.pid, every, topic: cmd.topic, count: 0, due: this.clock.now() + every, handle: undefined, disown: () => {} };
    ticker.disown = this.runtime.onExit(ctx.pid, () => this.dropTicker(ticker));
    this.tickers.set(id, ticker);
    this.scheduleTick(ticker);
    receiver.completeYield(tag, id);
  };

  private scheduleTick(t: Ticker): void {
    t.handle = this.clock.setTimeout(() => {
      const now = this.clock.now();
      const tick: Tick = { ticker: t.id, tick: ++t.count, at: now };
      // Fixed rate; a late tick does not cause a burst of catch-up ticks.
      t.due = Math.max(t.due + t.every, now + 1);
      this.scheduleTick(t);
      this.runtime.send(t.owner, t.topic, tick);
    }, Math.max(0, t.due - this.clock.now()));
  }

  private dropTicker(t: Ticker): void {
    if (this.tickers.delete(t.id)) this.clock.clearTimeout(t.handle);
  }

  readonly tickerStop: Handler<TickerStopCmd> = (_ctx, cmd, tag, receiver) => {
    const t = this.tickers.get(cmd.ticker);
    if (t === undefined) {
      receiver.completeYield(tag, false);
      return;
    }
    t.disown();
    this.dropTicker(t);
    receiver.completeYield(tag, true);
  };

  readonly timerStart: Handler<TimerStartCmd> = (ctx, cmd, tag, receiver) => {
    const ms = checkMs(cmd.ms, 'timer');
    if (cmd.topic !== undefined && typeof cmd.topic !== 'string') throw new TypeError('timer: topic must be a string');
    const id = this.nextId++;
    const timer: Timer = { id, owner: ctx.pid, ms, topic: cmd.topic, fired: false, handle: undefined, waiters: [], disown: () => {} };
    // Other processes may wait on this timer: they must fail, not wait forever, when its owner ends.
    timer.disown = this.runtime.onExit(ctx.pid, () =>
      this.dropTimer(timer, new ClockError('TIMER_STOPPED', `timer ${id} was stopped: its owner ${timer.owner} ended`)),
    );
    this.timers.set(id, timer);
    this.arm(timer, ms);
    receiver.completeYield(tag, id);
  };

  private arm(t: Timer, ms: number): void {
    t.fired = false;
    t.handle = this.clock.setTimeout(() => {
      t.fired = true;
      t.handle = undefined;
      const waiters = t.waiters;
      t.waiters = [];
      for (const w of waiters) {
        w.ctx.signal.removeEventListener('abort', w.onAbort);
        w.receiver.completeYield(w.tag, undefined);
      }
      if (t.topic !== undefined) {
        const fired: TimerFired = { timer: t.id, at: this.clock.now() };
        this.runtime.send(t.owner, t.topic, fired);
      }
    }, ms);
  }

  /** Forget a timer; its waiters fail with `error` (none when the owner ended). */
  private dropTimer(t: Timer, error: unknown): void {
    if (!this.timers.delete(t.id)) return;
    if (!t.fired) this.clock.clearTimeout(t.handle);
    const waiters = t.waiters;
    t.waiters = [];
    for (const w of waiters) {
      w.ctx.signal.removeEventListener('abort', w.onAbort);
      if (error !== undefined) w.receiver.completeYield(w.tag, undefined, error);
    }
  }

  private timer(id: number): Timer {
    const t = this.timers.get(id);
    if (t === undefined) throw new ClockError('NO_SUCH_TIMER', `no timer ${String(id)}: it was never started, was stopped, or its process ended`);
    return t;
  }

  readonly timerWait: Handler<TimerWaitCmd> = (ctx, cmd, tag, receiver) => {
    const t = this.timer(cmd.timer);
    if (t.fired) {
      receiver.completeYield(tag, undefined);
      return;
    }
    const waiter: Waiter = {
      tag,
      receiver,
      ctx,
      onAbort: () => {
        const i = t.waiters.indexOf(waiter);
        if (i >= 0) t.waiters.splice(i, 1);
      },
    };
    t.waiters.push(waiter);
    ctx.signal.addEventListener('abort', waiter.onAbort, { once: true });
  };

  readonly timerStop: Handler<TimerStopCmd> = (_ctx, cmd, tag, receiver) => {
    const t = this.timers.get(cmd.timer);
    if (t === undefined) {
      receiver.completeYield(tag, false);
      return;
    }
    const wasPending = !t.fired;
    t.disown();
    this.dropTimer(t, new ClockError('TIMER_STOPPED', `timer ${t.id} was stopped while a process waited for it`));
    receiver.completeYield(tag, wasPending);
  };

  readonly timerReset: Handler<TimerResetCmd> = (_ctx, cmd, tag, receiver) => {
    const t = this.timers.get(cmd.timer);
    if (t === undefined) {
      receiver.completeYield(tag, false);
      return;
    }
    if (cmd.ms !== undefined) t.ms = checkMs(cmd.ms, 'timer reset');
    if (!t.fired) this.clock.clearTimeout(t.handle);
    this.arm(t, t.ms);
    receiver.completeYield(tag, true);
  };

  /** At shutdown: clear everything still scheduled. */
  dispose(): void {
    for (const t of [...this.tickers.values()]) this.dropTicker(t);
    for (const t of [...this.timers.values()]) this.dropTimer(t, undefined);
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
