import type { Command } from '@switchyard/dispatcher';
import { describeValue, OptionError } from '@switchyard/errors';
import {
  ArgumentError,
  EVENTS_TOPIC,
  race,
  receive,
  ReceiveTimeoutError,
  self,
  type Message,
  type Pid,
  type ProcessContext,
  type ProcessEvent,
  type Runtime,
} from '@switchyard/runtime';
import { POST_TOPIC, START, STARTUP } from './define.js';
import { isDirective } from './directives.js';
import {
  BadUnitResultError,
  MachineEmergencyError,
  MachineInboxFullError,
  UnitFailedError,
  UnknownQueueError,
  UnknownStatusError,
} from './errors.js';
import { register, runtimeOf } from './registry.js';
import type { MachineInfo, MachineModule, MachineOptions, MachineTrace, UnitContext, WaitingOn } from './types.js';

/** What post() puts on POST_TOPIC. `counted`: the poster reserved inbox room for it. */
export interface Envelope {
  readonly queue: string;
  readonly event: unknown;
  readonly counted?: boolean;
}

const DEFAULT_CAPACITY = 1024;
/** A machine that never waits still reads its mailbox every this many cycles. */
const PROBE_EVERY = 32;
const DEFAULT_POLL_MS = 10;

interface Item {
  readonly seq: number;
  readonly event: unknown;
}

/** A FIFO of one queue's waiting events (O(1) at both ends, amortised). */
class Waiting {
  private items: Item[] = [];
  private head = 0;
  get size(): number {
    return this.items.length - this.head;
  }
  push(item: Item): void {
    this.items.push(item);
  }
  unshift(item: Item): void {
    if (this.head > 0) this.items[--this.head] = item;
    else this.items.unshift(item);
  }
  peek(): Item | undefined {
    return this.items[this.head];
  }
  shift(): Item | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head]!;
    this.items[this.head++] = undefined as never;
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }
}

/** One active queue: its current status and when its unit runs next. */
class Lane {
  status = START;
  runs = 0;
  readonly ctx: UnitContext;
  constructor(
    core: MachineCore,
    readonly queue: string,
    readonly event: unknown,
    public since: number,
    public due: number,
  ) {
    this.ctx = new LaneContext(core, this);
  }
}

class LaneContext implements UnitContext {
  constructor(
    private readonly core: MachineCore,
    private readonly lane: Lane,
  ) {}
  get pid(): Pid {
    return this.core.pid;
  }
  get runtime(): Runtime {
    return this.core.rt;
  }
  get queue(): string {
    return this.lane.queue;
  }
  get status(): string {
    return this.lane.status;
  }
  get event(): unknown {
    return this.lane.event;
  }
  get data(): unknown {
    return this.core.data;
  }
  get signal(): AbortSignal {
    return this.core.ctx.signal;
  }
  get now(): number {
    return this.core.rt.clock.now();
  }
  get since(): number {
    return this.lane.since;
  }
  get runs(): number {
    return this.lane.runs;
  }
  post(queue: string, event: unknown): void {
    this.core.post(queue, event);
  }
}

/**
 * The state of one machine, shared between its process (which alone changes lanes) and
 * posters/inspectors outside it (which touch only the inbox count and read snapshots).
 */
export class MachineCore {
  /** Events received and waiting for their queue's lane to be idle: one FIFO per queue. */
  private readonly waiting = new Map<string, Waiting>();
  /** Events in `waiting`, all queues. */
  private waitingCount = 0;
  /** Arrival order across queues; hand-offs and cancels get negative numbers to go first. */
  private seq = 0;
  /** Posted events still in the runtime mailbox (room reserved for them). */
  inFlight = 0;
  private readonly lanes = new Map<string, Lane>();
  private current: Lane | null = null;
  waitingOn: WaitingOn | null = null;
  private transitions = 0;
  private unhandled = 0;
  exit: { readonly value: unknown } | null = null;
  /** Set when the process has ended (or was terminated before its first step). */
  ended = false;
  /** A unit yielded a command since the mailbox was last read. */
  suspended = false;
  readonly capacity: number;
  private readonly pollMs: number;
  private readonly traceFn: ((event: MachineTrace) => void) | undefined;

  constructor(
    readonly rt: Runtime,
    readonly ctx: ProcessContext,
    readonly module: MachineModule<string, unknown, unknown, object>,
    readonly data: unknown,
    options: MachineOptions<unknown>,
  ) {
    this.capacity = options.capacity ?? DEFAULT_CAPACITY;
    this.pollMs = options.pollMs ?? DEFAULT_POLL_MS;
    this.traceFn = options.trace;
  }

  get pid(): Pid {
    return this.ctx.pid;
  }

  get inbox(): number {
    return this.waitingCount + this.inFlight;
  }

  private now(): number {
    return this.rt.clock.now();
  }

  private trace(event: MachineTrace): void {
    if (this.traceFn === undefined) return;
    try {
      this.traceFn(event);
    } catch {
      // A tracer's failure must not change how the machine runs.
    }
  }

  /** From anyone: reserve room and send the event as a runtime message (so it keeps its place among other posts). */
  post(queue: string, event: unknown): void {
    if (!this.module.queues.includes(queue)) throw new UnknownQueueError(`post to machine ${this.pid} (module "${this.module.name}")`, queue, this.module.queues);
    if (this.inbox >= this.capacity) throw new MachineInboxFullError(this.pid, queue, this.capacity);
    this.inFlight++;
    const envelope: Envelope = { queue, event, counted: true };
    if (!this.rt.send(this.pid, POST_TOPIC, envelope)) this.inFlight--;
  }

  /** A runtime message arrived: a post, a routed topic, a trapped cancel, or something unhandled. */
  accept(msg: Message): void {
    const at = this.now();
    if (msg.topic === POST_TOPIC) {
      const env = msg.payload as Partial<Envelope> | null;
      if (env?.counted === true) this.inFlight = Math.max(0, this.inFlight - 1);
      if (typeof env !== 'object' || env === null || typeof env.queue !== 'string' || !this.module.queues.includes(env.queue)) {
        this.unhandled++;
        this.trace({ type: 'unhandled', at, topic: msg.topic });
        return;
      }
      // A raw send on the post topic skipped the poster-side check: refuse it here.
      if (env.counted !== true && this.inbox >= this.capacity) {
        this.trace({ type: 'refused', at, topic: msg.topic });
        return;
      }
      this.enqueue(env.queue, env.event, false);
      return;
    }
    if (msg.topic === EVENTS_TOPIC && this.module.cancelQueue !== undefined) {
      const ev = msg.payload as ProcessEvent;
      if (ev?.type === 'pid.cancel') {
        // A shutdown goes before anything still waiting.
        this.enqueue(this.module.cancelQueue, ev.reason, true);
        return;
      }
    }
    const routed = Object.hasOwn(this.module.routes, msg.topic) ? this.module.routes[msg.topic] : undefined;
    if (routed !== undefined) {
      this.enqueue(routed, msg.payload, false);
      return;
    }
    this.unhandled++;
    this.trace({ type: 'unhandled', at, topic: msg.topic });
  }

  /** The mailbox is empty, so every counted post has been taken (a unit's topic-less receive may have taken some). */
  mailboxEmpty(): void {
    this.inFlight = 0;
  }

  activate(queue: string, event: unknown): void {
    const now = this.now();
    this.lanes.set(queue, new Lane(this, queue, event, now, now));
    this.trace({ type: 'admit', at: now, queue, event });
  }

  private enqueue(queue: string, event: unknown, first: boolean): void {
    let w = this.waiting.get(queue);
    if (w === undefined) this.waiting.set(queue, (w = new Waiting()));
    if (first) w.unshift({ seq: -++this.seq, event });
    else w.push({ seq: ++this.seq, event });
    this.waitingCount++;
  }

  /**
   * Start the first waiting event of every idle queue, in arrival order; later events of a
   * busy queue keep their order. Cost is per queue, not per waiting event.
   */
  admit(): void {
    if (this.waitingCount === 0) return;
    const ready: [string, Waiting][] = [];
    for (const entry of this.waiting) if (!this.lanes.has(entry[0]) && entry[1].size > 0) ready.push(entry);
    if (ready.length > 1) ready.sort((a, b) => a[1].peek()!.seq - b[1].peek()!.seq);
    for (const [queue, w] of ready) {
      const item = w.shift()!;
      this.waitingCount--;
      this.activate(queue, item.event);
    }
  }

  /** Lanes whose unit is due at `now`, in activation order (round robin across cycles). */
  due(now: number): Lane[] {
    const out: Lane[] = [];
    for (const lane of this.lanes.values()) if (lane.due <= now) out.push(lane);
    return out;
  }

  nextDue(): number {
    let next = Infinity;
    for (const lane of this.lanes.values()) if (lane.due < next) next = lane.due;
    return next;
  }

  /** Run one unit once: to its return, through any commands it yields. */
  *run(lane: Lane): Generator<Command, void, unknown> {
    const unit = this.module.unit(lane.queue, lane.status)!;
    lane.runs++;
    this.current = lane;
    let result: unknown;
    try {
      const r = unit(lane.ctx);
      result = isGenerator(r) ? yield* this.drive(lane, r) : r;
    } catch (error) {
      if (isDirective(error) && error.kind === 'brk') result = error;
      else throw new UnitFailedError(this.pid, lane.queue, lane.status, error);
    } finally {
      this.current = null;
    }
    this.apply(lane, result);
  }

  /** Delegate to a generator unit, recording what it waits on. */
  private *drive(lane: Lane, gen: Generator<unknown, unknown, unknown>): Generator<Command, unknown, unknown> {
    let step = gen.next();
    try {
      while (!step.done) {
        const cmd = step.value as Command;
        const commandId = typeof cmd === 'object' && cmd !== null && typeof cmd.id === 'number' ? cmd.id : 0;
        this.waitingOn = { kind: 'command', queue: lane.queue, status: lane.status, commandId, command: commandName(cmd) };
        this.suspended = true;
        this.trace({ type: 'suspend', at: this.now(), queue: lane.queue, status: lane.status, commandId });
        let value: unknown;
        let error: unknown;
        let failed = false;
        try {
          value = yield cmd;
        } catch (e) {
          failed = true;
          error = e;
        }
        this.waitingOn = null;
        this.trace({ type: 'resume', at: this.now(), queue: lane.queue, status: lane.status });
        step = failed ? gen.throw(error) : gen.next(value);
      }
      return step.value;
    } finally {
      // The machine ended while the unit was suspended: let the unit's finally blocks run.
      if (!step.done) gen.return(undefined);
    }
  }

  private apply(lane: Lane, result: unknown): void {
    const now = this.now();
    const { queue, status } = lane;
    if (result === null) {
      this.lanes.delete(queue);
      this.trace({ type: 'end', at: now, queue, status });
      return;
    }
    if (typeof result === 'string') {
      if (result === status) {
        lane.due = now + this.pollMs;
        this.trace({ type: 'poll', at: now, queue, status });
        return;
      }
      if (this.module.unit(queue, result) === undefined) throw new UnknownStatusError(this.pid, queue, status, result);
      this.transitions++;
      this.trace({ type: 'transition', at: now, queue, from: status, to: result });
      lane.status = result;
      lane.since = now;
      lane.runs = 0;
      lane.due = now;
      return;
    }
    if (!isDirective(result)) throw new BadUnitResultError(this.pid, queue, status, describe(result));
    switch (result.kind) {
      case 'brk':
        lane.due = now + this.pollMs;
        this.trace({ type: 'brk', at: now, queue, status });
        return;
      case 'stay':
        lane.due = now + result.ms;
        this.trace({ type: 'stay', at: now, queue, status, ms: result.ms });
        return;
      case 'changeQueue': {
        const to = result.queue!;
        if (!this.module.queues.includes(to)) throw new UnknownQueueError(`machine ${this.pid}: unit "${queue}/${status}" changeQueue()`, to, this.module.queues);
        this.lanes.delete(queue);
        this.trace({ type: 'changeQueue', at: now, queue, status, to });
        // The hand-off continues the current event, so it goes before events still waiting.
        this.enqueue(to, lane.event, true);
        return;
      }
      case 'finish':
        this.trace({ type: 'finish', at: now, queue, status, value: result.value });
        this.exit = { value: result.value };
        return;
      case 'emergency':
        this.trace({ type: 'emergency', at: now, queue, status, value: result.value });
        throw new MachineEmergencyError(this.pid, queue, status, result.value);
    }
  }

  info(): MachineInfo {
    const focus = this.current ?? this.lanes.values().next().value ?? null;
    const state = this.current !== null ? (this.waitingOn?.kind === 'command' ? 'suspended' : 'running') : this.lanes.size > 0 ? 'waiting' : 'idle';
    return {
      pid: this.pid,
      module: this.module.name,
      state,
      queue: focus?.queue ?? null,
      status: focus?.status ?? null,
      waitingOn: this.waitingOn,
      inbox: this.inbox,
      capacity: this.capacity,
      lanes: [...this.lanes.values()].map((l) => ({ queue: l.queue, status: l.status, since: l.since, runs: l.runs, due: l === this.current ? Infinity : l.due })),
      transitions: this.transitions,
      unhandled: this.unhandled,
    };
  }
}

function isGenerator(v: unknown): v is Generator<unknown, unknown, unknown> {
  return typeof v === 'object' && v !== null && typeof (v as Generator).next === 'function' && typeof (v as Generator).throw === 'function';
}

function commandName(cmd: unknown): string {
  const name = (cmd as { constructor?: { name?: unknown } } | null)?.constructor?.name;
  return typeof name === 'string' && name !== 'Object' ? name : 'command';
}

function describe(v: unknown): string {
  if (v === undefined) return 'undefined (did you forget to return a status?)';
  if (typeof v === 'object') return 'an object that is not a directive';
  return `a ${typeof v} (${String(v)})`;
}

function checkOptions(options: MachineOptions<unknown>): void {
  const { capacity, pollMs, trace } = options;
  if (capacity !== undefined && !(Number.isInteger(capacity) && capacity >= 1)) throw new OptionError('machine()', 'capacity', `must be an integer >= 1, got ${describeValue(capacity)}`);
  if (pollMs !== undefined && !(typeof pollMs === 'number' && pollMs >= 0 && Number.isFinite(pollMs))) throw new OptionError('machine()', 'pollMs', `must be a finite number >= 0, got ${describeValue(pollMs)}`);
  if (trace !== undefined && typeof trace !== 'function') throw new OptionError('machine()', 'trace', `must be a function, got ${describeValue(trace)}`);
}

function isModule(m: unknown): m is MachineModule<string, unknown, unknown, object> {
  return typeof m === 'object' && m !== null && typeof (m as MachineModule).unit === 'function' && Array.isArray((m as MachineModule).queues);
}

/**
 * The machine process: spawn it like any process (`rt.spawn(machine, module, options)`,
 * `yield* spawn(machine, module, options)`) or with spawnMachine(). A plain function, so
 * that bad arguments fail the spawn itself and the machine can be posted to as soon as
 * spawn returns its PID.
 */
export function machine<Q extends string, D, I, EV>(
  ctx: ProcessContext,
  module: MachineModule<Q, D, I, EV>,
  options: MachineOptions<I> = {},
): Generator<Command, unknown, unknown> {
  if (!isModule(module)) throw new ArgumentError('module', `machine(): the first argument must be a module from defineMachine() or machineBuilder(), got ${describeValue(module)}`);
  checkOptions(options as MachineOptions<unknown>);
  const rt = runtimeOf(ctx);
  const mod = module as unknown as MachineModule<string, unknown, unknown, object>;
  const core = new MachineCore(rt, ctx, mod, mod.makeData(options.input), options as MachineOptions<unknown>);
  if (mod.cancelQueue !== undefined) ctx.trapCancel = true;
  if (!(options.idle ?? mod.idle)) core.activate(STARTUP, undefined);
  return cycle(core, register(rt, ctx.pid, core));
}

/**
 * One cycle runs, once, the unit of every lane that is due; between cycles the machine
 * gives other processes a turn and takes what arrived. With nothing due it blocks in
 * receive() until the next deadline or message: an idle or staying machine costs nothing.
 */
function* cycle(core: MachineCore, unregister: () => void): Generator<Command, unknown, unknown> {
  const clock = core.rt.clock;
  let busyCycles = 0;
  try {
    for (;;) {
      core.admit();
      const now = clock.now();
      const due = core.due(now);
      for (const lane of due) {
        yield* core.run(lane);
        if (core.exit !== null) return core.exit.value;
      }
      if (due.length > 0) {
        // Give other processes a turn. Look into the mailbox (a costlier yield) when a post is
        // known to wait, when a unit was suspended (time passed: messages may have come), and
        // every PROBE_EVERY cycles of pure transitions, for routed messages and cancels.
        if (core.inFlight === 0 && !core.suspended && ++busyCycles < PROBE_EVERY) {
          yield self();
          continue;
        }
        busyCycles = 0;
        core.suspended = false;
        for (;;) {
          const got = (yield race([receive(), self()])) as Message | Pid;
          if (typeof got === 'string') {
            core.mailboxEmpty();
            break;
          }
          core.accept(got);
        }
        continue;
      }
      busyCycles = 0;
      const next = core.nextDue();
      core.waitingOn = next === Infinity ? { kind: 'event' } : { kind: 'timer', until: next };
      try {
        core.accept((yield receive(next === Infinity ? {} : { timeout: Math.max(0, next - now) })) as Message);
      } catch (error) {
        if (!(error instanceof ReceiveTimeoutError)) throw error;
      } finally {
        core.waitingOn = null;
      }
    }
  } finally {
    core.ended = true;
    unregister();
  }
}
