import type { AbandonHook, Command, HandlerContext, ResultReceiver, Tag } from '@switchyard/dispatcher';
import type { TimerId } from './clock.js';
import { YieldAbandonedError } from './errors.js';
import type { Mailbox } from './mailbox.js';
import type { ResourceEntry, ResourceOwner } from './resources.js';
import type { ExitReason, MailboxOptions, Pid, Principal, ProcessBody, ProcessContext, ProcessHost, Runtime } from './types.js';

export const READY = 1;
export const WAITING = 2;
export const RUNNING = 3;
export const DONE = 4;

/** The part of the kernel a process calls back into; kept small so Proc stays lean. */
export interface Kernel {
  readonly runtime: Runtime;
  accept(p: Proc): void;
  acceptMember(p: Proc, g: Group, index: number, data: unknown, error: unknown): void;
  /** A hosted process's yield completed. */
  hostCompleted(p: Proc, position: number, cmd: Command, data: unknown, error: unknown): void;
  duplicateCompletions: number;
  lateCompletions: number;
  completed: number;
  /** Abandon hooks that threw; each is isolated from the others. */
  abandonHookErrors: number;
}

/** No hook, one hook, or several: a single registration (the usual case) allocates no array. */
export type AbandonHooks = AbandonHook | AbandonHook[] | null;

export function addHook(hooks: AbandonHooks, hook: AbandonHook): AbandonHook | AbandonHook[] {
  if (hooks === null) return hook;
  if (typeof hooks === 'function') return [hooks, hook];
  hooks.push(hook);
  return hooks;
}

function callHook(k: Kernel, hook: AbandonHook, reason: Error): void {
  try {
    hook(reason);
  } catch {
    // One plugin's failing hook must not skip the others, nor break the exit in progress.
    k.abandonHookErrors++;
  }
}

/** Run the hooks taken off a yield, in registration order. */
export function runHooks(k: Kernel, hooks: AbandonHook | AbandonHook[], reason: Error): void {
  if (typeof hooks === 'function') callHook(k, hooks, reason);
  else for (const h of hooks) callHook(k, h, reason);
}

const TRAP_LINKS = 1;
const TRAP_CANCEL = 2;

export const MEMBER_PENDING = 0;
export const MEMBER_DONE = 1;
export const MEMBER_ABANDONED = 2;

/** The handler context of one member of all()/race(): its signal aborts when the member is no longer wanted. */
export class MemberCtx implements HandlerContext {
  state = MEMBER_PENDING;
  private controller: AbortController | null = null;
  private hooks: AbandonHooks = null;
  constructor(readonly proc: Proc) {}
  get pid(): Pid {
    return this.proc.pid;
  }
  get signal(): AbortSignal {
    if (this.controller === null) {
      this.controller = new AbortController();
      if (this.state === MEMBER_ABANDONED || this.proc.state === DONE) this.controller.abort(new YieldAbandonedError(`process ${this.proc.pid}: the yield was abandoned`));
    }
    return this.controller.signal;
  }
  onAbandon(hook: AbandonHook): void {
    if (this.state === MEMBER_PENDING && this.proc.state !== DONE) this.hooks = addHook(this.hooks, hook);
    else if (this.state !== MEMBER_DONE) callHook(this.proc.k, hook, new YieldAbandonedError(`process ${this.proc.pid}: the yield was abandoned`));
  }
  abandon(reason: Error): void {
    if (this.state !== MEMBER_PENDING) return;
    this.state = MEMBER_ABANDONED;
    this.controller?.abort(reason);
    const hooks = this.hooks;
    if (hooks !== null) {
      this.hooks = null;
      runHooks(this.proc.k, hooks, reason);
    }
  }
  /** Whether abandoning this member would reach a handler: a signal it has read or a hook it registered. */
  get watched(): boolean {
    return this.state === MEMBER_PENDING && (this.controller !== null || this.hooks !== null);
  }
  /** Completed: nobody will abort this member's signal or call its hooks any more. */
  done(): void {
    this.state = MEMBER_DONE;
    this.controller = null;
    this.hooks = null;
  }
}

/** One all()/race() in flight: members hold consecutive tags from firstTag. */
export class Group {
  settled = false;
  remaining: number;
  readonly results: unknown[];
  readonly members: MemberCtx[];
  constructor(
    readonly race: boolean,
    readonly firstTag: Tag,
    readonly commands: readonly Command[],
    proc: Proc,
  ) {
    const n = commands.length;
    this.remaining = n;
    this.results = race ? [] : new Array<unknown>(n);
    this.members = new Array<MemberCtx>(n);
    for (let i = 0; i < n; i++) this.members[i] = new MemberCtx(proc);
  }
  abandonPending(reason: Error): void {
    for (const m of this.members) m.abandon(reason);
  }
  /**
   * Abandon the members still pending; the reason (an Error, with its stack) is built only if
   * one of them has a signal to abort or abandon hooks to call: an all() whose members all completed builds none.
   */
  abandonRest(reason: () => Error): void {
    let r: Error | undefined;
    for (const m of this.members) {
      if (m.state !== MEMBER_PENDING) continue;
      if (m.watched) m.abandon((r ??= reason()));
      else m.state = MEMBER_ABANDONED;
    }
  }
}

/** Monitors and links, allocated only for processes that use them. */
export interface Topology {
  /** ref → watcher, for monitors on this process. */
  readonly monitors: Map<number, Proc>;
  /** ref → target, for monitors this process holds. */
  readonly watching: Map<number, Proc>;
  readonly links: Set<Proc>;
}

export type ExitHook = (reason: ExitReason) => void;

/** What few processes use, allocated on first need so an idle process stays small. */
export interface ProcExtra {
  exitHooks: ExitHook[] | null;
  topo: Topology | null;
  names: string[] | null;
  mailbox: MailboxOptions | null;
  /** The process-lifetime signal of ProcessContext. */
  life: AbortController | null;
  /** Who the process acts for; set at spawn, never changed. */
  principal: Principal | null;
  /** The host of a hosted process (spawnWith({ host })). */
  host: ProcessHost | null;
  /** How the process ends once the step running it returns (it was killed while running). */
  killPending: ExitReason | null;
  /** The newest resource the process owns (a chain through the entries). */
  owned: ResourceEntry | null;
  /** TRAP_LINKS | TRAP_CANCEL. */
  traps: number;
}

/**
 * One process. It is its own ProcessContext, HandlerContext and ResultReceiver, so neither a
 * spawn nor a yield allocates a context object.
 *
 * `signal` serves both: read by a handler (the process is not running then) it is the yield's
 * signal, created on first read, aborted when the process ends with the yield pending, dropped
 * when the yield completes; read by the process's own code (while it runs) it is the process's
 * lifetime signal. `onAbandon` is the handler's only: hooks on the pending yield, kept in one
 * field (a function, or an array from the second hook on), dropped when the yield completes.
 */
export class Proc implements ProcessContext, HandlerContext, ResultReceiver, ResourceOwner {
  state = READY;
  body: ProcessBody | null = null;
  nextTag = 1;
  waitTag = 0;
  group: Group | null = null;
  pendingCmd: Command | null = null;
  /** The result the next step resumes with: a value, or the error to throw when resIsError. */
  resValue: unknown = undefined;
  resIsError = false;
  mailbox: Mailbox | null = null;
  recvTag = 0;
  recvTopic: string | undefined = undefined;
  recvTimer: TimerId = undefined;
  controller: AbortController | null = null;
  /** The abandon hooks of the pending yield (onAbandon); dropped when it completes. */
  abandonHooks: AbandonHooks = null;
  /**
   * What few processes use (host, pending kill, owned resources, trap flags, links, names…):
   * every parked process pays for each field of its own, so these live here, made on first need.
   */
  x: ProcExtra | null = null;

  constructor(
    readonly k: Kernel,
    readonly pid: Pid,
  ) {}

  /** Who this process acts for; set at spawn, read-only (no setter: assignment throws). */
  get principal(): Principal | undefined {
    return this.x?.principal ?? undefined;
  }

  get trapLinks(): boolean {
    return this.x !== null && (this.x.traps & TRAP_LINKS) !== 0;
  }
  set trapLinks(on: boolean) {
    if (!on && this.x === null) return;
    const x = this.extra();
    x.traps = on ? x.traps | TRAP_LINKS : x.traps & ~TRAP_LINKS;
  }
  get trapCancel(): boolean {
    return this.x !== null && (this.x.traps & TRAP_CANCEL) !== 0;
  }
  set trapCancel(on: boolean) {
    if (!on && this.x === null) return;
    const x = this.extra();
    x.traps = on ? x.traps | TRAP_CANCEL : x.traps & ~TRAP_CANCEL;
  }

  get host(): ProcessHost | null {
    return this.x === null ? null : this.x.host;
  }
  set host(h: ProcessHost | null) {
    if (h !== null || this.x !== null) this.extra().host = h;
  }

  get killPending(): ExitReason | null {
    return this.x === null ? null : this.x.killPending;
  }
  set killPending(r: ExitReason | null) {
    if (r !== null || this.x !== null) this.extra().killPending = r;
  }

  get owned(): ResourceEntry | null {
    return this.x === null ? null : this.x.owned;
  }
  set owned(e: ResourceEntry | null) {
    if (e !== null || this.x !== null) this.extra().owned = e;
  }

  get runtime(): Runtime {
    return this.k.runtime;
  }

  get signal(): AbortSignal {
    if (this.state === RUNNING) return this.lifeSignal();
    if (this.controller === null) {
      this.controller = new AbortController();
      if (this.state === DONE) this.controller.abort(new YieldAbandonedError(`process ${this.pid} has ended`));
    }
    return this.controller.signal;
  }

  /**
   * A hook for the pending yield. On an ended process it runs at once; once the yield completed
   * (no yield pending) it is dropped, as it could never be called.
   */
  onAbandon(hook: AbandonHook): void {
    if (this.state === DONE) callHook(this.k, hook, new YieldAbandonedError(`process ${this.pid} has ended`));
    else if (this.waitTag !== 0) this.abandonHooks = addHook(this.abandonHooks, hook);
  }

  completeYield(tag: Tag, data: unknown, error?: unknown): void {
    const k = this.k;
    if (this.state === DONE) {
      k.lateCompletions++;
      return;
    }
    if (tag === this.waitTag && tag !== 0) {
      this.waitTag = 0;
      this.controller = null;
      this.abandonHooks = null;
      k.completed++;
      if (this.host !== null) k.hostCompleted(this, tag, this.pendingCmd!, data, error);
      if (error !== undefined && error !== null) {
        this.resIsError = true;
        this.resValue = error;
      } else {
        this.resValue = data;
      }
      k.accept(this);
      return;
    }
    const g = this.group;
    if (g !== null) {
      const i = tag - g.firstTag;
      if (i >= 0 && i < g.members.length) {
        k.acceptMember(this, g, i, data, error);
        return;
      }
    }
    k.duplicateCompletions++;
  }

  private lifeSignal(): AbortSignal {
    const x = this.extra();
    if (x.life === null) {
      x.life = new AbortController();
      if (this.state === DONE) x.life.abort(new YieldAbandonedError(`process ${this.pid} has ended`));
    }
    return x.life.signal;
  }

  extra(): ProcExtra {
    return (this.x ??= { exitHooks: null, topo: null, names: null, mailbox: null, life: null, principal: null, host: null, killPending: null, owned: null, traps: 0 });
  }

  topology(): Topology {
    const x = this.extra();
    return (x.topo ??= { monitors: new Map(), watching: new Map(), links: new Set() });
  }

  get topo(): Topology | null {
    return this.x === null ? null : this.x.topo;
  }
}
