import type { Command, HandlerContext, ResultReceiver, Tag } from '@switchyard/dispatcher';
import type { TimerId } from './clock.js';
import type { Runtime } from './runtime.js';
import type { ExitReason, Message, Pid, ProcessContext } from './types.js';

export const READY = 1;
export const WAITING = 2;
export const RUNNING = 3;
export const DONE = 4;

/** The part of the runtime a process calls back into; kept small so Proc stays lean. */
export interface ProcHost {
  readonly runtime: Runtime;
  accept(p: Proc): void;
  acceptMember(p: Proc, g: Group, index: number, data: unknown, error: unknown): void;
  duplicateCompletions: number;
  lateCompletions: number;
  completed: number;
}

export const MEMBER_PENDING = 0;
export const MEMBER_DONE = 1;
export const MEMBER_ABANDONED = 2;

/** The handler context of one member of all()/race(): its signal aborts when the member is no longer wanted. */
export class MemberCtx implements HandlerContext {
  state = MEMBER_PENDING;
  private controller: AbortController | null = null;
  constructor(readonly proc: Proc) {}
  get pid(): Pid {
    return this.proc.pid;
  }
  get signal(): AbortSignal {
    if (this.controller === null) {
      this.controller = new AbortController();
      if (this.state === MEMBER_ABANDONED || this.proc.state === DONE) this.controller.abort(new Error('yield abandoned'));
    }
    return this.controller.signal;
  }
  abandon(reason: unknown): void {
    if (this.state !== MEMBER_PENDING) return;
    this.state = MEMBER_ABANDONED;
    this.controller?.abort(reason);
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
  abandonPending(reason: unknown): void {
    for (const m of this.members) m.abandon(reason);
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

/**
 * One process. It is its own ProcessContext, HandlerContext and ResultReceiver, so a
 * yield allocates nothing beyond what the command itself needs.
 */
export class Proc implements ProcessContext, HandlerContext, ResultReceiver {
  state = READY;
  gen: Generator<unknown, unknown, unknown> | null = null;
  nextTag = 1;
  waitTag = 0;
  group: Group | null = null;
  pendingCmd: Command | null = null;
  resValue: unknown = undefined;
  resError: unknown = undefined;
  resIsError = false;
  mailbox: Message[] | null = null;
  recvTag = 0;
  recvTopic: string | undefined = undefined;
  recvTimer: TimerId = undefined;
  controller: AbortController | null = null;
  exitHooks: ExitHook[] | null = null;
  topo: Topology | null = null;
  killPending: ExitReason | null = null;
  exit: ExitReason | null = null;
  trapLinks = false;
  trapCancel = false;

  constructor(
    readonly host: ProcHost,
    readonly pid: Pid,
  ) {}

  get runtime(): Runtime {
    return this.host.runtime;
  }

  get signal(): AbortSignal {
    if (this.controller === null) {
      this.controller = new AbortController();
      if (this.state === DONE) this.controller.abort(new Error(`process ${this.pid} has ended`));
    }
    return this.controller.signal;
  }

  completeYield(tag: Tag, data: unknown, error?: unknown): void {
    const host = this.host;
    if (this.state === DONE) {
      host.lateCompletions++;
      return;
    }
    if (tag === this.waitTag && tag !== 0) {
      this.waitTag = 0;
      host.completed++;
      if (error !== undefined && error !== null) {
        this.resIsError = true;
        this.resError = error;
      } else {
        this.resValue = data;
      }
      host.accept(this);
      return;
    }
    const g = this.group;
    if (g !== null) {
      const i = tag - g.firstTag;
      if (i >= 0 && i < g.members.length) {
        host.acceptMember(this, g, i, data, error);
        return;
      }
    }
    host.duplicateCompletions++;
  }

  topology(): Topology {
    return (this.topo ??= { monitors: new Map(), watching: new Map(), links: new Set() });
  }
}
