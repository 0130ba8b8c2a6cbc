import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import { StringDecoder } from 'node:string_decoder';
import type { Handler, ResultReceiver } from '@switchyard/dispatcher';
import { describeValue } from '@switchyard/errors';
import type { Clock, Pid, PluginContext, ResourceTable, TimerId } from '@switchyard/runtime';
import {
  DEFAULT_EXIT_TOPIC,
  ExecCommand,
  type ChildExit,
  type ChildHandle,
  type ChildInfo,
  type CloseStdinCmd,
  type KillCmd,
  type OutputLine,
  type OutputMode,
  type RunCmd,
  type StartCmd,
  type StartOptions,
  type StopCmd,
  type WaitCmd,
  type WriteCmd,
} from './commands.js';
import { ExecError } from './errors.js';

export interface ExecSettings {
  /** Default grace period between SIGTERM and SIGKILL, ms. */
  readonly grace: number;
  /** Default capture cap per stream, bytes. */
  readonly maxCapture: number;
  /** Messages (lines, exit) of one child delivered to its owner and not yet received; beyond it, reading the child's output pauses. */
  readonly maxUnread: number;
}

/** Counters of one installation, reported by setup's `stats` (`rt.stats().plugins.exec`). */
export type ExecStats = {
  /** Children started and not yet exited (including those stopping after their owner ended). */
  running: number;
  /** Exited children still in the resource table, waitable by their owner. */
  exited: number;
  started: number;
  /** Children whose output reading is paused because their owner has `maxUnread` messages unread. */
  paused: number;
  /** Line and exit messages put in the owner's mailbox. */
  delivered: number;
  /** Delivered messages the owner never received (dropped by its mailbox policy, or it ended). */
  dropped: number;
  /** Deliveries refused by a full mailbox (policy 'error'); they are retried, not lost. */
  refused: number;
};

/** Exited children an owner can still wait() for; the oldest are released beyond this. */
const KEEP_EXITED_PER_OWNER = 256;
/** A line longer than this is delivered in pieces, so one runaway line cannot eat memory. */
const MAX_LINE = 64 * 1024;
/** After 'exit', how long to wait for the pipes to close (a grandchild may hold them) before closing them. */
const CLOSE_AFTER_EXIT_MS = 250;
/** When the owner's mailbox is full of other messages, how soon to try again, ms (runtime clock). */
const RETRY_FULL_MS = 10;

interface Waiter {
  readonly tag: number;
  readonly receiver: ResultReceiver;
  /** The signal of the waiting yield, read when its handler ran. */
  readonly signal: AbortSignal;
  readonly onAbort: () => void;
}

/** What happens to one output stream of a child. */
interface Sink {
  readonly stream: 'stdout' | 'stderr';
  readonly source: NodeJS.ReadableStream | null;
  readonly capture: { readonly cap: number; chunks: Buffer[]; size: number; truncated: boolean } | null;
  readonly lines: { readonly topic: string; readonly decoder: StringDecoder; partial: string } | null;
}

interface Outgoing {
  readonly topic: string;
  readonly payload: OutputLine | ChildExit;
}

class Child {
  info!: ChildInfo;
  spawned = false;
  /** The OS process ended ('exit'); its output may still be draining. */
  procExited = false;
  exitCode: number | null = null;
  exitSignal: NodeJS.Signals | null = null;
  /** The exit is known and reported ('close': the pipes drained). */
  exited = false;
  exit: ChildExit | null = null;
  stopping = false;
  timedOut = false;
  killed = false;
  /** Its owner ended or closed it: output is discarded and no message goes out. */
  disowned = false;
  killTimer: TimerId = undefined;
  timeoutTimer: TimerId = undefined;
  retryTimer: TimerId = undefined;
  waiters: Waiter[] = [];
  out: Sink | null = null;
  err: Sink | null = null;
  /** Messages waiting for room in the owner's mailbox, in order (lines, then the exit). */
  readonly outbox: Outgoing[] = [];
  /** Delivered messages not yet received or discarded: the credit against maxUnread. */
  inFlight = 0;
  pumping = false;
  paused = false;
  /** The owner whose exited-children list holds this child. */
  keptBy: Pid | undefined = undefined;
  finished!: () => void;
  readonly done = new Promise<void>((r) => (this.finished = r));
  constructor(
    readonly proc: ChildProcess,
    /** The process messages go to: the handle's current owner, remembered once the handle is released. */
    public owner: Pid,
    readonly grace: number,
    readonly exitTopic: string | null,
    readonly startedAt: number,
    /** Started by run(): released from the table when it exits (nobody can wait for it again). */
    readonly byRun: boolean,
  ) {}
  get handle(): ChildHandle {
    return this.info.child;
  }
}

/**
 * The exec plugin's handlers and everything they share: created by `setup`, one per runtime the
 * plugin is installed in. Children live in the runtime's resource table (kind 'child').
 */
export class ExecHandlers {
  private readonly clock: Clock;
  private readonly resources: ResourceTable;
  private readonly deliver: PluginContext['deliver'];
  private readonly settings: ExecSettings;
  /** Children whose OS process may still run: what stop() waits for. */
  private readonly live = new Set<Child>();
  /** Per owner, its exited children still in the table, oldest first. */
  private readonly kept = new Map<Pid, Set<Child>>();
  /** Children with a retry timer armed (their owner's mailbox was full). */
  private readonly retrying = new Set<Child>();
  private readonly counts = { started: 0, delivered: 0, dropped: 0, refused: 0 };

  constructor(ctx: Pick<PluginContext, 'clock' | 'resources' | 'deliver'>, settings: ExecSettings) {
    this.clock = ctx.clock;
    this.resources = ctx.resources;
    this.deliver = ctx.deliver;
    this.settings = settings;
  }

  stats(): ExecStats {
    let running = 0;
    let paused = 0;
    for (const c of this.live) {
      if (!c.exited) running++;
      if (c.paused) paused++;
    }
    let exited = 0;
    for (const set of this.kept.values()) exited += set.size;
    return { running, exited, paused, ...this.counts };
  }

  private check(options: StartOptions, what: string): void {
    const fail = (m: string): never => {
      throw new ExecError('BAD_EXEC_OPTION', `${what}: ${m}`);
    };
    if (typeof options !== 'object' || options === null) fail(`options must be an object, got ${describeValue(options)}`);
    const { cwd, env, stdin, timeout, grace, exitTopic } = options;
    if (cwd !== undefined && typeof cwd !== 'string') fail(`cwd must be a string, got ${describeValue(cwd)}`);
    if (env !== undefined && (typeof env !== 'object' || env === null)) fail(`env must be an object of strings, got ${describeValue(env)}`);
    for (const [k, v] of Object.entries(env ?? {})) if (v !== undefined && typeof v !== 'string') fail(`env.${k} must be a string, got ${describeValue(v)}`);
    if (stdin !== undefined && stdin !== 'ignore' && stdin !== 'pipe' && typeof stdin !== 'string' && !(stdin instanceof Uint8Array)) {
      fail(`stdin must be 'ignore', 'pipe', a string or bytes, got ${describeValue(stdin)}`);
    }
    for (const ms of [['timeout', timeout], ['grace', grace]] as const) {
      if (ms[1] !== undefined && !(typeof ms[1] === 'number' && ms[1] >= 0 && Number.isFinite(ms[1]))) fail(`${ms[0]} must be a finite number of ms >= 0, got ${describeValue(ms[1])}`);
    }
    if (exitTopic !== undefined && exitTopic !== null && (typeof exitTopic !== 'string' || exitTopic === '')) fail(`exitTopic must be a non-empty string or null, got ${describeValue(exitTopic)}`);
    for (const s of ['stdout', 'stderr'] as const) checkOutput(options[s], `${what}: ${s}`);
  }

  /** Spawn a child owned by `owner` and put it in the resource table; `ready` learns whether it started. */
  private launch(owner: Pid, command: string, args: readonly string[], options: StartOptions, run: boolean, ready: (error: unknown, child?: Child) => void): void {
    const what = `${run ? 'run' : 'start'}("${command}")`;
    this.check(options, what);
    const outMode = options.stdout ?? (run ? 'capture' : 'ignore');
    const errMode = options.stderr ?? (run ? 'capture' : 'ignore');
    const stdin = options.stdin ?? 'ignore';
    const stdio: StdioOptions = [stdin === 'ignore' ? 'ignore' : 'pipe', stdioOf(outMode), stdioOf(errMode)];
    const env = options.inheritEnv === false ? {} : { ...process.env };
    for (const [k, v] of Object.entries(options.env ?? {})) {
      if (v === undefined) delete env[k];
      else env[k] = v;
    }
    let proc: ChildProcess;
    try {
      proc = spawn(command, [...args], { cwd: options.cwd, env, stdio, windowsHide: true });
    } catch (error) {
      throw new ExecError('SPAWN_FAILED', `cannot start "${command}": ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
    const exitTopic = run ? null : options.exitTopic === undefined ? DEFAULT_EXIT_TOPIC : options.exitTopic;
    const child = new Child(proc, owner, options.grace ?? this.settings.grace, exitTopic, this.clock.now(), run);
    // The owner is the yielding process, so it is alive: add() cannot fail here.
    const handle = this.resources.add(owner, 'child', child, (c) => this.disown(c));
    child.info = Object.freeze({ child: handle, osPid: proc.pid ?? 0, command, args });
    child.out = this.sink(child, 'stdout', outMode, proc.stdout);
    child.err = this.sink(child, 'stderr', errMode, proc.stderr);
    this.live.add(child);
    // A broken pipe to a child that exited must not crash the runtime.
    proc.stdin?.on('error', () => {});
    proc.once('error', (error) => {
      if (child.spawned) return;
      // It never ran: forget it and fail the start.
      child.exited = true;
      this.clearTimers(child);
      this.resources.release(handle);
      this.live.delete(child);
      child.finished();
      ready(new ExecError('SPAWN_FAILED', `cannot start "${command}"${options.cwd ? ` in ${options.cwd}` : ''}: ${error.message}`, { cause: error }));
    });
    proc.once('spawn', () => {
      child.spawned = true;
      this.counts.started++;
      // Its owner ended while it was starting: disown() already sent SIGTERM.
      if (child.disowned) return;
      if (options.timeout !== undefined) {
        child.timeoutTimer = this.clock.setTimeout(() => {
          child.timeoutTimer = undefined;
          child.timedOut = true;
          this.stopChild(child, 'SIGTERM', child.grace);
        }, options.timeout);
      }
      if (stdin !== 'pipe' && stdin !== 'ignore') proc.stdin?.end(stdin);
      ready(undefined, child);
    });
    proc.once('exit', (code, signal) => {
      child.procExited = true;
      child.exitCode = code;
      child.exitSignal = signal;
      // Nothing left to slow down: drain what is still in the pipes into the outbox.
      this.flow(child);
      // Output may still be in the pipes; 'close' comes when they are drained, unless a grandchild holds them.
      const t = setTimeout(() => {
        proc.stdout?.destroy();
        proc.stderr?.destroy();
      }, CLOSE_AFTER_EXIT_MS);
      t.unref();
      proc.once('close', () => clearTimeout(t));
    });
    proc.once('close', () => {
      if (child.spawned) this.finalize(child);
    });
  }

  private sink(child: Child, stream: 'stdout' | 'stderr', mode: OutputMode, source: NodeJS.ReadableStream | null): Sink | null {
    if (mode === 'ignore' || mode === 'inherit' || source === null) return null;
    let sink: Sink;
    if (mode === 'capture') sink = { stream, source, capture: { cap: this.settings.maxCapture, chunks: [], size: 0, truncated: false }, lines: null };
    else if ('capture' in mode) sink = { stream, source, capture: { cap: mode.capture, chunks: [], size: 0, truncated: false }, lines: null };
    else sink = { stream, source, capture: null, lines: { topic: mode.lines, decoder: new StringDecoder('utf8'), partial: '' } };
    source.on('data', (chunk: Buffer) => this.onData(child, sink, chunk));
    source.on('error', () => {});
    return sink;
  }

  private onData(child: Child, sink: Sink, chunk: Buffer): void {
    if (child.disowned) return;
    const cap = sink.capture;
    if (cap !== null) {
      const room = cap.cap - cap.size;
      if (room <= 0) {
        cap.truncated = true;
        return;
      }
      const part = chunk.length > room ? chunk.subarray(0, room) : chunk;
      if (part.length < chunk.length) cap.truncated = true;
      cap.chunks.push(part);
      cap.size += part.length;
      return;
    }
    const lines = sink.lines!;
    let text = lines.partial + lines.decoder.write(chunk);
    let nl: number;
    while ((nl = text.indexOf('\n')) >= 0) {
      this.queueLine(child, sink, text.slice(0, nl));
      text = text.slice(nl + 1);
    }
    while (text.length > MAX_LINE) {
      this.queueLine(child, sink, text.slice(0, MAX_LINE));
      text = text.slice(MAX_LINE);
    }
    lines.partial = text;
    this.pump(child);
  }

  private queueLine(child: Child, sink: Sink, raw: string): void {
    const line: OutputLine = { child: child.handle, stream: sink.stream, line: raw.endsWith('\r') ? raw.slice(0, -1) : raw };
    child.outbox.push({ topic: sink.lines!.topic, payload: line });
  }

  private flushLines(child: Child, sink: Sink | null): void {
    const lines = sink?.lines;
    if (lines == null) return;
    const rest = lines.partial + lines.decoder.end();
    lines.partial = '';
    if (rest !== '') this.queueLine(child, sink!, rest);
  }

  /**
   * Deliver the outbox in order while the owner has fewer than maxUnread of this child's messages
   * unread; what does not fit waits here, and reading the child's output pauses (see flow()).
   */
  private pump(c: Child): void {
    if (c.pumping || c.disowned) return;
    c.pumping = true;
    try {
      while (c.outbox.length > 0 && c.inFlight < this.settings.maxUnread && !c.disowned) {
        const owner = this.resources.ownerOf(c.handle) ?? c.owner;
        c.owner = owner;
        const m = c.outbox[0]!;
        let settled = false;
        c.inFlight++;
        const r = this.deliver(owner, m.topic, m.payload, (taken) => {
          if (settled) return;
          settled = true;
          c.inFlight--;
          if (!taken) this.counts.dropped++;
          if (c.outbox.length > 0) this.pump(c);
        });
        if (r === 'delivered' || r === 'dropped') {
          c.outbox.shift();
          if (r === 'delivered') this.counts.delivered++;
          continue;
        }
        if (!settled) {
          settled = true;
          c.inFlight--;
        }
        if (r === 'noproc') {
          // The owner is gone; its end disposes the child (or already did).
          c.outbox.length = 0;
          break;
        }
        // 'full': the mailbox refused it. A message of ours being taken frees room; without one in flight, poll.
        this.counts.refused++;
        if (c.inFlight === 0 && c.retryTimer === undefined) {
          this.retrying.add(c);
          c.retryTimer = this.clock.setTimeout(() => {
            c.retryTimer = undefined;
            this.retrying.delete(c);
            this.pump(c);
          }, RETRY_FULL_MS);
        }
        break;
      }
    } finally {
      c.pumping = false;
    }
    this.flow(c);
  }

  /** Back-pressure: stop reading the child's line output while messages wait in the outbox. */
  private flow(c: Child): void {
    const pause = c.outbox.length > 0 && !c.procExited && !c.disowned;
    if (pause === c.paused) return;
    c.paused = pause;
    for (const sink of [c.out, c.err]) {
      if (sink?.lines == null) continue;
      if (pause) sink.source?.pause();
      else sink.source?.resume();
    }
  }

  private finalize(child: Child): void {
    if (child.exit !== null) return;
    child.exited = true;
    this.clearTimers(child);
    this.live.delete(child);
    const exit: ChildExit = {
      ...child.info,
      code: child.exitCode,
      signal: child.exitSignal,
      timedOut: child.timedOut,
      stopped: child.stopping,
      killed: child.killed,
      durationMs: this.clock.now() - child.startedAt,
      ...captured('stdout', child.out),
      ...captured('stderr', child.err),
    };
    child.exit = exit;
    const waiters = child.waiters;
    child.waiters = [];
    for (const w of waiters) {
      w.signal.removeEventListener('abort', w.onAbort);
      w.receiver.completeYield(w.tag, exit);
    }
    if (!child.disowned) {
      this.flushLines(child, child.out);
      this.flushLines(child, child.err);
      if (child.exitTopic !== null) child.outbox.push({ topic: child.exitTopic, payload: exit });
      this.pump(child);
      if (child.byRun) this.resources.release(child.handle);
      else this.keep(child);
    }
    child.finished();
  }

  /** An exited child stays waitable by its owner, up to KEEP_EXITED_PER_OWNER (the oldest are released). */
  private keep(child: Child): void {
    const owner = this.resources.ownerOf(child.handle);
    if (owner === undefined) return;
    let set = this.kept.get(owner);
    if (set === undefined) this.kept.set(owner, (set = new Set()));
    set.add(child);
    child.keptBy = owner;
    if (set.size <= KEEP_EXITED_PER_OWNER) return;
    for (const c of set) {
      // Given away since: no longer this owner's to count.
      if (this.resources.ownerOf(c.handle) !== owner) {
        set.delete(c);
        c.keptBy = undefined;
      }
    }
    while (set.size > KEEP_EXITED_PER_OWNER) {
      const oldest = set.values().next().value!;
      set.delete(oldest);
      oldest.keptBy = undefined;
      this.resources.release(oldest.handle);
    }
  }

  /** The resource's dispose: its owner ended (or the table closed it). A running child is stopped. */
  private disown(c: Child): void {
    c.disowned = true;
    c.outbox.length = 0;
    this.cancelRetry(c);
    if (c.keptBy !== undefined) {
      const set = this.kept.get(c.keptBy);
      set?.delete(c);
      if (set?.size === 0) this.kept.delete(c.keptBy);
      c.keptBy = undefined;
    }
    // Keep reading (and discarding) its output, so a child that writes while stopping does not block on a full pipe.
    this.flow(c);
    if (!c.exited) this.stopChild(c, 'SIGTERM', c.grace);
  }

  private cancelRetry(c: Child): void {
    if (c.retryTimer === undefined) return;
    this.clock.clearTimeout(c.retryTimer);
    c.retryTimer = undefined;
    this.retrying.delete(c);
  }

  private clearTimers(c: Child): void {
    if (c.killTimer !== undefined) this.clock.clearTimeout(c.killTimer);
    if (c.timeoutTimer !== undefined) this.clock.clearTimeout(c.timeoutTimer);
    c.killTimer = c.timeoutTimer = undefined;
  }

  private stopChild(child: Child, signal: NodeJS.Signals, grace: number): boolean {
    if (child.exited || child.stopping) return false;
    child.stopping = true;
    try {
      child.proc.kill(signal);
    } catch {
      // Already gone: its exit is on the way.
    }
    child.killTimer = this.clock.setTimeout(() => {
      child.killTimer = undefined;
      if (child.exited || child.procExited) return;
      child.killed = true;
      try {
        child.proc.kill('SIGKILL');
      } catch {
        // Already gone.
      }
    }, grace);
    return true;
  }

  private child(pid: Pid, handle: unknown): Child {
    return this.resources.use<Child>(pid, handle, 'child');
  }

  readonly start: Handler<StartCmd> = (ctx, cmd, tag, receiver) => {
    this.launch(ctx.pid, cmd.command, cmd.args, cmd.options ?? {}, false, (error, child) => {
      if (error !== undefined) receiver.completeYield(tag, undefined, error);
      else receiver.completeYield(tag, child!.info);
    });
  };

  readonly run: Handler<RunCmd> = (ctx, cmd, tag, receiver) => {
    const signal = ctx.signal;
    this.launch(ctx.pid, cmd.command, cmd.args, cmd.options ?? {}, true, (error, child) => {
      if (error !== undefined) {
        receiver.completeYield(tag, undefined, error);
        return;
      }
      const c = child!;
      // The caller stopped waiting (it ended, or lost a race): the child is not wanted either.
      const waiter: Waiter = {
        tag,
        receiver,
        signal,
        onAbort: () => {
          const i = c.waiters.indexOf(waiter);
          if (i >= 0) c.waiters.splice(i, 1);
          this.stopChild(c, 'SIGTERM', c.grace);
        },
      };
      if (signal.aborted) {
        waiter.onAbort();
        return;
      }
      c.waiters.push(waiter);
      signal.addEventListener('abort', waiter.onAbort, { once: true });
    });
  };

  readonly wait: Handler<WaitCmd> = (ctx, cmd, tag, receiver) => {
    const signal = ctx.signal;
    const c = this.child(ctx.pid, cmd.child);
    if (c.exit !== null) {
      receiver.completeYield(tag, c.exit);
      return;
    }
    const waiter: Waiter = {
      tag,
      receiver,
      signal,
      onAbort: () => {
        const i = c.waiters.indexOf(waiter);
        if (i >= 0) c.waiters.splice(i, 1);
      },
    };
    c.waiters.push(waiter);
    signal.addEventListener('abort', waiter.onAbort, { once: true });
  };

  readonly kill: Handler<KillCmd> = (ctx, cmd, tag, receiver) => {
    const c = this.child(ctx.pid, cmd.child);
    if (c.exited || c.procExited) {
      receiver.completeYield(tag, false);
      return;
    }
    receiver.completeYield(tag, c.proc.kill(cmd.signal));
  };

  readonly write: Handler<WriteCmd> = (ctx, cmd, tag, receiver) => {
    const c = this.child(ctx.pid, cmd.child);
    const name = `child #${c.handle.id} ("${c.info.command}")`;
    const stdin = c.proc.stdin;
    if (stdin === null) throw new ExecError('STDIN_NOT_PIPED', `writeStdin: ${name} was not started with stdin: 'pipe'`);
    if (c.exited || stdin.writableEnded || stdin.destroyed) throw new ExecError('STDIN_CLOSED', `writeStdin: the stdin of ${name} is closed`);
    stdin.write(cmd.data, (error) => {
      if (error) receiver.completeYield(tag, undefined, new ExecError('STDIN_CLOSED', `writeStdin: ${name}: ${error.message}`, { cause: error }));
      else receiver.completeYield(tag, undefined);
    });
  };

  readonly closeStdin: Handler<CloseStdinCmd> = (ctx, cmd, tag, receiver) => {
    const c = this.child(ctx.pid, cmd.child);
    const stdin = c.proc.stdin;
    if (stdin === null) throw new ExecError('STDIN_NOT_PIPED', `closeStdin: child #${c.handle.id} ("${c.info.command}") was not started with stdin: 'pipe'`);
    if (stdin.writableEnded || stdin.destroyed) {
      receiver.completeYield(tag, undefined);
      return;
    }
    stdin.end(() => receiver.completeYield(tag, undefined));
  };

  readonly stop: Handler<StopCmd> = (ctx, cmd, tag, receiver) => {
    const c = this.child(ctx.pid, cmd.child);
    receiver.completeYield(tag, this.stopChild(c, cmd.signal ?? 'SIGTERM', cmd.grace ?? c.grace));
  };

  /**
   * At shutdown (every process has ended, so every child was disowned and is stopping): wait
   * for all of them to exit.
   */
  async dispose(): Promise<void> {
    const live = [...this.live];
    for (const c of live) {
      if (!c.disowned) this.disown(c);
    }
    await Promise.all(live.map((c) => c.done));
    // Output of run() children whose owner ended before it was delivered: nobody is left to get it.
    for (const c of [...this.retrying]) this.cancelRetry(c);
    this.live.clear();
    this.kept.clear();
  }

  get handlers() {
    return {
      [ExecCommand.ProcessWait]: this.wait,
      [ExecCommand.Start]: this.start,
      [ExecCommand.Kill]: this.kill,
      [ExecCommand.Write]: this.write,
      [ExecCommand.CloseStdin]: this.closeStdin,
      [ExecCommand.Stop]: this.stop,
      [ExecCommand.Run]: this.run,
    };
  }
}

function stdioOf(mode: OutputMode): 'ignore' | 'inherit' | 'pipe' {
  return mode === 'ignore' ? 'ignore' : mode === 'inherit' ? 'inherit' : 'pipe';
}

function checkOutput(mode: unknown, what: string): void {
  if (mode === undefined || mode === 'ignore' || mode === 'inherit' || mode === 'capture') return;
  if (typeof mode === 'object' && mode !== null) {
    const m = mode as { capture?: unknown; lines?: unknown };
    if ('capture' in m && Number.isInteger(m.capture) && (m.capture as number) >= 0) return;
    if ('lines' in m && typeof m.lines === 'string' && m.lines !== '') return;
  }
  throw new ExecError('BAD_EXEC_OPTION', `${what} must be 'ignore', 'inherit', 'capture', { capture: maxBytes } or { lines: topic }, got ${describeValue(mode)}`);
}

function captured(stream: 'stdout' | 'stderr', sink: Sink | null): Partial<ChildExit> {
  const cap = sink?.capture;
  if (cap == null) return {};
  const text = Buffer.concat(cap.chunks).toString('utf8');
  return stream === 'stdout' ? { stdout: text, stdoutTruncated: cap.truncated } : { stderr: text, stderrTruncated: cap.truncated };
}
