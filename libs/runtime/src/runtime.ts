import { Boot, BootContext, defineComponent, type Component } from '@switchyard/boot';
import {
  ClaimTable,
  Registry,
  UnknownCommandError,
  type Command,
  type CommandID,
  type Handler,
  type HandlerContext,
} from '@switchyard/dispatcher';
import { createEventBus, type EventBus } from '@switchyard/eventbus';
import { systemClock, type Clock } from './clock.js';
import { CoreCommand, type ReceiveCmd } from './core.js';
import {
  BadYieldError,
  exitError,
  LinkedExitError,
  NoSuchProcessError,
  PluginError,
  ReceiveTimeoutError,
  RuntimeStateError,
} from './errors.js';
import type { Plugin, PluginContext, PluginSetup } from './plugin.js';
import {
  DONE,
  Group,
  MEMBER_DONE,
  MEMBER_PENDING,
  MemberCtx,
  Proc,
  READY,
  RUNNING,
  WAITING,
  type ProcHost,
} from './proc.js';
import {
  EVENTS_TOPIC,
  type ExitReason,
  type LifecycleEvent,
  type Message,
  type Pid,
  type ProcessEvent,
  type ProcessFn,
  type RuntimeStats,
  type SpawnOptions,
} from './types.js';

export interface RuntimeOptions {
  plugins?: readonly Plugin[];
  /** Defaults to the system clock; tests pass a virtual clock. */
  clock?: Clock;
  /** Node name in PIDs ("{local|0x00001}"). */
  node?: string;
  /** How long stop() lets cancelled processes finish, and each plugin stop, in ms. Default 5000. */
  stopTimeoutMs?: number;
}

/** The runtime as users and plugins see it. */
export interface Runtime {
  readonly clock: Clock;
  readonly node: string;
  /** Boot: claim IDs, load plugins, freeze the registry, start plugins. */
  start(): Promise<void>;
  /** Graceful: cancel processes (terminate those still alive after the timeout), then stop plugins. */
  stop(): Promise<void>;
  spawn<A extends unknown[], R>(fn: ProcessFn<A, R>, ...args: A): Pid;
  spawnWith<A extends unknown[], R>(options: SpawnOptions, fn: ProcessFn<A, R>, ...args: A): Pid;
  /** Spawn and wait: resolves with the return value, rejects with the process's error. */
  run<A extends unknown[], R>(fn: ProcessFn<A, R>, ...args: A): Promise<R>;
  /** Put a message in a process's mailbox. False when no such process is alive. */
  send(pid: Pid, topic: string, payload: unknown, from?: Pid): boolean;
  terminate(pid: Pid): boolean;
  cancel(pid: Pid, reason?: unknown): boolean;
  /** `watcher` gets a pid.exit message on "@pid/events" when `target` ends. Returns the monitor ref. */
  monitor(watcher: Pid, target: Pid): number;
  demonitor(watcher: Pid, ref: number): boolean;
  link(a: Pid, b: Pid): void;
  unlink(a: Pid, b: Pid): void;
  isAlive(pid: Pid): boolean;
  /** Resolves with the exit reason when the process ends. */
  wait(pid: Pid): Promise<ExitReason>;
  /** Call `hook` when the process ends (plugins free what a process owned). Returns a disposer. */
  onExit(pid: Pid, hook: (reason: ExitReason) => void): () => void;
  /** Observe spawns and exits. Returns a disposer. */
  observe(listener: (event: LifecycleEvent) => void): () => void;
  /** Resolves when no process is ready to run. */
  whenIdle(): Promise<void>;
  stats(): RuntimeStats;
  /** Installed plugins and the IDs each claimed, in boot order. */
  commands(): { plugin: string; ids: CommandID[] }[];
  /** The boot context once started (values plugins provided). */
  readonly context: BootContext;
  /**
   * The runtime's event bus, created on first use. From then on the runtime publishes
   * process lifecycle events on it: system "process", kind "spawn" | "exit", path = PID.
   */
  readonly bus: EventBus;
}

type Phase = 'new' | 'starting' | 'running' | 'stopping' | 'stopped';

const CORE = 'core';
/** Steps between looks at the clock while running a batch. */
const CHECK_EVERY = 256;
/** How long processes may run before the event loop gets a turn (timers, I/O). */
const SLICE_MS = 4;

export function createRuntime(options: RuntimeOptions = {}): Runtime {
  return new RuntimeImpl(options);
}

class RuntimeImpl implements Runtime, ProcHost {
  readonly clock: Clock;
  readonly node: string;
  private readonly plugins: readonly Plugin[];
  private readonly stopTimeoutMs: number;
  private readonly registry = new Registry();
  private readonly claims = new ClaimTable();
  private boot: Boot | null = null;
  private phase: Phase = 'new';
  private readonly procs = new Map<Pid, Proc>();
  private pidSeq = 0;
  private monitorSeq = 0;
  private readonly observers: ((event: LifecycleEvent) => void)[] = [];
  private idleWaiters: (() => void)[] = [];
  private bootCtx: BootContext = BootContext.empty();
  private eventBus: EventBus | null = null;

  // scheduler
  private queue: Proc[] = [];
  private qHead = 0;
  private scheduled = false;
  private inBatch = false;
  private lastTurn = 0;
  private wakeups = 0;
  private immediate: NodeJS.Immediate | null = null;
  private readonly runBatchBound = () => this.runBatch();
  private readonly turnBound = () => {
    this.immediate = null;
    this.lastTurn = performance.now();
    this.runBatch();
  };

  // counters
  dispatched = 0;
  completed = 0;
  unknownCommands = 0;
  duplicateCompletions = 0;
  lateCompletions = 0;
  private hookErrors = 0;
  private spawned = 0;
  private exited = 0;

  constructor(options: RuntimeOptions) {
    this.clock = options.clock ?? systemClock;
    this.node = options.node ?? 'local';
    this.plugins = options.plugins ?? [];
    this.stopTimeoutMs = options.stopTimeoutMs ?? 5000;
    if (!Array.isArray(this.plugins)) throw new TypeError('createRuntime(): plugins must be an array of plugins');
    this.plugins.forEach((p, i) => {
      if (typeof p !== 'object' || p === null || typeof p.name !== 'string') {
        throw new TypeError(`createRuntime(): plugins[${i}] is not a plugin (use definePlugin)`);
      }
      if (p.name === CORE) throw new PluginError(CORE, '"core" is the runtime\'s own module name');
    });
  }

  get context(): BootContext {
    return this.bootCtx;
  }

  get runtime(): Runtime {
    return this;
  }

  get bus(): EventBus {
    if (this.eventBus === null) {
      const bus = createEventBus();
      this.eventBus = bus;
      // Only a runtime whose bus is in use pays for lifecycle events.
      this.observe((e) => {
        if (e.kind === 'spawn') bus.send({ system: 'process', kind: 'spawn', path: e.pid });
        else bus.send({ system: 'process', kind: 'exit', path: e.pid, data: { reason: e.reason } });
      });
    }
    return this.eventBus;
  }

  // ---------------------------------------------------------------- lifecycle

  async start(): Promise<void> {
    if (this.phase !== 'new') throw new RuntimeStateError(`start() called twice (the runtime is ${this.phase})`);
    this.phase = 'starting';
    try {
      this.installCore();
      const components = this.plugins.map((p) => this.component(p));
      const boot = new Boot(components, { stopTimeoutMs: this.stopTimeoutMs, afterLoad: () => this.registry.freeze() });
      // Claims first, in boot order: a collision fails the boot before any plugin's setup runs.
      for (const c of boot.order) {
        const plugin = this.plugins.find((p) => p.name === c.name)!;
        this.claims.claim(plugin.name, plugin.commands);
      }
      this.boot = boot;
      this.bootCtx = await boot.boot();
      this.phase = 'running';
    } catch (error) {
      this.phase = 'stopped';
      throw error;
    }
  }

  async stop(): Promise<void> {
    if (this.phase === 'stopped' || this.phase === 'new') {
      this.phase = 'stopped';
      await this.eventBus?.stop();
      return;
    }
    if (this.phase === 'stopping') throw new RuntimeStateError('stop() is already in progress');
    this.phase = 'stopping';
    const waits = [...this.procs.keys()].map((pid) => this.wait(pid).catch(() => undefined));
    for (const p of [...this.procs.values()]) this.cancelProc(p, 'runtime stopping');
    if (this.procs.size > 0) {
      let timer: unknown;
      await Promise.race([
        Promise.all(waits),
        new Promise<void>((resolve) => {
          timer = systemClock.setTimeout(resolve, this.stopTimeoutMs);
        }),
      ]);
      systemClock.clearTimeout(timer);
      for (const p of [...this.procs.values()]) this.finish(p, { kind: 'terminated' }, true);
    }
    if (this.immediate !== null) clearImmediate(this.immediate);
    this.immediate = null;
    this.queue = [];
    this.qHead = 0;
    this.phase = 'stopped';
    this.resolveIdle();
    try {
      await this.boot?.shutdown();
    } finally {
      await this.eventBus?.stop();
    }
  }

  private component(plugin: Plugin): Component {
    let setup: PluginSetup | void = undefined;
    return defineComponent({
      name: plugin.name,
      dependsOn: plugin.dependsOn,
      load: async (boot) => {
        const ctx: PluginContext = { name: plugin.name, runtime: this, clock: this.clock, boot };
        setup = plugin.setup ? await plugin.setup(ctx) : undefined;
        if (setup !== undefined && (typeof setup !== 'object' || setup === null)) {
          throw new PluginError(plugin.name, 'setup must return { handlers?, start?, stop? } or nothing');
        }
        this.registerAll(plugin.name, plugin.handlers);
        this.registerAll(plugin.name, setup?.handlers);
      },
      start: () => setup?.start?.(),
      stop: () => setup?.stop?.(),
    });
  }

  private registerAll(module: string, handlers: Readonly<Record<number, Handler<never>>> | undefined): void {
    if (handlers === undefined) return;
    for (const key of Object.keys(handlers)) {
      const id = Number(key);
      this.claims.assertOwned(module, id);
      this.registry.register(id, handlers[id] as unknown as Handler);
    }
  }

  private installCore(): void {
    this.claims.claim(CORE, [CoreCommand.Receive, CoreCommand.All, CoreCommand.Race, CoreCommand.Self]);
    this.registry.register(CoreCommand.Receive, (ctx, cmd, tag, receiver) => this.handleReceive(ctx, cmd as ReceiveCmd, tag, receiver));
    this.registry.register(CoreCommand.Self, (ctx, _cmd, tag, receiver) => receiver.completeYield(tag, ctx.pid));
    const nested: Handler = () => {
      throw new BadYieldError('all() and race() take plain commands; they cannot be nested inside all() or race()');
    };
    this.registry.register(CoreCommand.All, nested);
    this.registry.register(CoreCommand.Race, nested);
  }

  // ---------------------------------------------------------------- processes

  spawn<A extends unknown[], R>(fn: ProcessFn<A, R>, ...args: A): Pid {
    return this.spawnWith({}, fn, ...args);
  }

  spawnWith<A extends unknown[], R>(options: SpawnOptions, fn: ProcessFn<A, R>, ...args: A): Pid {
    if (this.phase !== 'running') {
      throw new RuntimeStateError(this.phase === 'new' || this.phase === 'starting' ? 'cannot spawn before start() has finished' : `cannot spawn: the runtime is ${this.phase}`);
    }
    if (typeof fn !== 'function') throw new TypeError(`spawn(): expected a generator function, got ${fn === null ? 'null' : typeof fn}`);
    let linkPeer: Proc | undefined;
    if (options.linkTo !== undefined) {
      linkPeer = this.procs.get(options.linkTo);
      if (linkPeer === undefined) throw new NoSuchProcessError(options.linkTo, 'spawn linked');
    }
    const n = ++this.pidSeq;
    const pid = `{${this.node}|0x${n < 0x100000 ? n.toString(16).padStart(5, '0') : n.toString(16)}}`;
    const p = new Proc(this, pid);
    if (options.trapLinks) p.trapLinks = true;
    if (options.trapCancel) p.trapCancel = true;
    const gen = fn(p, ...args) as unknown;
    if (typeof gen !== 'object' || gen === null || typeof (gen as Generator).next !== 'function' || typeof (gen as Generator).throw !== 'function') {
      throw new TypeError(`spawn(): ${fn.name || 'the function'} did not return a generator; declare it with function*`);
    }
    p.gen = gen as Generator<unknown, unknown, unknown>;
    this.procs.set(pid, p);
    this.spawned++;
    if (linkPeer !== undefined) {
      p.topology().links.add(linkPeer);
      linkPeer.topology().links.add(p);
    }
    this.queue.push(p);
    if (!this.scheduled && !this.inBatch) this.schedule();
    if (this.observers.length > 0) this.notify({ kind: 'spawn', pid });
    return pid;
  }

  run<A extends unknown[], R>(fn: ProcessFn<A, R>, ...args: A): Promise<R> {
    const pid = this.spawn(fn, ...args);
    return this.wait(pid).then((reason) => {
      if (reason.kind === 'normal') return reason.value as R;
      throw exitError(pid, reason);
    });
  }

  wait(pid: Pid): Promise<ExitReason> {
    return new Promise((resolve, reject) => {
      try {
        this.onExit(pid, resolve);
      } catch (error) {
        reject(error);
      }
    });
  }

  onExit(pid: Pid, hook: (reason: ExitReason) => void): () => void {
    const p = this.procs.get(pid);
    if (p === undefined) throw new NoSuchProcessError(pid, 'watch the exit of');
    const hooks = (p.exitHooks ??= []);
    hooks.push(hook);
    return () => {
      const i = hooks.indexOf(hook);
      if (i >= 0) hooks.splice(i, 1);
    };
  }

  observe(listener: (event: LifecycleEvent) => void): () => void {
    this.observers.push(listener);
    return () => {
      const i = this.observers.indexOf(listener);
      if (i >= 0) this.observers.splice(i, 1);
    };
  }

  isAlive(pid: Pid): boolean {
    return this.procs.has(pid);
  }

  send(pid: Pid, topic: string, payload: unknown, from?: Pid): boolean {
    if (typeof topic !== 'string') throw new TypeError(`send(): topic must be a string, got ${typeof topic}`);
    const p = this.procs.get(pid);
    if (p === undefined) return false;
    this.deliver(p, from === undefined ? { topic, payload } : { topic, payload, from });
    return true;
  }

  terminate(pid: Pid): boolean {
    const p = this.procs.get(pid);
    if (p === undefined) return false;
    this.finish(p, { kind: 'terminated' }, true);
    return true;
  }

  cancel(pid: Pid, reason: unknown = 'cancelled'): boolean {
    const p = this.procs.get(pid);
    if (p === undefined) return false;
    this.cancelProc(p, reason);
    return true;
  }

  private cancelProc(p: Proc, reason: unknown): void {
    if (p.trapCancel) {
      const event: ProcessEvent = { type: 'pid.cancel', pid: p.pid, reason };
      this.deliver(p, { topic: EVENTS_TOPIC, payload: event });
    } else {
      this.finish(p, { kind: 'cancelled', reason }, true);
    }
  }

  monitor(watcher: Pid, target: Pid): number {
    const w = this.procs.get(watcher);
    if (w === undefined) throw new NoSuchProcessError(watcher, 'monitor from');
    const ref = ++this.monitorSeq;
    const t = this.procs.get(target);
    if (t === undefined) {
      const event: ProcessEvent = { type: 'pid.exit', pid: target, reason: { kind: 'noproc' }, ref };
      this.deliver(w, { topic: EVENTS_TOPIC, payload: event });
      return ref;
    }
    t.topology().monitors.set(ref, w);
    w.topology().watching.set(ref, t);
    return ref;
  }

  demonitor(watcher: Pid, ref: number): boolean {
    const w = this.procs.get(watcher);
    const t = w?.topo?.watching.get(ref);
    if (w === undefined || t === undefined) return false;
    w.topo!.watching.delete(ref);
    t.topo?.monitors.delete(ref);
    return true;
  }

  link(a: Pid, b: Pid): void {
    const pa = this.procs.get(a);
    if (pa === undefined) throw new NoSuchProcessError(a, 'link');
    const pb = this.procs.get(b);
    if (pb === undefined) throw new NoSuchProcessError(b, 'link to');
    if (pa === pb) return;
    pa.topology().links.add(pb);
    pb.topology().links.add(pa);
  }

  unlink(a: Pid, b: Pid): void {
    const pa = this.procs.get(a);
    const pb = this.procs.get(b);
    if (pa !== undefined && pb !== undefined) {
      pa.topo?.links.delete(pb);
      pb.topo?.links.delete(pa);
    }
  }

  stats(): RuntimeStats {
    return {
      dispatched: this.dispatched,
      completed: this.completed,
      unknownCommands: this.unknownCommands,
      duplicateCompletions: this.duplicateCompletions,
      lateCompletions: this.lateCompletions,
      exitHookErrors: this.hookErrors,
      processes: { live: this.procs.size, spawned: this.spawned, exited: this.exited },
    };
  }

  commands(): { plugin: string; ids: CommandID[] }[] {
    const byModule = this.claims.byModule();
    const order = this.boot?.order.map((c) => c.name) ?? this.plugins.map((p) => p.name);
    return order.map((plugin) => ({ plugin, ids: byModule.get(plugin) ?? [] }));
  }

  whenIdle(): Promise<void> {
    if (!this.scheduled && !this.inBatch && this.qHead >= this.queue.length) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  // ---------------------------------------------------------------- scheduler

  /** A completion arrived for the tag the process waits on. */
  accept(p: Proc): void {
    if (p.state !== WAITING) return;
    p.state = READY;
    this.queue.push(p);
    if (!this.scheduled && !this.inBatch) this.schedule();
  }

  private schedule(): void {
    this.scheduled = true;
    // Keep going on microtasks while the slice lasts; then let the event loop run timers and I/O.
    // The clock is read on every 16th wake-up only: it costs as much as a short step.
    if ((++this.wakeups & 15) !== 0 || performance.now() - this.lastTurn < SLICE_MS) queueMicrotask(this.runBatchBound);
    else this.immediate = setImmediate(this.turnBound);
  }

  private runBatch(): void {
    this.scheduled = false;
    if (this.phase === 'stopped') return;
    this.inBatch = true;
    const q = this.queue;
    let n = 0;
    try {
      while (this.qHead < q.length) {
        const p = q[this.qHead++]!;
        if (p.state === READY) this.step(p);
        if (++n === CHECK_EVERY) {
          n = 0;
          if (performance.now() - this.lastTurn >= SLICE_MS) break;
        }
      }
    } finally {
      this.inBatch = false;
    }
    if (this.qHead >= q.length) {
      q.length = 0;
      this.qHead = 0;
      this.resolveIdle();
    } else {
      if (this.qHead > 4096) {
        q.splice(0, this.qHead);
        this.qHead = 0;
      }
      this.schedule();
    }
  }

  private resolveIdle(): void {
    if (this.idleWaiters.length === 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }

  private step(p: Proc): void {
    p.state = RUNNING;
    const gen = p.gen!;
    const delivered = p.pendingCmd;
    p.pendingCmd = null;
    let r: IteratorResult<unknown, unknown>;
    try {
      if (p.resIsError) {
        const e = p.resError;
        p.resIsError = false;
        p.resError = undefined;
        r = gen.throw(e);
      } else {
        const v = p.resValue;
        p.resValue = undefined;
        r = gen.next(v);
      }
    } catch (error) {
      if (delivered !== null) release(delivered);
      p.state = WAITING;
      this.finish(p, p.killPending ?? { kind: 'error', error }, false);
      return;
    }
    if (delivered !== null) release(delivered);
    p.state = WAITING;
    if (p.killPending !== null) {
      this.finish(p, p.killPending, !r.done);
      return;
    }
    if (r.done) this.finish(p, { kind: 'normal', value: r.value }, false);
    else this.dispatch(p, r.value);
  }

  private dispatch(p: Proc, y: unknown): void {
    if (typeof y !== 'object' || y === null || typeof (y as Command).id !== 'number') {
      p.resIsError = true;
      p.resError = new BadYieldError(
        `process ${p.pid} yielded ${describe(y)}, which is not a command (an object with a numeric id); did you mean yield* ?`,
      );
      p.state = READY;
      this.queue.push(p);
      return;
    }
    const cmd = y as Command;
    this.dispatched++;
    const tag = p.nextTag++;
    p.pendingCmd = cmd;
    const id = cmd.id;
    if (id === CoreCommand.All || id === CoreCommand.Race) {
      this.dispatchGroup(p, cmd as Command & { commands: readonly unknown[] }, id === CoreCommand.Race);
      return;
    }
    p.waitTag = tag;
    const h = this.registry.get(id);
    if (h === undefined) {
      this.unknownCommands++;
      p.completeYield(tag, undefined, new UnknownCommandError(id));
      return;
    }
    try {
      h(p, cmd, tag, p);
    } catch (error) {
      if (p.waitTag === tag) p.completeYield(tag, undefined, error ?? new Error('handler threw a nullish value'));
    }
  }

  private dispatchGroup(p: Proc, cmd: Command & { commands: readonly unknown[] }, isRace: boolean): void {
    const cmds = cmd.commands as readonly Command[];
    const n = cmds.length;
    if (n === 0) {
      p.waitTag = p.nextTag - 1;
      p.completeYield(p.waitTag, []);
      return;
    }
    const g = new Group(isRace, p.nextTag, cmds, p);
    p.nextTag += n;
    p.group = g;
    // A member's handler may end the process (terminate(self)): stop dispatching then.
    for (let i = 0; i < n && !g.settled && p.state !== DONE; i++) {
      const c = cmds[i] as unknown;
      const tag = g.firstTag + i;
      const m = g.members[i]!;
      if (typeof c !== 'object' || c === null || typeof (c as Command).id !== 'number') {
        this.acceptMember(p, g, i, undefined, new BadYieldError(`${isRace ? 'race' : 'all'}() member ${i} is ${describe(c)}, not a command`));
        continue;
      }
      if (i > 0) this.dispatched++;
      const h = this.registry.get((c as Command).id);
      if (h === undefined) {
        this.unknownCommands++;
        this.acceptMember(p, g, i, undefined, new UnknownCommandError((c as Command).id));
        continue;
      }
      try {
        h(m, c as Command, tag, p);
      } catch (error) {
        if (m.state === MEMBER_PENDING) this.acceptMember(p, g, i, undefined, error ?? new Error('handler threw a nullish value'));
      }
    }
    // Members never dispatched because the group settled early are abandoned too.
    if (g.settled) g.abandonPending(new Error('yield abandoned'));
  }

  acceptMember(p: Proc, g: Group, i: number, data: unknown, error: unknown): void {
    const m = g.members[i]!;
    if (m.state !== MEMBER_PENDING) {
      if (m.state === MEMBER_DONE) this.duplicateCompletions++;
      else this.lateCompletions++;
      return;
    }
    m.state = MEMBER_DONE;
    this.completed++;
    const failed = error !== undefined && error !== null;
    if (g.race || failed) {
      g.settled = true;
      if (failed) {
        p.resIsError = true;
        p.resError = error;
      } else {
        p.resValue = data;
      }
      g.abandonPending(new Error(g.race ? 'lost the race' : 'another member of all() failed'));
      this.accept(p);
      return;
    }
    g.results[i] = data;
    if (--g.remaining === 0) {
      g.settled = true;
      p.resValue = g.results;
      this.accept(p);
    }
  }

  // ---------------------------------------------------------------- messages

  private deliver(p: Proc, msg: Message): void {
    if (p.recvTag !== 0 && (p.recvTopic === undefined || p.recvTopic === msg.topic)) {
      const tag = p.recvTag;
      p.recvTag = 0;
      if (p.recvTimer !== undefined) {
        this.clock.clearTimeout(p.recvTimer);
        p.recvTimer = undefined;
      }
      p.completeYield(tag, msg);
      return;
    }
    (p.mailbox ??= []).push(msg);
  }

  private handleReceive(ctx: HandlerContext, cmd: ReceiveCmd, tag: number, receiver: { completeYield(tag: number, data: unknown, error?: unknown): void }): void {
    const p = ctx instanceof MemberCtx ? ctx.proc : (ctx as Proc);
    if (p.recvTag !== 0) throw new BadYieldError(`process ${p.pid} is already waiting in receive()`);
    const mb = p.mailbox;
    const topic = cmd.topic;
    if (mb !== null && mb.length > 0) {
      if (topic === undefined) {
        receiver.completeYield(tag, mb.shift());
        return;
      }
      for (let i = 0; i < mb.length; i++) {
        if (mb[i]!.topic === topic) {
          receiver.completeYield(tag, mb.splice(i, 1)[0]);
          return;
        }
      }
    }
    const timeout = cmd.timeout;
    if (timeout === 0) throw new ReceiveTimeoutError(topic, 0);
    p.recvTag = tag;
    p.recvTopic = topic;
    if (timeout !== undefined) {
      p.recvTimer = this.clock.setTimeout(() => {
        if (p.recvTag !== tag) return;
        p.recvTag = 0;
        p.recvTimer = undefined;
        receiver.completeYield(tag, undefined, new ReceiveTimeoutError(topic, timeout));
      }, timeout);
    }
    if (ctx !== p) {
      ctx.signal.addEventListener(
        'abort',
        () => {
          if (p.recvTag !== tag) return;
          p.recvTag = 0;
          if (p.recvTimer !== undefined) this.clock.clearTimeout(p.recvTimer);
          p.recvTimer = undefined;
        },
        { once: true },
      );
    }
  }

  // ---------------------------------------------------------------- exit

  /**
   * End a process. `suspended`: its generator is parked at a yield, so return() it to run
   * its finally blocks. Safe to call from anywhere: a process being stepped right now ends
   * as soon as its step returns.
   */
  private finish(p: Proc, reason: ExitReason, suspended: boolean): void {
    if (p.state === DONE) return;
    if (p.state === RUNNING) {
      p.killPending ??= reason;
      return;
    }
    p.state = DONE;
    p.exit = reason;
    this.procs.delete(p.pid);
    this.exited++;
    p.waitTag = 0;
    const g = p.group;
    p.group = null;
    if (g !== null && !g.settled) g.abandonPending(new Error(`process ${p.pid} has ended`));
    if (p.recvTimer !== undefined) this.clock.clearTimeout(p.recvTimer);
    p.recvTag = 0;
    p.recvTimer = undefined;
    p.mailbox = null;
    p.controller?.abort(new Error(`process ${p.pid} has ended`));
    if (suspended && p.gen !== null) runFinally(p.gen);
    p.gen = null;
    const pending = p.pendingCmd;
    p.pendingCmd = null;
    if (pending !== null) release(pending);
    const topo = p.topo;
    if (topo !== null) {
      for (const [ref, target] of topo.watching) target.topo?.monitors.delete(ref);
      for (const [ref, watcher] of topo.monitors) {
        watcher.topo?.watching.delete(ref);
        const event: ProcessEvent = { type: 'pid.exit', pid: p.pid, reason, ref };
        this.deliver(watcher, { topic: EVENTS_TOPIC, payload: event });
      }
      for (const peer of topo.links) {
        peer.topo?.links.delete(p);
        if (peer.state === DONE) continue;
        if (reason.kind === 'normal') continue;
        if (peer.trapLinks) {
          const event: ProcessEvent = { type: 'pid.exit', pid: p.pid, reason, link: true };
          this.deliver(peer, { topic: EVENTS_TOPIC, payload: event });
        } else {
          this.finish(peer, { kind: 'error', error: new LinkedExitError(p.pid, reason) }, true);
        }
      }
    }
    const hooks = p.exitHooks;
    p.exitHooks = null;
    if (hooks !== null) {
      for (const h of hooks) {
        try {
          h(reason);
        } catch {
          // One plugin's failing cleanup must not skip the others, nor break the caller.
          this.hookErrors++;
        }
      }
    }
    if (this.observers.length > 0) this.notify({ kind: 'exit', pid: p.pid, reason });
  }

  private notify(event: LifecycleEvent): void {
    for (const o of [...this.observers]) {
      try {
        o(event);
      } catch {
        // An observer's failure must not break the process lifecycle.
      }
    }
  }
}

function release(cmd: Command): void {
  if (cmd.id === CoreCommand.All || cmd.id === CoreCommand.Race) {
    const members = (cmd as Command & { commands?: readonly unknown[] }).commands;
    if (Array.isArray(members)) for (const m of members) if (typeof m === 'object' && m !== null) release(m as Command);
  }
  if (typeof cmd.release === 'function') cmd.release();
}

/** Run a suspended generator's finally blocks. Yields inside them get no results (bounded). */
function runFinally(gen: Generator<unknown, unknown, unknown>): void {
  try {
    let r = gen.return(undefined);
    for (let i = 0; !r.done && i < 100; i++) r = gen.return(undefined);
  } catch {
    // A throwing finally block cannot change how the process ended.
  }
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (v === undefined) return 'undefined';
  if (typeof v === 'object') {
    if (typeof (v as Generator).next === 'function') return 'a generator';
    return 'an object without a numeric id';
  }
  return `a ${typeof v} (${String(v)})`;
}
