import type { Command } from '@switchyard/dispatcher';
import {
  EVENTS_TOPIC,
  exitError,
  LinkedExitError,
  NullishFailureError,
  receive,
  type ExitReason,
  type Message,
  type Pid,
  type ProcessContext,
  type ProcessEvent,
  type Runtime,
} from '@switchyard/runtime';
import { ChildNotReadyError, ChildOpError, ChildStartError, MaxChildrenError, NoSuchSupervisorError, SupervisorIntensityError, SupervisorOpError } from './errors.js';
import { spawnProcess } from './names.js';
import { signalReady, tableOf, type Call, type Op, type Reply, type StartWaiter } from './registry.js';
import { normalizeChild, normalizeSpec, type NormalChild, type NormalSpec } from './spec.js';
import type { ChildCounts, ChildInfo, ChildSpec, DynamicSupervisorSpec, SupervisorEvent, SupervisorSpec } from './types.js';

/** Operations arrive on this topic (payload: a Call). */
export const CALL_TOPIC = '@sup/call';
/** A child started with awaitReady says it is ready (payload: its PID). */
export const READY_TOPIC = '@sup/ready';
/** A restart that failed is tried again (payload: the Child). */
const RETRY_TOPIC = '@sup/retry';
/** The reason a supervisor gives when it cancels a child. */
export const SHUTDOWN_REASON = 'shutdown';

type Gen<T = void> = Generator<Command, T, unknown>;

class Child {
  pid: Pid | undefined = undefined;
  status: 'running' | 'restarting' | 'stopped' = 'stopped';
  restarts = 0;
  removed = false;
  constructor(
    readonly spec: NormalChild,
    readonly args: readonly unknown[],
  ) {}
  get id(): string | undefined {
    return this.spec.id;
  }
}

/** Abnormal for a transient child: an error or a terminate. A normal return or a cancel (OTP's `shutdown`) is not. */
function abnormal(reason: ExitReason): boolean {
  return reason.kind === 'error' || reason.kind === 'terminated';
}

function isMonitorExit(msg: Message, pid: Pid): boolean {
  if (msg.topic !== EVENTS_TOPIC) return false;
  const e = msg.payload as ProcessEvent;
  return e.type === 'pid.exit' && e.pid === pid && e.link !== true;
}

/** Errors an operation answers with; anything else is a bug and fails the supervisor. */
function isOpError(e: unknown): boolean {
  return e instanceof ChildOpError || e instanceof ChildStartError || e instanceof MaxChildrenError || e instanceof SupervisorOpError || (e instanceof Error && (e as { code?: unknown }).code === 'BAD_CHILD_SPEC');
}

/**
 * The supervisor process. Spawn it with trapLinks and trapCancel (startSupervisor and
 * supervisorChild do); it sets both itself too.
 */
export function* supervise(ctx: ProcessContext, spec: SupervisorSpec | DynamicSupervisorSpec<never>): Gen<never> {
  ctx.trapLinks = true;
  ctx.trapCancel = true;
  const core = new SupervisorCore(ctx, normalizeSpec(spec));
  return yield* core.run();
}

class SupervisorCore {
  private readonly rt: Runtime;
  private readonly pid: Pid;
  /** Static children in start order. For a dynamic supervisor: its children in start order. */
  private children: Child[] = [];
  private readonly dynamicChildren = new Set<Child>();
  private readonly byPid = new Map<Pid, Child>();
  private restartTimes: number[] = [];
  /** Messages taken from the mailbox while waiting for one thing, to be handled afterwards in order. */
  private backlog: Message[] = [];
  private backlogHead = 0;
  private readonly pending = new Set<Call>();
  private readonly parent: Pid | undefined;
  private readonly dynamic: boolean;
  /** A child started with awaitReady that has not said it is ready yet. */
  private awaiting: Pid | undefined = undefined;

  constructor(
    private readonly ctx: ProcessContext,
    private readonly spec: NormalSpec,
  ) {
    this.rt = ctx.runtime;
    this.pid = ctx.pid;
    this.dynamic = spec.strategy === 'dynamic';
    this.parent = tableOf(this.rt).starting.get(this.pid)?.parent;
  }

  *run(): Gen<never> {
    const rt = this.rt;
    const table = tableOf(rt);
    table.supervisors.set(this.pid, { pid: this.pid, dynamic: this.dynamic, post: (call) => this.post(call) });
    rt.onExit(this.pid, (reason) => {
      table.supervisors.delete(this.pid);
      if (this.awaiting !== undefined) table.starting.delete(this.awaiting);
      const error = reason.kind === 'error' ? reason.error : exitError(this.pid, reason);
      for (const call of [...this.pending]) call.reply({ ok: false, error: error ?? new NoSuchSupervisorError(this.pid, call.op.op, true) });
    });
    if (this.spec.name !== undefined) rt.register(this.spec.name, this.pid);
    for (const s of this.spec.children) {
      const child = new Child(s, s.args);
      this.children.push(child);
      const error = yield* this.startChild(child, false);
      if (error !== undefined) {
        this.children = this.children.filter((c) => c !== child);
        yield* this.stopAll('start_failed');
        throw new ChildStartError(this.pid, s.id, error);
      }
    }
    signalReady(rt, this.pid);
    for (;;) {
      const msg = this.backlogHead < this.backlog.length ? this.takeBacklog() : yield* receive();
      yield* this.handle(msg);
    }
  }

  // ------------------------------------------------------------------ messages

  private takeBacklog(): Message {
    const msg = this.backlog[this.backlogHead]!;
    this.backlog[this.backlogHead++] = undefined as unknown as Message;
    if (this.backlogHead === this.backlog.length) {
      this.backlog = [];
      this.backlogHead = 0;
    }
    return msg;
  }

  private *handle(msg: Message): Gen {
    switch (msg.topic) {
      case EVENTS_TOPIC: {
        const e = msg.payload as ProcessEvent;
        if (e.type === 'pid.cancel') {
          yield* this.stopAll('cancelled');
          // Leave the way a process that does not trap cancels would: exit reason `cancelled`.
          this.ctx.trapCancel = false;
          this.rt.cancel(this.pid, e.reason);
          yield* receive();
          return;
        }
        if (e.link === true) {
          // As OTP: the parent's exit stops the supervisor; other linked processes' exits are ignored.
          if (e.pid === this.parent && e.reason.kind !== 'noproc') {
            yield* this.stopAll('parent');
            throw new LinkedExitError(e.pid, e.reason);
          }
          return;
        }
        const child = this.byPid.get(e.pid);
        if (child !== undefined && e.reason.kind !== 'noproc') yield* this.childExited(child, e.reason);
        return;
      }
      case CALL_TOPIC:
        yield* this.handleCall(msg.payload as Call);
        return;
      case RETRY_TOPIC: {
        const child = msg.payload as Child;
        if (!child.removed && child.status === 'restarting') yield* this.restart(child);
        return;
      }
      default:
        // A stray message (a late ready from a child that was stopped meanwhile, or a send by mistake).
        return;
    }
  }

  /** Wait for `pid`'s exit (its monitor message); undefined after `timeoutMs`. Other messages wait in the backlog. */
  private *awaitExit(pid: Pid, timeoutMs: number | undefined): Gen<ExitReason | undefined> {
    for (let i = this.backlogHead; i < this.backlog.length; i++) {
      const msg = this.backlog[i]!;
      if (isMonitorExit(msg, pid)) {
        this.backlog.splice(i, 1);
        return (msg.payload as { reason: ExitReason }).reason;
      }
    }
    const clock = this.rt.clock;
    const deadline = timeoutMs === undefined ? undefined : clock.now() + timeoutMs;
    for (;;) {
      let msg: Message;
      if (deadline === undefined) {
        msg = yield* receive();
      } else {
        const left = deadline - clock.now();
        if (left <= 0) return undefined;
        try {
          msg = yield* receive({ timeout: left });
        } catch (error) {
          if ((error as { code?: unknown }).code === 'RECEIVE_TIMEOUT') return undefined;
          throw error;
        }
      }
      if (isMonitorExit(msg, pid)) return (msg.payload as { reason: ExitReason }).reason;
      this.backlog.push(msg);
    }
  }

  /** Wait until a child started with awaitReady calls ready(ctx) (true) or ends (its exit reason). */
  private *awaitReady(pid: Pid): Gen<true | ExitReason> {
    for (;;) {
      const msg = yield* receive();
      if (msg.topic === READY_TOPIC && msg.payload === pid) return true;
      if (isMonitorExit(msg, pid)) return (msg.payload as { reason: ExitReason }).reason;
      this.backlog.push(msg);
    }
  }

  // ------------------------------------------------------------------ starting and stopping children

  /** Start one child; undefined when it runs, else the error. */
  private *startChild(child: Child, isRestart: boolean): Gen<unknown> {
    const rt = this.rt;
    const spec = child.spec;
    let pid: Pid;
    try {
      const trap = spec.fn === (supervise as unknown);
      const options = { linkTo: this.pid, ...(trap ? { trapLinks: true, trapCancel: true } : {}), ...(spec.name === undefined ? {} : { name: spec.name }) };
      pid = spawnProcess(rt, options, spec.fn, spec.process, child.args);
    } catch (error) {
      return this.startFailed(child, error);
    }
    rt.monitor(this.pid, pid);
    if (spec.awaitReady) {
      const self = this.pid;
      const waiter: StartWaiter = { parent: self, ready: () => rt.send(self, READY_TOPIC, pid) };
      tableOf(rt).starting.set(pid, waiter);
      this.awaiting = pid;
      const r = yield* this.awaitReady(pid);
      this.awaiting = undefined;
      tableOf(rt).starting.delete(pid);
      if (r !== true) {
        const error = r.kind === 'normal' ? new ChildNotReadyError(pid) : exitError(pid, r);
        return this.startFailed(child, error);
      }
    }
    child.pid = pid;
    child.status = 'running';
    this.byPid.set(pid, child);
    if (isRestart) {
      child.restarts++;
      this.emit({ kind: 'child.restart', data: { id: child.id, pid, restarts: child.restarts } });
    } else {
      this.emit({ kind: 'child.start', data: { id: child.id, pid } });
    }
    return undefined;
  }

  private startFailed(child: Child, error: unknown): unknown {
    const e = error ?? new NullishFailureError(undefined, `starting child "${child.spec.id}"`);
    this.emit({ kind: 'child.start_failed', data: { id: child.id, error: e } });
    return e;
  }

  /** Forget a running child's PID (it is stopping or has ended). */
  private detach(child: Child): Pid | undefined {
    const pid = child.pid;
    if (pid === undefined) return undefined;
    this.byPid.delete(pid);
    child.pid = undefined;
    child.status = 'stopped';
    return pid;
  }

  private remove(child: Child): void {
    child.removed = true;
    if (this.dynamic) this.dynamicChildren.delete(child);
    else this.children = this.children.filter((c) => c !== child);
  }

  /** Stop one child with its shutdown: cancel, wait, terminate (or terminate at once for 'brutal'). */
  private *stopChild(child: Child): Gen {
    const pid = this.detach(child);
    if (pid === undefined) return;
    const rt = this.rt;
    const shutdown = child.spec.shutdown;
    if (rt.isAlive(pid)) this.signalStop(pid, shutdown === 'brutal');
    let reason = yield* this.awaitExit(pid, rt.isAlive(pid) && typeof shutdown === 'number' ? shutdown : undefined);
    if (reason === undefined) {
      rt.terminate(pid);
      reason = yield* this.awaitExit(pid, undefined);
    }
    this.emit({ kind: 'child.exit', data: { id: child.id, pid, reason: reason!, bySupervisor: true } });
  }

  /**
   * Cancel (or terminate) a running child. The link is taken down first, so that an exit the
   * supervisor asked for does not come back as a second message; a child that traps the cancel
   * and lives on is linked again, so that it still dies with the supervisor.
   */
  private signalStop(pid: Pid, brutal: boolean): void {
    const rt = this.rt;
    rt.unlink(this.pid, pid);
    if (brutal) {
      rt.terminate(pid);
      return;
    }
    rt.cancel(pid, SHUTDOWN_REASON);
    if (rt.isAlive(pid)) rt.link(this.pid, pid);
  }

  /** Stop every child: reverse start order, one at a time; a dynamic supervisor's children all at once. */
  private *stopAll(why: 'cancelled' | 'intensity' | 'parent' | 'start_failed'): Gen {
    if (this.dynamic) yield* this.stopConcurrently([...this.dynamicChildren]);
    else for (const c of [...this.children].reverse()) yield* this.stopChild(c);
    this.emit({ kind: 'stop', data: { reason: why } });
  }

  private *stopConcurrently(children: readonly Child[]): Gen {
    const rt = this.rt;
    const shutdown = this.spec.template!.shutdown;
    const waiting = new Map<Pid, Child>();
    for (const c of children) {
      const pid = this.detach(c);
      if (pid === undefined) continue;
      waiting.set(pid, c);
      if (rt.isAlive(pid)) this.signalStop(pid, shutdown === 'brutal');
    }
    const clock = rt.clock;
    const deadline = typeof shutdown === 'number' ? clock.now() + shutdown : undefined;
    let killed = shutdown === 'brutal';
    const collect = (msg: Message): boolean => {
      if (msg.topic !== EVENTS_TOPIC) return false;
      const e = msg.payload as ProcessEvent;
      if (e.type !== 'pid.exit' || e.link === true) return false;
      const c = waiting.get(e.pid);
      if (c === undefined) return false;
      waiting.delete(e.pid);
      this.emit({ kind: 'child.exit', data: { id: undefined, pid: e.pid, reason: e.reason as ExitReason, bySupervisor: true } });
      return true;
    };
    if (waiting.size > 0) {
      const kept: Message[] = [];
      for (let i = this.backlogHead; i < this.backlog.length; i++) if (!collect(this.backlog[i]!)) kept.push(this.backlog[i]!);
      this.backlog = kept;
      this.backlogHead = 0;
    }
    while (waiting.size > 0) {
      let msg: Message;
      if (deadline === undefined || killed) {
        msg = yield* receive();
      } else {
        const left = deadline - clock.now();
        let got: Message | undefined;
        if (left > 0) {
          try {
            got = yield* receive({ timeout: left });
          } catch (error) {
            if ((error as { code?: unknown }).code !== 'RECEIVE_TIMEOUT') throw error;
          }
        }
        if (got === undefined) {
          // The deadline passed: terminate whoever has not exited yet, then wait for their exits.
          killed = true;
          for (const pid of waiting.keys()) rt.terminate(pid);
          continue;
        }
        msg = got;
      }
      if (!collect(msg)) this.backlog.push(msg);
    }
  }

  // ------------------------------------------------------------------ restarts

  private *childExited(child: Child, reason: ExitReason): Gen {
    const pid = this.detach(child)!;
    this.emit({ kind: 'child.exit', data: { id: child.id, pid, reason, bySupervisor: false } });
    const r = child.spec.restart;
    if (r === 'temporary' || (r === 'transient' && !abnormal(reason))) {
      // A stopped transient child keeps its spec (restartChild, or its group's restart, starts it again); others go.
      if (r === 'temporary' || this.dynamic) this.remove(child);
      return;
    }
    yield* this.restart(child);
  }

  /** Count a restart; false when that goes over the intensity. */
  private addRestart(): boolean {
    // No limit: nothing to remember (a list that only grows would make every restart slower).
    if (this.spec.maxRestarts === Infinity) return true;
    const now = this.rt.clock.now();
    const threshold = now - this.spec.periodMs;
    let i = 0;
    while (i < this.restartTimes.length && this.restartTimes[i]! < threshold) i++;
    if (i > 0) this.restartTimes = this.restartTimes.slice(i);
    this.restartTimes.push(now);
    return this.restartTimes.length <= this.spec.maxRestarts;
  }

  /** Restart `child` (and its group, by the strategy), or stop everything when the intensity is reached. */
  private *restart(child: Child): Gen {
    if (!this.addRestart()) {
      this.emit({ kind: 'intensity', data: { maxRestarts: this.spec.maxRestarts, periodMs: this.spec.periodMs, id: child.id } });
      yield* this.stopAll('intensity');
      throw new SupervisorIntensityError(this.pid, this.spec.maxRestarts, this.spec.periodMs, child.id);
    }
    let group: Child[];
    switch (this.spec.strategy) {
      case 'one_for_all':
        group = [...this.children];
        break;
      case 'rest_for_one':
        group = this.children.slice(this.children.indexOf(child));
        break;
      default:
        group = [child];
    }
    if (group.length > 1) {
      for (const c of [...group].reverse()) if (c !== child) yield* this.stopChild(c);
      for (const c of group) if (c !== child && c.spec.restart === 'temporary') this.remove(c);
      group = group.filter((c) => !c.removed);
    }
    for (const c of group) {
      c.status = 'restarting';
    }
    for (const c of group) {
      if (c.removed) continue;
      const error = yield* this.startChild(c, true);
      if (error !== undefined) {
        // As OTP: try again later (through the mailbox, so other messages are not starved); each try counts.
        for (const rest of group) if (rest.pid === undefined && rest !== c) rest.status = 'stopped';
        c.status = 'restarting';
        this.rt.send(this.pid, RETRY_TOPIC, c);
        return;
      }
    }
  }

  // ------------------------------------------------------------------ operations

  private post(call: Call): void {
    const reply = call.reply;
    const tracked: Call = {
      op: call.op,
      reply: (r: Reply) => {
        if (!this.pending.delete(tracked)) return;
        reply(r);
      },
    };
    this.pending.add(tracked);
    try {
      this.rt.send(this.pid, CALL_TOPIC, tracked);
    } catch (error) {
      this.pending.delete(tracked);
      throw error;
    }
  }

  private *handleCall(call: Call): Gen {
    let value: unknown;
    try {
      value = yield* this.operate(call.op);
    } catch (error) {
      if (!isOpError(error)) throw error;
      call.reply({ ok: false, error });
      return;
    }
    call.reply({ ok: true, value });
  }

  private findStatic(key: string, op: string): Child {
    if (this.dynamic) throw new SupervisorOpError(this.pid, op, 'a dynamic supervisor has no child ids (as OTP simple_one_for_one); use terminateChild with the child PID');
    const c = this.children.find((x) => x.id === key);
    if (c === undefined) throw new ChildOpError('CHILD_NOT_FOUND', this.pid, key, `${op}: no child "${key}" (children: ${this.children.map((x) => `"${x.id}"`).join(', ') || 'none'})`);
    return c;
  }

  private *operate(op: Op): Gen<unknown> {
    switch (op.op) {
      case 'startChild': {
        if (this.dynamic) throw new SupervisorOpError(this.pid, 'startChild', 'a dynamic supervisor starts children from its own spec: call startDynamicChild with the arguments');
        const spec = normalizeChild(op.spec as ChildSpec);
        const existing = this.children.find((c) => c.id === spec.id);
        if (existing !== undefined) {
          if (existing.pid !== undefined) {
            throw new ChildOpError('CHILD_ALREADY_STARTED', this.pid, spec.id!, `startChild: child "${spec.id}" is already running as ${existing.pid}`, existing.pid);
          }
          throw new ChildOpError('CHILD_ALREADY_PRESENT', this.pid, spec.id!, `startChild: child "${spec.id}" is already present (stopped); use restartChild, or deleteChild first`);
        }
        const child = new Child(spec, spec.args);
        const error = yield* this.startChild(child, false);
        if (error !== undefined) throw new ChildStartError(this.pid, spec.id, error);
        this.children.push(child);
        return child.pid;
      }
      case 'startDynamicChild': {
        if (!this.dynamic) throw new SupervisorOpError(this.pid, 'startDynamicChild', `strategy "${this.spec.strategy}" starts children from a child spec: call startChild`);
        if (this.dynamicChildren.size >= this.spec.maxChildren) throw new MaxChildrenError(this.pid, this.spec.maxChildren);
        const child = new Child(this.spec.template!, op.args);
        const error = yield* this.startChild(child, false);
        if (error !== undefined) throw new ChildStartError(this.pid, undefined, error);
        this.dynamicChildren.add(child);
        return child.pid;
      }
      case 'terminateChild': {
        if (this.dynamic) {
          const c = this.byPid.get(op.key);
          if (c === undefined) throw new ChildOpError('CHILD_NOT_FOUND', this.pid, op.key, `terminateChild: ${op.key} is not a child of this dynamic supervisor`);
          yield* this.stopChild(c);
          this.remove(c);
          return undefined;
        }
        const c = this.findStatic(op.key, 'terminateChild');
        yield* this.stopChild(c);
        c.status = 'stopped';
        if (c.spec.restart === 'temporary') this.remove(c);
        return undefined;
      }
      case 'restartChild': {
        const c = this.findStatic(op.key, 'restartChild');
        if (c.pid !== undefined) throw new ChildOpError('CHILD_RUNNING', this.pid, op.key, `restartChild: child "${op.key}" is running as ${c.pid}; terminateChild first`, c.pid);
        const error = yield* this.startChild(c, false);
        if (error !== undefined) throw new ChildStartError(this.pid, c.id, error);
        return c.pid;
      }
      case 'deleteChild': {
        const c = this.findStatic(op.key, 'deleteChild');
        if (c.pid !== undefined) throw new ChildOpError('CHILD_RUNNING', this.pid, op.key, `deleteChild: child "${op.key}" is running as ${c.pid}; terminateChild first`, c.pid);
        this.remove(c);
        return undefined;
      }
      case 'whichChildren':
        return this.list().map(
          (c): ChildInfo => ({ id: c.id, pid: c.pid, status: c.status, type: c.spec.type, restart: c.spec.restart, restarts: c.restarts }),
        );
      case 'countChildren': {
        const list = this.list();
        let active = 0;
        let supervisors = 0;
        for (const c of list) {
          if (c.pid !== undefined) active++;
          if (c.spec.type === 'supervisor') supervisors++;
        }
        // As OTP: a dynamic supervisor has one spec, however many children it runs.
        const counts: ChildCounts = { specs: this.dynamic ? 1 : list.length, active, supervisors, workers: list.length - supervisors };
        return counts;
      }
    }
  }

  private list(): readonly Child[] {
    return this.dynamic ? [...this.dynamicChildren] : this.children;
  }

  private emit(event: SupervisorEvent): void {
    this.rt.bus.send({ system: 'supervisor', kind: event.kind, path: this.pid, data: event.data });
  }
}
