import type { Clock } from './clock.js';
import type { Postal } from './delivery.js';
import { release, type ExitSink } from './dispatch.js';
import { LinkedExitError, NoSuchProcessError, YieldAbandonedError } from './errors.js';
import type { Names } from './names.js';
import { DONE, RUNNING, runHooks, type Proc } from './proc.js';
import type { ProcTable } from './proctable.js';
import type { Resources } from './resources.js';
import { EVENTS_TOPIC, type ExitReason, type LifecycleEvent, type Pid, type ProcessEvent } from './types.js';

interface PendingExit {
  readonly p: Proc;
  readonly reason: ExitReason;
  readonly suspended: boolean;
}

/**
 * How processes end and what their end does to others: monitors get pid.exit, linked processes
 * fail (or get pid.exit when they trap links), names are released, resources disposed.
 * Exits caused by other exits are processed from a work list, never by recursion, so a crash at
 * the head of a chain of any length ends it in one loop.
 */
export class Exits implements ExitSink {
  exited = 0;
  hookErrors = 0;
  private monitorSeq = 0;
  private readonly work: PendingExit[] = [];
  private draining = false;
  readonly observers: ((event: LifecycleEvent) => void)[] = [];

  constructor(
    private readonly procs: ProcTable,
    private readonly postal: Postal,
    private readonly resources: Resources,
    private readonly names: Names,
    private readonly clock: Clock,
    /** Called when the last process has ended (stop() waits for it). */
    private readonly onEmpty: () => void,
  ) {}

  /**
   * End a process. `suspended`: its body is parked at a yield, so return() it to run its finally
   * blocks. Safe to call from anywhere: a process being stepped right now ends as soon as its step returns.
   */
  finish(p: Proc, reason: ExitReason, suspended: boolean): void {
    if (p.state === DONE) return;
    if (p.state === RUNNING) {
      p.killPending ??= reason;
      return;
    }
    if (this.draining) {
      this.work.push({ p, reason, suspended });
      return;
    }
    this.draining = true;
    try {
      // The exit itself needs no work-list entry: only the exits it causes (linked processes) do.
      this.end(p, reason, suspended);
      for (let i = 0; i < this.work.length; i++) {
        const w = this.work[i]!;
        this.end(w.p, w.reason, w.suspended);
      }
    } finally {
      this.work.length = 0;
      this.draining = false;
    }
  }

  private end(p: Proc, reason: ExitReason, suspended: boolean): void {
    if (p.state === DONE) return;
    if (p.state === RUNNING) {
      p.killPending ??= reason;
      return;
    }
    p.state = DONE;
    this.procs.delete(p);
    this.exited++;
    p.waitTag = 0;
    const g = p.group;
    p.group = null;
    if (g !== null && !g.settled) g.abandonPending(new YieldAbandonedError(`process ${p.pid} has ended`));
    if (p.recvTimer !== undefined) this.clock.clearTimeout(p.recvTimer);
    p.recvTag = 0;
    p.recvTimer = undefined;
    const mb = p.mailbox;
    p.mailbox = null;
    if (mb !== null) mb.discard();
    // An Error captures a stack: only made when a signal or a hook exists to carry it.
    const hooks = p.abandonHooks;
    if (p.controller !== null || hooks !== null) {
      const why = new YieldAbandonedError(`process ${p.pid} has ended`);
      p.controller?.abort(why);
      p.controller = null;
      p.abandonHooks = null;
      if (hooks !== null) runHooks(p.k, hooks, why);
    }
    const x = p.x;
    x?.life?.abort(new YieldAbandonedError(`process ${p.pid} has ended`));
    if (suspended && p.body !== null) runFinally(p.body);
    p.body = null;
    const pending = p.pendingCmd;
    p.pendingCmd = null;
    if (pending !== null) release(pending);
    if (p.owned !== null) this.resources.disposeOwned(p);
    if (x !== null) {
      if (x.names !== null) this.names.releaseAll(x.names, p.pid);
      const topo = x.topo;
      if (topo !== null) {
        for (const [ref, target] of topo.watching) target.topo?.monitors.delete(ref);
        for (const [ref, watcher] of topo.monitors) {
          watcher.topo?.watching.delete(ref);
          const event: ProcessEvent = { type: 'pid.exit', pid: p.pid, reason, ref };
          this.postal.deliver(watcher, { topic: EVENTS_TOPIC, payload: event });
        }
        for (const peer of topo.links) {
          peer.topo?.links.delete(p);
          if (peer.state === DONE || reason.kind === 'normal') continue;
          if (peer.trapLinks) {
            const event: ProcessEvent = { type: 'pid.exit', pid: p.pid, reason, link: true };
            this.postal.deliver(peer, { topic: EVENTS_TOPIC, payload: event });
          } else {
            this.work.push({ p: peer, reason: { kind: 'error', error: new LinkedExitError(p.pid, reason) }, suspended: true });
          }
        }
      }
      const hooks = x.exitHooks;
      x.exitHooks = null;
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
    }
    if (p.host?.exited !== undefined) {
      try {
        p.host.exited(p.pid, reason);
      } catch {
        this.hookErrors++;
      }
    }
    if (this.observers.length > 0) this.notify({ kind: 'exit', pid: p.pid, reason });
    if (this.procs.size === 0) this.onEmpty();
  }

  notify(event: LifecycleEvent): void {
    for (const o of [...this.observers]) {
      try {
        o(event);
      } catch {
        // An observer's failure must not break the process lifecycle.
      }
    }
  }

  cancel(p: Proc, reason: unknown): void {
    if (p.trapCancel) {
      const event: ProcessEvent = { type: 'pid.cancel', pid: p.pid, reason };
      this.postal.deliver(p, { topic: EVENTS_TOPIC, payload: event });
    } else {
      this.finish(p, { kind: 'cancelled', reason }, true);
    }
  }

  monitor(w: Proc, target: Pid, t: Proc | undefined): number {
    const ref = ++this.monitorSeq;
    if (t === undefined) {
      const event: ProcessEvent = { type: 'pid.exit', pid: target, reason: { kind: 'noproc' }, ref };
      this.postal.deliver(w, { topic: EVENTS_TOPIC, payload: event });
      return ref;
    }
    t.topology().monitors.set(ref, w);
    w.topology().watching.set(ref, t);
    return ref;
  }

  demonitor(w: Proc, ref: number): boolean {
    const t = w.topo?.watching.get(ref);
    if (t === undefined) return false;
    w.topo!.watching.delete(ref);
    t.topo?.monitors.delete(ref);
    return true;
  }

  link(pa: Proc, pb: Proc): void {
    if (pa === pb) return;
    pa.topology().links.add(pb);
    pb.topology().links.add(pa);
  }

  unlink(pa: Proc, pb: Proc): void {
    pa.topo?.links.delete(pb);
    pb.topo?.links.delete(pa);
  }

  /** For onExit(): throws for a process that is not alive. */
  addHook(p: Proc | undefined, pid: Pid, hook: (reason: ExitReason) => void): () => void {
    if (p === undefined) throw new NoSuchProcessError(pid, 'watch the exit of');
    const hooks = (p.extra().exitHooks ??= []);
    hooks.push(hook);
    return () => {
      const i = hooks.indexOf(hook);
      if (i >= 0) hooks.splice(i, 1);
    };
  }
}

/** Run a suspended body's finally blocks. Yields inside them get no results (bounded). */
function runFinally(body: { return(v?: unknown): IteratorResult<unknown, unknown> }): void {
  try {
    let r = body.return(undefined);
    for (let i = 0; !r.done && i < 100; i++) r = body.return(undefined);
  } catch {
    // A throwing finally block cannot change how the process ended.
  }
}
