import { Boot, BootContext, defineComponent, type Component } from '@switchyard/boot';
import { ClaimTable, Registry, type CommandID, type Handler } from '@switchyard/dispatcher';
import { checkKeys, describeValue, didYouMean, intOption, oneOf } from '@switchyard/errors';
import { createEventBus, type EventBus } from '@switchyard/eventbus';
import { systemClock, type Clock } from './clock.js';
import { checkName, CoreCommand, type ReceiveCmd, type RegisterCmd, type TransferCmd, type UnregisterCmd, type WhereIsCmd } from './core.js';
import { Postal, type DeliveryResult } from './delivery.js';
import { Dispatch } from './dispatch.js';
import {
  ArgumentError,
  BadYieldError,
  exitError,
  MailboxFullError,
  NameTakenError,
  NoSuchNameError,
  NoSuchProcessError,
  PluginError,
  RuntimeStateError,
  SpawnError,
} from './errors.js';
import { Names } from './names.js';
import { formatPid, nodeName, parsePid } from './pid.js';
import type { Plugin, PluginContext, PluginSetup } from './plugin.js';
import { PrincipalRegistry } from './principals.js';
import { Proc } from './proc.js';
import { localRelay, type Relay } from './relay.js';
import { Resources } from './resources.js';
import { Scheduler } from './scheduler.js';
import { ProcTable } from './proctable.js';
import { keepShapes } from './shapes.js';
import { Exits } from './topology.js';
import type {
  ExitReason,
  LifecycleEvent,
  MailboxOptions,
  MailboxOverflow,
  Message,
  Pid,
  ProcessBody,
  ProcessContext,
  ProcessFn,
  Runtime,
  RuntimeStats,
  Spawnable,
  SpawnOptions,
} from './types.js';

export interface RuntimeOptions {
  plugins?: readonly Plugin[];
  /** Defaults to the system clock; tests pass a virtual clock. */
  clock?: Clock;
  /** Node name in PIDs. Default "local"; a name gets a boot incarnation: "{alpha@lq3k9x|0x00001}". */
  node?: string;
  /** The incarnation part of a named node (default: the boot time in base 36). */
  incarnation?: string;
  /** How long stop() lets cancelled processes finish, and each plugin stop, in ms. Default 5000. */
  stopTimeoutMs?: number;
  /** The default mailbox bound of every process. Default `{ capacity: 10_000, overflow: 'error' }`. */
  mailbox?: MailboxOptions;
  /** Processes spawnable by name (`rt.spawn('billing.worker', …)`), next to those plugins register. */
  processes?: Readonly<Record<string, ProcessFn<never[], unknown>>>;
  /** The route to processes of other nodes. Default: the local relay (no other node). */
  relay?: Relay;
}

type Phase = 'new' | 'starting' | 'running' | 'stopping' | 'stopped';

const CORE = 'core';
/** Kept for the module's lifetime so the kernel's hot code survives a moment with no process (see keepShapes). */
export const SHAPES: readonly object[] = keepShapes();
const NO_OPTIONS: SpawnOptions = Object.freeze({});
const OVERFLOWS: readonly MailboxOverflow[] = ['error', 'dropOldest', 'dropNewest'];
const OPTIONS = ['plugins', 'clock', 'node', 'incarnation', 'stopTimeoutMs', 'mailbox', 'processes', 'relay'];

export function createRuntime(options: RuntimeOptions = {}): Runtime {
  return new RuntimeImpl(options);
}

function mailboxOptions(where: string, o: unknown): Required<MailboxOptions> {
  const m = checkKeys(where, o, ['capacity', 'overflow']);
  return {
    capacity: intOption(where, m, 'capacity', 10_000, { min: 1, infinite: true }),
    overflow: oneOf(where, m, 'overflow', OVERFLOWS, 'error'),
  };
}

class RuntimeImpl implements Runtime {
  readonly clock: Clock;
  readonly node: string;
  private readonly plugins: readonly Plugin[];
  private readonly stopTimeoutMs: number;
  private readonly registry = new Registry();
  private readonly claims = new ClaimTable();
  private readonly relay: Relay;
  private boot: Boot | null = null;
  private phase: Phase = 'new';
  private stopping: Promise<void> | null = null;
  private readonly procs = new ProcTable();
  private readonly processFns = new Map<string, ProcessFn<never[], unknown>>();
  private readonly pluginStats = new Map<string, () => Record<string, number>>();
  private pidSeq = 0;
  private spawned = 0;
  private bootCtx: BootContext = BootContext.empty();
  private eventBus: EventBus | null = null;
  private allExited: (() => void) | null = null;

  private readonly dispatch: Dispatch;
  private readonly sched: Scheduler;
  private readonly postal: Postal;
  private readonly resources: Resources;
  private readonly principals: PrincipalRegistry;
  private readonly names = new Names();
  private readonly exits: Exits;

  constructor(options: RuntimeOptions) {
    const o = checkKeys('createRuntime()', options, OPTIONS);
    this.clock = options.clock ?? systemClock;
    this.node = nodeName(options.node, options.incarnation);
    this.plugins = options.plugins ?? [];
    this.stopTimeoutMs = intOption('createRuntime()', o, 'stopTimeoutMs', 5000);
    this.relay = options.relay ?? localRelay;
    const mb = mailboxOptions('createRuntime(): mailbox', options.mailbox);
    if (!Array.isArray(this.plugins)) throw new ArgumentError('plugins', `createRuntime(): plugins must be an array of plugins, got ${describeValue(this.plugins)}`);
    this.plugins.forEach((p, i) => {
      if (typeof p !== 'object' || p === null || typeof p.name !== 'string') {
        throw new ArgumentError('plugins', `createRuntime(): plugins[${i}] is ${describeValue(p)}, not a plugin (use definePlugin)`);
      }
      if (p.name === CORE) throw new PluginError(CORE, '"core" is the runtime\'s own module name');
    });
    this.addProcesses('createRuntime()', options.processes);
    this.dispatch = new Dispatch(this, this.registry);
    this.sched = new Scheduler((p) => this.dispatch.step(p));
    this.postal = new Postal(this.clock, mb.capacity, mb.overflow);
    this.resources = new Resources((pid) => this.procs.get(pid));
    this.principals = new PrincipalRegistry((pid) => this.procs.get(pid));
    this.exits = new Exits(this.procs, this.postal, this.resources, this.names, this.clock, () => this.allExited?.());
    this.dispatch.sched = this.sched;
    this.dispatch.exits = this.exits;
  }

  get context(): BootContext {
    return this.bootCtx;
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

  stop(): Promise<void> {
    return (this.stopping ??= this.shutdown());
  }

  private async shutdown(): Promise<void> {
    // Let a start() in progress finish first: stopping half-booted plugins would leak what they opened.
    while (this.phase === 'starting') await new Promise((r) => setImmediate(r));
    if (this.phase === 'new' || this.phase === 'stopped') {
      this.phase = 'stopped';
      await this.eventBus?.stop();
      return;
    }
    this.phase = 'stopping';
    if (this.procs.size > 0) {
      const allGone = new Promise<void>((resolve) => {
        this.allExited = resolve;
      });
      // Newest first (as an OTP supervisor stops its children): a process ends before the one
      // that spawned it.
      const live = this.procs.values();
      for (let i = live.length - 1; i >= 0; i--) this.exits.cancel(live[i]!, 'runtime stopping');
      if (this.procs.size > 0) {
        let timer: unknown;
        await Promise.race([
          allGone,
          new Promise<void>((resolve) => {
            timer = systemClock.setTimeout(resolve, this.stopTimeoutMs);
          }),
        ]);
        systemClock.clearTimeout(timer);
        for (const p of this.procs.values()) this.exits.finish(p, { kind: 'terminated' }, true);
      }
      this.allExited = null;
    }
    this.sched.stopped = true;
    this.sched.cancelTurn();
    this.phase = 'stopped';
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
        const ctx: PluginContext = {
          name: plugin.name,
          runtime: this,
          clock: this.clock,
          boot,
          resources: this.resources,
          principals: this.principals,
          deliver: (pid, topic, payload, onTaken) => this.deliverFor(plugin.name, pid, topic, payload, onTaken),
        };
        setup = plugin.setup ? await plugin.setup(ctx) : undefined;
        if (setup !== undefined && (typeof setup !== 'object' || setup === null)) {
          throw new PluginError(plugin.name, 'setup must return { handlers?, start?, stop?, stats?, processes?, provides? } or nothing');
        }
        this.registerAll(plugin.name, plugin.handlers);
        this.registerAll(plugin.name, setup?.handlers);
        if (setup?.stats !== undefined) this.pluginStats.set(plugin.name, setup.stats);
        this.addProcesses(`plugin "${plugin.name}"`, setup?.processes);
        return setup?.provides;
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

  private addProcesses(where: string, fns: Readonly<Record<string, ProcessFn<never[], unknown>>> | undefined): void {
    if (fns === undefined) return;
    if (typeof fns !== 'object' || fns === null) throw new ArgumentError('processes', `${where}: processes must be an object of process functions`);
    for (const [name, fn] of Object.entries(fns)) {
      checkName(name, 'processes');
      if (typeof fn !== 'function') throw new ArgumentError('processes', `${where}: process "${name}" must be a generator function, got ${describeValue(fn)}`);
      if (this.processFns.has(name)) throw new ArgumentError('processes', `${where}: process name "${name}" is registered twice`);
      this.processFns.set(name, fn);
    }
  }

  private installCore(): void {
    const ids = Object.values(CoreCommand);
    this.claims.claim(CORE, ids);
    const r = this.registry;
    r.register(CoreCommand.Receive, (ctx, cmd, tag, receiver) => this.postal.receive(ctx, cmd as ReceiveCmd, tag, receiver));
    r.register(CoreCommand.Self, (ctx, _cmd, tag, receiver) => receiver.completeYield(tag, ctx.pid));
    const nested: Handler = () => {
      throw new BadYieldError('all() and race() take plain commands; they cannot be nested inside all() or race()');
    };
    r.register(CoreCommand.All, nested);
    r.register(CoreCommand.Race, nested);
    r.register(CoreCommand.Transfer, (ctx, cmd, tag, receiver) => {
      const c = cmd as TransferCmd;
      this.resources.transfer(ctx.pid, c.handle, c.to);
      receiver.completeYield(tag, undefined);
    });
    r.register(CoreCommand.Register, (ctx, cmd, tag, receiver) => {
      const c = cmd as RegisterCmd;
      this.register(c.name, c.pid ?? ctx.pid);
      receiver.completeYield(tag, undefined);
    });
    r.register(CoreCommand.Unregister, (_ctx, cmd, tag, receiver) => receiver.completeYield(tag, this.unregister((cmd as UnregisterCmd).name)));
    r.register(CoreCommand.WhereIs, (_ctx, cmd, tag, receiver) => receiver.completeYield(tag, this.whereis((cmd as WhereIsCmd).name)));
  }

  // ---------------------------------------------------------------- processes

  spawn<A extends unknown[], R>(fn: Spawnable<A, R>, ...args: A): Pid {
    return this.spawnProc(NO_OPTIONS, this.resolveFn(fn), args, null);
  }

  spawnWith<A extends unknown[], R>(options: SpawnOptions, fn: Spawnable<A, R>, ...args: A): Pid {
    return this.spawnProc(options, this.resolveFn(fn), args, null);
  }

  spawnArgs<A extends unknown[], R>(options: SpawnOptions, fn: Spawnable<A, R>, args: Readonly<A>): Pid {
    if (!Array.isArray(args)) throw new ArgumentError('args', `spawnArgs(): args must be an array, got ${describeValue(args)}`);
    return this.spawnProc(options, this.resolveFn(fn), args, null);
  }

  spawnBody(options: SpawnOptions, body: (ctx: ProcessContext) => ProcessBody): Pid {
    if (typeof body !== 'function') throw new SpawnError('BAD_SPAWN', `spawnBody(): body must be a function (ctx) => ProcessBody, got ${describeValue(body)}`);
    return this.spawnProc(options, null, [], body);
  }

  /** Call the process function (no closure, no spread for up to two arguments: spawns are hot). */
  private startFn(f: ProcessFn<unknown[], unknown>, p: Proc, args: readonly unknown[]): ProcessBody {
    const call = f as (ctx: ProcessContext, ...args: unknown[]) => unknown;
    const n = args.length;
    const gen = n === 0 ? call(p) : n === 1 ? call(p, args[0]) : n === 2 ? call(p, args[0], args[1]) : call(p, ...args);
    if (!isSyncIterator(gen)) {
      throw new SpawnError('BAD_SPAWN', `spawn(): ${describeValue(f)} returned ${describeValue(gen)}, not a generator; declare it with function*`);
    }
    return gen;
  }

  private startBody(body: (ctx: ProcessContext) => ProcessBody, p: Proc): ProcessBody {
    const b = body(p);
    if (!isSyncIterator(b)) throw new SpawnError('BAD_SPAWN', `spawnBody(): the driver returned ${describeValue(b)}, not an object with next/throw/return`);
    return b;
  }

  private resolveFn(fn: unknown): ProcessFn<unknown[], unknown> {
    if (typeof fn === 'string') {
      const f = this.processFns.get(fn);
      if (f === undefined) {
        const known = [...this.processFns.keys()];
        throw new SpawnError('NO_SUCH_PROCESS_NAME', `spawn(): no process is registered as "${fn}"${didYouMean(fn, known)}${known.length === 0 ? ' (none are registered: pass processes to createRuntime or a plugin setup)' : ''}`);
      }
      return f as unknown as ProcessFn<unknown[], unknown>;
    }
    if (typeof fn !== 'function') throw new SpawnError('BAD_SPAWN', `spawn(): expected a generator function or a registered process name, got ${describeValue(fn)}`);
    const kind = (fn as { constructor?: { name?: string } }).constructor?.name;
    if (kind === 'AsyncGeneratorFunction' || kind === 'AsyncFunction') {
      throw new SpawnError(
        'BAD_SPAWN',
        `spawn(): ${describeValue(fn)} cannot be a process: processes are synchronous generators (function*) that yield commands; do async work in a plugin handler`,
      );
    }
    return fn as ProcessFn<unknown[], unknown>;
  }

  private spawnProc(options: SpawnOptions, fn: ProcessFn<unknown[], unknown> | null, args: readonly unknown[], body: ((ctx: ProcessContext) => ProcessBody) | null): Pid {
    if (this.phase !== 'running') {
      throw new RuntimeStateError(this.phase === 'new' || this.phase === 'starting' ? 'cannot spawn before start() has finished' : `cannot spawn: the runtime is ${this.phase}`);
    }
    if (typeof options !== 'object' || options === null) throw new ArgumentError('options', `spawnWith(): options must be an object, got ${describeValue(options)}`);
    let linkPeer: Proc | undefined;
    if (options.linkTo !== undefined) {
      linkPeer = this.procs.get(options.linkTo);
      if (linkPeer === undefined) {
        parsePid(options.linkTo, 'spawn linked');
        throw new NoSuchProcessError(options.linkTo, 'spawn linked');
      }
    }
    if (options.name !== undefined) {
      checkName(options.name, 'spawn');
      const holder = this.names.whereis(options.name);
      if (holder !== undefined) throw new NameTakenError(options.name, holder.pid);
    }
    // A process's own spawn (ctx.runtime.spawn…) inherits its principal: spawning never sheds or raises rights.
    const principal = options.principal === undefined ? (this.dispatch.inBody?.x?.principal ?? undefined) : this.principals.check(options.principal);
    const pid = formatPid(this.node, ++this.pidSeq);
    const p = new Proc(this.dispatch, pid);
    if (options.trapLinks) p.trapLinks = true;
    if (options.trapCancel) p.trapCancel = true;
    if (principal !== undefined) p.extra().principal = principal;
    if (options.mailbox !== undefined) p.extra().mailbox = mailboxOptions('spawnWith(): mailbox', options.mailbox);
    if (options.host !== undefined) {
      if (typeof options.host !== 'object' || options.host === null) throw new ArgumentError('host', `spawnWith(): host must be an object, got ${describeValue(options.host)}`);
      p.host = options.host;
    }
    p.body = fn !== null ? this.startFn(fn, p, args) : this.startBody(body!, p);
    this.procs.add(p);
    this.spawned++;
    if (options.name !== undefined) this.names.register(options.name, p);
    if (linkPeer !== undefined) this.exits.link(p, linkPeer);
    this.sched.enqueue(p);
    if (this.exits.observers.length > 0) this.exits.notify({ kind: 'spawn', pid });
    return pid;
  }

  run<A extends unknown[], R>(fn: Spawnable<A, R>, ...args: A): Promise<R> {
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
    return this.exits.addHook(this.local(pid, 'watch the exit of'), pid, hook);
  }

  observe(listener: (event: LifecycleEvent) => void): () => void {
    const list = this.exits.observers;
    list.push(listener);
    return () => {
      const i = list.indexOf(listener);
      if (i >= 0) list.splice(i, 1);
    };
  }

  isAlive(pid: Pid): boolean {
    return this.procs.has(pid);
  }

  processNames(): string[] {
    return [...this.processFns.keys()];
  }

  /** The live local process `pid`, undefined when it ended; BAD_PID when `pid` is not a PID. */
  private local(pid: Pid, doing: string): Proc | undefined {
    const p = this.procs.get(pid);
    if (p === undefined) parsePid(pid, doing);
    return p;
  }

  private isLocalNode(pid: Pid, doing: string): boolean {
    return parsePid(pid, doing).node === this.node;
  }

  // ---------------------------------------------------------------- messages

  send(to: Pid | string, topic: string, payload: unknown, from?: Pid): boolean {
    if (typeof topic !== 'string') throw new ArgumentError('topic', `send(): topic must be a string, got ${describeValue(topic)}`);
    let p = this.procs.get(to);
    if (p === undefined) {
      if (typeof to !== 'string' || to.startsWith('{')) {
        if (this.isLocalNode(to, 'send to')) return false;
        const msg: Message = from === undefined ? { topic, payload } : { topic, payload, from };
        return this.relay.send(to, msg);
      }
      p = this.names.whereis(to);
      if (p === undefined) throw new NoSuchNameError(to, 'send', this.names.names());
    }
    const r = this.postal.deliverParts(p, topic, payload, from, null);
    if (r === 'full') throw new MailboxFullError(p.pid, p.mailbox!.capacity);
    return true;
  }

  private deliverFor(plugin: string, pid: Pid, topic: string, payload: unknown, onTaken?: (taken: boolean) => void): DeliveryResult {
    if (typeof topic !== 'string') throw new ArgumentError('topic', `plugin "${plugin}": deliver(): topic must be a string, got ${describeValue(topic)}`);
    const p = this.procs.get(pid);
    if (p === undefined) {
      onTaken?.(false);
      return 'noproc';
    }
    return this.postal.deliverParts(p, topic, payload, undefined, onTaken ?? null);
  }

  register(name: string, pid: Pid): void {
    checkName(name, 'register');
    const p = this.local(pid, 'register');
    if (p === undefined) throw new NoSuchProcessError(pid, `register "${name}" for`);
    this.names.register(name, p);
  }

  unregister(name: string): boolean {
    return this.names.unregister(checkName(name, 'unregister'));
  }

  whereis(name: string): Pid | undefined {
    return this.names.whereis(checkName(name, 'whereis'))?.pid;
  }

  terminate(pid: Pid): boolean {
    const p = this.local(pid, 'terminate');
    if (p === undefined) return false;
    this.exits.finish(p, { kind: 'terminated' }, true);
    return true;
  }

  cancel(pid: Pid, reason: unknown = 'cancelled'): boolean {
    const p = this.local(pid, 'cancel');
    if (p === undefined) return false;
    this.exits.cancel(p, reason);
    return true;
  }

  monitor(watcher: Pid, target: Pid): number {
    const w = this.local(watcher, 'monitor from');
    if (w === undefined) throw new NoSuchProcessError(watcher, 'monitor from');
    const t = this.procs.get(target);
    if (t === undefined && !this.isLocalNode(target, 'monitor')) {
      const ref = this.exits.monitor(w, target, undefined);
      return ref;
    }
    return this.exits.monitor(w, target, t);
  }

  demonitor(watcher: Pid, ref: number): boolean {
    const w = this.procs.get(watcher);
    return w === undefined ? false : this.exits.demonitor(w, ref);
  }

  link(a: Pid, b: Pid): void {
    const pa = this.local(a, 'link');
    if (pa === undefined) throw new NoSuchProcessError(a, 'link');
    const pb = this.local(b, 'link to');
    if (pb === undefined) {
      if (!this.isLocalNode(b, 'link to') && this.relay.link(a, b)) return;
      throw new NoSuchProcessError(b, 'link to');
    }
    this.exits.link(pa, pb);
  }

  unlink(a: Pid, b: Pid): void {
    const pa = this.procs.get(a);
    const pb = this.procs.get(b);
    if (pa !== undefined && pb !== undefined) this.exits.unlink(pa, pb);
  }

  stats(): RuntimeStats {
    const d = this.dispatch;
    const plugins: Record<string, Record<string, number>> = {};
    for (const [name, f] of this.pluginStats) {
      try {
        plugins[name] = f();
      } catch {
        plugins[name] = {};
      }
    }
    return {
      dispatched: d.dispatched,
      completed: d.completed,
      unknownCommands: d.unknownCommands,
      duplicateCompletions: d.duplicateCompletions,
      lateCompletions: d.lateCompletions,
      abandonHookErrors: d.abandonHookErrors,
      exitHookErrors: this.exits.hookErrors,
      processes: { live: this.procs.size, spawned: this.spawned, exited: this.exits.exited },
      resources: { live: this.resources.count(), byKind: this.resources.byKind(), disposeErrors: this.resources.disposeErrors },
      mailbox: { refused: this.postal.refused, dropped: this.postal.dropped },
      names: this.names.size,
      plugins,
    };
  }

  commands(): { plugin: string; ids: CommandID[] }[] {
    const byModule = this.claims.byModule();
    const order = this.boot?.order.map((c) => c.name) ?? this.plugins.map((p) => p.name);
    return order.map((plugin) => ({ plugin, ids: byModule.get(plugin) ?? [] }));
  }

  whenIdle(): Promise<void> {
    return this.sched.whenIdle();
  }
}

/** A synchronous iterator with next/throw/return; async generators and other thenables are refused. */
function isSyncIterator(v: unknown): v is ProcessBody {
  if (typeof v !== 'object' || v === null) return false;
  const b = v as Partial<ProcessBody> & { [Symbol.asyncIterator]?: unknown };
  return typeof b.next === 'function' && typeof b.throw === 'function' && typeof b.return === 'function' && b[Symbol.asyncIterator] === undefined;
}

