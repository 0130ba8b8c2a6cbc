import { UnknownCommandError, type Command, type Registry } from '@switchyard/dispatcher';
import { describeValue } from '@switchyard/errors';
import { CoreCommand } from './core.js';
import { BadYieldError, NullishFailureError, YieldAbandonedError } from './errors.js';
import { DONE, Group, MEMBER_DONE, MEMBER_PENDING, READY, RUNNING, WAITING, type Kernel, type Proc } from './proc.js';
import type { Scheduler } from './scheduler.js';
import type { ExitReason, HostAnswer, ProcessBody, Runtime } from './types.js';

/** Steps a process may take at once while its handlers complete synchronously. */
const SYNC_STEPS = 64;

/**
 * %GeneratorPrototype% and its next()/throw(). The runtime resumes a process body by calling them
 * directly instead of loading `body.next`: every generator function gives its generator objects
 * their own hidden class, so that load sees as many classes as an application has kinds of
 * process (and one more per closure), which makes it polymorphic and sends optimized code back
 * to the interpreter each time a new one shows up. A body that does not inherit from this
 * realm's %GeneratorPrototype% (a stepBody driver, a hand-written iterator, a generator of a
 * vm context) is wrapped once, at its first step, in a generator that delegates to it with
 * `yield*` (see foreignBody). A generator object whose own `next` was replaced is resumed by
 * the builtin all the same.
 */
const GENERATOR_PROTO = Object.getPrototypeOf(function* () {}).prototype as Generator;
const GENERATOR_NEXT = GENERATOR_PROTO.next as (this: ProcessBody, v: unknown) => IteratorResult<unknown, unknown>;
const GENERATOR_THROW = GENERATOR_PROTO.throw as (this: ProcessBody, e: unknown) => IteratorResult<unknown, unknown>;
const isPrototypeOf = Object.prototype.isPrototypeOf;

/**
 * A generator that delegates next/throw/return to a body that is not one. `yield*` hands the
 * body's results through unchanged and forwards throw() and return(); it sends `undefined` to the
 * body's first next(), which is what the first step of a process sends.
 */
function* foreignBody(body: ProcessBody): Generator<Command, unknown, unknown> {
  return yield* { [Symbol.iterator]: () => body };
}

/** The exit reason of every process that returns nothing (shared: exit reasons are read-only). */
const NORMAL_EXIT: ExitReason = Object.freeze({ kind: 'normal', value: undefined });

/** Where a process goes when its body returns, throws or is killed. */
export interface ExitSink {
  finish(p: Proc, reason: ExitReason, suspended: boolean): void;
}

/**
 * Steps processes and routes what they yield: one handler call per command, the all()/race()
 * fan-out, hosted interception, and the completions that make processes ready again.
 */
export class Dispatch implements Kernel {
  dispatched = 0;
  completed = 0;
  unknownCommands = 0;
  duplicateCompletions = 0;
  lateCompletions = 0;
  abandonHookErrors = 0;
  sched!: Scheduler;
  exits!: ExitSink;
  /** The process whose own code runs right now (inside next/throw), for spawns it makes through ctx.runtime. */
  inBody: Proc | null = null;

  constructor(
    readonly runtime: Runtime,
    private readonly registry: Registry,
  ) {}

  /** A completion arrived for the tag the process waits on. */
  accept(p: Proc): void {
    if (p.state !== WAITING) return;
    p.state = READY;
    // Completed synchronously by the handler of the command being dispatched, with no other
    // process ready: it would be the next to run anyway, so step() resumes it at once instead of
    // a trip through the run queue (FIFO order, one step per turn, is unchanged).
    if (p === this.dispatching && this.sched.empty) this.syncReady = true;
    else this.sched.enqueue(p);
  }

  /** The process whose command is being dispatched right now (its handler is running). */
  private dispatching: Proc | null = null;
  /** Set when that process's yield completed before its handler returned. */
  private syncReady = false;

  /**
   * Run a ready process until it waits: each yield whose handler completes synchronously while
   * no other process is ready resumes it at once, up to SYNC_STEPS steps; then it goes through the
   * run queue so the batch can look at the clock.
   * The process is never re-entered: it resumes only after its handler has returned.
   */
  step(p: Proc): void {
    // One function for the whole loop (no stepOnce per step): the optimizing compiler builds it
    // once instead of once for the loop and again for the step it inlines.
    for (let budget = SYNC_STEPS; ; ) {
      p.state = RUNNING;
      let body = p.body!;
      const delivered = p.pendingCmd;
      p.pendingCmd = null;
      let r: IteratorResult<unknown, unknown>;
      this.inBody = p;
      try {
        const v = p.resValue;
        p.resValue = undefined;
        if (p.resIsError) {
          p.resIsError = false;
          r = GENERATOR_THROW.call(body, v);
        } else {
          // First step (no command dispatched yet, so no tag taken): a body that is not one of
          // this realm's generator objects is wrapped once (see foreignBody).
          if (p.nextTag === 1 && !isPrototypeOf.call(GENERATOR_PROTO, body)) body = p.body = foreignBody(body);
          r = GENERATOR_NEXT.call(body, v);
        }
      } catch (error) {
        this.inBody = null;
        if (delivered !== null) release(delivered);
        p.state = WAITING;
        this.exits.finish(p, p.killPending ?? { kind: 'error', error }, false);
        return;
      }
      this.inBody = null;
      if (delivered !== null) release(delivered);
      p.state = WAITING;
      if (p.killPending !== null) {
        this.exits.finish(p, p.killPending, !r.done);
        return;
      }
      if (r.done) {
        this.exits.finish(p, r.value === undefined ? NORMAL_EXIT : { kind: 'normal', value: r.value }, false);
        return;
      }
      this.dispatching = p;
      try {
        this.dispatch(p, r.value);
      } finally {
        this.dispatching = null;
      }
      if (!this.syncReady) return;
      this.syncReady = false;
      if (p.state !== READY) return;
      if (--budget === 0 || this.sched.stopped) {
        this.sched.push(p);
        return;
      }
    }
  }

  private dispatch(p: Proc, y: unknown): void {
    // `id` is read once: with many command classes every read of it is a megamorphic load.
    const id = typeof y === 'object' && y !== null ? (y as Command).id : undefined;
    if (typeof id !== 'number') {
      p.resIsError = true;
      p.resValue = new BadYieldError(`process ${p.pid} yielded ${yieldedWhat(y)}`);
      p.state = READY;
      this.sched.push(p);
      return;
    }
    const cmd = y as Command;
    this.dispatched++;
    const tag = p.nextTag++;
    p.pendingCmd = cmd;
    if (id === CoreCommand.All || id === CoreCommand.Race) {
      this.dispatchGroup(p, cmd as Command & { commands: readonly unknown[] }, id === CoreCommand.Race);
      return;
    }
    p.waitTag = tag;
    if (p.host !== null && this.answeredByHost(p, tag, cmd)) return;
    const h = this.registry.get(id);
    if (h === undefined) {
      this.unknownCommands++;
      p.completeYield(tag, undefined, new UnknownCommandError(id));
      return;
    }
    try {
      h(p, cmd, tag, p);
    } catch (error) {
      if (p.waitTag === tag) p.completeYield(tag, undefined, error ?? new NullishFailureError(id, 'the handler'));
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
    // Read once per group: a process's host is set at spawn and never changes.
    const hosted = p.host !== null;
    // A member's handler may end the process (terminate(self)): stop dispatching then.
    for (let i = 0; i < n && !g.settled && p.state !== DONE; i++) {
      const c = cmds[i] as unknown;
      const tag = g.firstTag + i;
      const m = g.members[i]!;
      const id = typeof c === 'object' && c !== null ? (c as Command).id : undefined;
      if (typeof id !== 'number') {
        this.acceptMember(p, g, i, undefined, new BadYieldError(`${isRace ? 'race' : 'all'}() member ${i} is ${describeValue(c)}, not a command`));
        continue;
      }
      if (i > 0) this.dispatched++;
      if (hosted && this.answeredByHost(p, tag, c as Command)) continue;
      const h = this.registry.get(id);
      if (h === undefined) {
        this.unknownCommands++;
        this.acceptMember(p, g, i, undefined, new UnknownCommandError(id));
        continue;
      }
      try {
        h(m, c as Command, tag, p);
      } catch (error) {
        if (m.state === MEMBER_PENDING) this.acceptMember(p, g, i, undefined, error ?? new NullishFailureError(id, 'the handler'));
      }
    }
    // Members never dispatched because the group settled early are abandoned too.
    // (An all() whose members all completed has none left to abandon: remaining counts only successes.)
    if (g.settled && g.remaining !== 0) g.abandonRest(() => new YieldAbandonedError(`process ${p.pid}: the ${isRace ? 'race' : 'all'}() settled before this member was dispatched`));
  }

  acceptMember(p: Proc, g: Group, i: number, data: unknown, error: unknown): void {
    const m = g.members[i]!;
    if (m.state !== MEMBER_PENDING) {
      if (m.state === MEMBER_DONE) this.duplicateCompletions++;
      else this.lateCompletions++;
      return;
    }
    m.done();
    this.completed++;
    if (p.host !== null) this.hostCompleted(p, g.firstTag + i, g.commands[i]!, data, error);
    const failed = error !== undefined && error !== null;
    if (g.race || failed) {
      g.settled = true;
      if (failed) {
        p.resIsError = true;
        p.resValue = error;
      } else {
        p.resValue = data;
      }
      g.abandonRest(() => new YieldAbandonedError(`process ${p.pid}: ${g.race ? 'lost the race' : 'another member of all() failed'}`));
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

  /** Ask the host first; an answer completes the yield (or member) without any handler. */
  private answeredByHost(p: Proc, position: number, cmd: Command): boolean {
    const host = p.host!;
    if (host.beforeDispatch === undefined) return false;
    let answer: HostAnswer | undefined;
    try {
      answer = host.beforeDispatch({ pid: p.pid, position, cmd });
    } catch (error) {
      answer = { ok: false, error };
    }
    if (answer === undefined) return false;
    const error = answer.ok ? undefined : (answer.error ?? new NullishFailureError(cmd.id, 'the process host'));
    p.completeYield(position, answer.ok ? answer.value : undefined, error);
    return true;
  }

  hostCompleted(p: Proc, position: number, cmd: Command, data: unknown, error: unknown): void {
    const host = p.host!;
    if (host.afterComplete === undefined) return;
    const failed = error !== undefined && error !== null;
    try {
      host.afterComplete({ pid: p.pid, position, cmd }, failed ? { ok: false, error } : { ok: true, value: data });
    } catch {
      // A host that fails to observe a completion cannot change the process's result.
    }
  }
}

/** Call a command's release() once its result is delivered; members of all()/race() too. */
export function release(cmd: Command): void {
  const id = cmd.id;
  if (id === CoreCommand.All || id === CoreCommand.Race) {
    const members = (cmd as Command & { commands?: readonly unknown[] }).commands;
    if (Array.isArray(members)) for (const m of members) if (typeof m === 'object' && m !== null) release(m as Command);
  }
  if (typeof cmd.release === 'function') cmd.release();
}

function yieldedWhat(v: unknown): string {
  if (v instanceof Promise || (typeof v === 'object' && v !== null && typeof (v as { then?: unknown }).then === 'function')) {
    return 'a Promise, which is not a command: a process cannot await. Yield a command instead, e.g. `yield* sleep(10)`, or do async work in a plugin handler';
  }
  const base = `${describeValue(v)}, which is not a command (an object with a numeric id)`;
  if (typeof v === 'object' && v !== null && typeof (v as Generator).next === 'function') return `a generator, ${base.slice(base.indexOf(','))}; did you mean yield* ?`;
  return `${base}; did you mean yield* ?`;
}
