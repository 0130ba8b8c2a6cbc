import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import { StringDecoder } from 'node:string_decoder';
import { SwitchyardError, type Handler, type HandlerContext, type ResultReceiver } from '@switchyard/dispatcher';
import type { Readable, Writable } from 'node:stream';
import type { Clock, PluginContext, Pid, ResourceTable, Runtime, TimerId } from '@switchyard/runtime';
import { adoptStream, type StreamHandle } from '@switchyard/plugin-stream';
import {
  DEFAULT_EXIT_TOPIC,
  ExecCommand,
  type ChildExit,
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

export type ExecErrorCode = 'SPAWN_FAILED' | 'NO_SUCH_CHILD' | 'STDIN_NOT_PIPED' | 'STDIN_CLOSED' | 'BAD_EXEC_OPTION';

export class ExecError extends SwitchyardError {
  constructor(code: ExecErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}

export interface ExecSettings {
  /** Default grace period between SIGTERM and SIGKILL, ms. */
  readonly grace: number;
  /** Default capture cap per stream, bytes. */
  readonly maxCapture: number;
}

/** Exited children a process can still wait() for; the oldest are forgotten beyond this. */
const KEEP_EXITED_PER_OWNER = 256;
/** A line longer than this is delivered in pieces, so one runaway line cannot eat memory. */
const MAX_LINE = 64 * 1024;
/** After 'exit', how long to wait for the pipes to close (a grandchild may hold them) before closing them. */
const CLOSE_AFTER_EXIT_MS = 250;

interface Waiter {
  readonly tag: number;
  readonly receiver: ResultReceiver;
  readonly signal: AbortSignal;
  readonly onAbort: () => void;
}

/** What happens to one output stream of a child. */
interface Sink {
  readonly stream: 'stdout' | 'stderr';
  readonly capture: { readonly cap: number; chunks: Buffer[]; size: number; truncated: boolean } | null;
  readonly lines: { readonly topic: string; readonly decoder: StringDecoder; partial: string } | null;
}

interface Child {
  readonly info: ChildInfo;
  readonly owner: Pid;
  readonly proc: ChildProcess;
  readonly grace: number;
  readonly exitTopic: string | null;
  readonly startedAt: number;
  readonly out: Sink | null;
  readonly err: Sink | null;
  spawned: boolean;
  exitCode: number | null;
  exitSignal: NodeJS.Signals | null;
  exited: boolean;
  exit: ChildExit | null;
  stopping: boolean;
  timedOut: boolean;
  killed: boolean;
  killTimer: TimerId;
  timeoutTimer: TimerId;
  waiters: Waiter[];
  readonly done: Promise<void>;
  finished: () => void;
}

/** The exec module's handlers and the children they own; one per runtime. */
export class ExecHandlers {
  private readonly clock: Clock;
  private readonly runtime: Runtime;
  private readonly resources: ResourceTable;
  private readonly settings: ExecSettings;
  private readonly children = new Map<number, Child>();
  /** Per owner, its children in start order (live and recently exited), so its end can stop them. */
  private readonly byOwner = new Map<Pid, { children: Child[]; disown: () => void }>();
  private nextId = 1;

  constructor(ctx: Pick<PluginContext, 'clock' | 'runtime' | 'resources'>, settings: ExecSettings) {
    this.resources = ctx.resources;
    this.clock = ctx.clock;
    this.runtime = ctx.runtime;
    this.settings = settings;
  }

  /** Children started and not yet exited. */
  get active(): number {
    let n = 0;
    for (const c of this.children.values()) if (!c.exited) n++;
    return n;
  }

  private check(options: StartOptions, what: string): void {
    const fail = (m: string): never => {
      throw new ExecError('BAD_EXEC_OPTION', `${what}: ${m}`);
    };
    if (typeof options !== 'object' || options === null) fail('options must be an object');
    const { cwd, env, stdin, timeout, grace, exitTopic } = options;
    if (cwd !== undefined && typeof cwd !== 'string') fail('cwd must be a string');
    if (env !== undefined && (typeof env !== 'object' || env === null)) fail('env must be an object of strings');
    for (const [k, v] of Object.entries(env ?? {})) if (v !== undefined && typeof v !== 'string') fail(`env.${k} must be a string`);
    if (stdin !== undefined && stdin !== 'ignore' && stdin !== 'pipe' && stdin !== 'stream' && typeof stdin !== 'string' && !(stdin instanceof Uint8Array)) {
      fail(`stdin must be 'ignore', 'pipe', 'stream', a string or bytes`);
    }
    for (const ms of [['timeout', timeout], ['grace', grace]] as const) {
      if (ms[1] !== undefined && !(typeof ms[1] === 'number' && ms[1] >= 0 && Number.isFinite(ms[1]))) fail(`${ms[0]} must be a finite number of ms >= 0, got ${String(ms[1])}`);
    }
    if (exitTopic !== undefined && exitTopic !== null && (typeof exitTopic !== 'string' || exitTopic === '')) fail('exitTopic must be a non-empty string or null');
    for (const s of ['stdout', 'stderr'] as const) checkOutput(options[s], `${what}: ${s}`);
  }

  /** Spawn and register a child; `ready` learns whether it started. */
  private launch(ctx: HandlerContext, command: string, args: readonly string[], options: StartOptions, run: boolean, ready: (error: unknown, child?: Child) => void): void {
    const what = `${run ? 'run' : 'start'}("${command}")`;
    this.check(options, what);
    const outMode = options.stdout ?? (run ? 'capture' : 'ignore');
    const errMode = options.stderr ?? (run ? 'capture' : 'ignore');
    const stdin = options.stdin ?? 'ignore';
    if (run && (stdin === 'stream' || outMode === 'stream' || errMode === 'stream')) {
      throw new ExecError('BAD_EXEC_OPTION', `${what}: 'stream' pipes are for start(); run() waits for the exit, and nobody would read them`);
    }
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
    const id = this.nextId++;
    let finished = () => {};
    const done = new Promise<void>((r) => (finished = r));
    // 'stream' pipes go into the resource table at once: owned by the caller, freed with it.
    const pipes: { stdin?: StreamHandle; stdout?: StreamHandle; stderr?: StreamHandle } = {};
    const adopt = (name: 'stdin' | 'stdout' | 'stderr', pipe: Readable | Writable | null) => {
      if (pipe !== null) pipes[name] = adoptStream(this.resources, ctx.pid, pipe, { name: `${name} of child ${id} ("${command}")` });
    };
    if (stdin === 'stream') adopt('stdin', proc.stdin);
    if (outMode === 'stream') adopt('stdout', proc.stdout);
    if (errMode === 'stream') adopt('stderr', proc.stderr);
    const child: Child = {
      info: Object.freeze({ child: id, osPid: proc.pid ?? 0, command, args, ...(Object.keys(pipes).length > 0 ? { pipes: Object.freeze(pipes) } : {}) }),
      owner: ctx.pid,
      proc,
      grace: options.grace ?? this.settings.grace,
      exitTopic: run ? null : options.exitTopic === undefined ? DEFAULT_EXIT_TOPIC : options.exitTopic,
      startedAt: this.clock.now(),
      out: this.sink('stdout', outMode),
      err: this.sink('stderr', errMode),
      spawned: false,
      exitCode: null,
      exitSignal: null,
      exited: false,
      exit: null,
      stopping: false,
      timedOut: false,
      killed: false,
      killTimer: undefined,
      timeoutTimer: undefined,
      waiters: [],
      done,
      finished,
    };
    // A broken pipe to a child that exited must not crash the runtime.
    proc.stdin?.on('error', () => {});
    this.wireOutput(child, proc.stdout, child.out);
    this.wireOutput(child, proc.stderr, child.err);
    proc.once('error', (error) => {
      if (child.spawned) return;
      // It never ran: forget it and fail the start.
      child.exited = true;
      this.children.delete(id);
      finished();
      ready(new ExecError('SPAWN_FAILED', `cannot start "${command}"${options.cwd ? ` in ${options.cwd}` : ''}: ${error.message}`, { cause: error }));
    });
    proc.once('spawn', () => {
      child.spawned = true;
      this.own(child);
      if (options.timeout !== undefined) {
        child.timeoutTimer = this.clock.setTimeout(() => {
          child.timeoutTimer = undefined;
          child.timedOut = true;
          this.stopChild(child, 'SIGTERM', child.grace);
        }, options.timeout);
      }
      if (stdin !== 'pipe' && stdin !== 'ignore' && stdin !== 'stream') proc.stdin?.end(stdin);
      ready(undefined, child);
    });
    proc.once('exit', (code, signal) => {
      child.exitCode = code;
      child.exitSignal = signal;
      // Output may still be in the pipes; 'close' comes when they are drained, unless a grandchild holds them.
      // (A 'stream' pipe is its owner's to read to the end or close.)
      const t = setTimeout(() => {
        if (outMode !== 'stream') proc.stdout?.destroy();
        if (errMode !== 'stream') proc.stderr?.destroy();
      }, CLOSE_AFTER_EXIT_MS);
      t.unref();
      proc.once('close', () => clearTimeout(t));
    });
    proc.once('close', () => {
      if (child.spawned) this.finalize(child);
    });
    this.children.set(id, child);
  }

  /** Tie the child to its owner: the owner's end stops it. */
  private own(child: Child): void {
    let entry = this.byOwner.get(child.owner);
    if (entry === undefined) {
      if (!this.runtime.isAlive(child.owner)) {
        // The owner ended while the child was starting.
        this.stopChild(child, 'SIGTERM', child.grace);
        return;
      }
      const owner = child.owner;
      const created: { children: Child[]; disown: () => void } = { children: [], disown: () => {} };
      created.disown = this.runtime.onExit(owner, () => this.ownerEnded(owner));
      this.byOwner.set(owner, (entry = created));
    }
    entry.children.push(child);
  }

  private ownerEnded(owner: Pid): void {
    const entry = this.byOwner.get(owner);
    this.byOwner.delete(owner);
    if (entry === undefined) return;
    for (const c of entry.children) {
      if (!c.exited) this.stopChild(c, 'SIGTERM', c.grace);
      else this.children.delete(c.info.child);
    }
  }

  private sink(stream: 'stdout' | 'stderr', mode: OutputMode): Sink | null {
    if (mode === 'ignore' || mode === 'inherit' || mode === 'stream') return null;
    if (mode === 'capture') return { stream, capture: { cap: this.settings.maxCapture, chunks: [], size: 0, truncated: false }, lines: null };
    if ('capture' in mode) return { stream, capture: { cap: mode.capture, chunks: [], size: 0, truncated: false }, lines: null };
    return { stream, capture: null, lines: { topic: mode.lines, decoder: new StringDecoder('utf8'), partial: '' } };
  }

  private wireOutput(child: Child, stream: NodeJS.ReadableStream | null, sink: Sink | null): void {
    if (stream === null || sink === null) return;
    stream.on('data', (chunk: Buffer) => {
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
        this.sendLine(child, sink, text.slice(0, nl));
        text = text.slice(nl + 1);
      }
      while (text.length > MAX_LINE) {
        this.sendLine(child, sink, text.slice(0, MAX_LINE));
        text = text.slice(MAX_LINE);
      }
      lines.partial = text;
    });
    stream.on('error', () => {});
  }

  private sendLine(child: Child, sink: Sink, raw: string): void {
    const line: OutputLine = { child: child.info.child, stream: sink.stream, line: raw.endsWith('\r') ? raw.slice(0, -1) : raw };
    this.runtime.send(child.owner, sink.lines!.topic, line);
  }

  private flushLines(child: Child, sink: Sink | null): void {
    const lines = sink?.lines;
    if (lines == null) return;
    const rest = lines.partial + lines.decoder.end();
    lines.partial = '';
    if (rest !== '') this.sendLine(child, sink!, rest);
  }

  private finalize(child: Child): void {
    if (child.exit !== null) return;
    child.exited = true;
    if (child.killTimer !== undefined) this.clock.clearTimeout(child.killTimer);
    if (child.timeoutTimer !== undefined) this.clock.clearTimeout(child.timeoutTimer);
    child.killTimer = child.timeoutTimer = undefined;
    this.flushLines(child, child.out);
    this.flushLines(child, child.err);
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
    if (child.exitTopic !== null) this.runtime.send(child.owner, child.exitTopic, exit);
    const entry = this.byOwner.get(child.owner);
    if (entry === undefined) {
      // Its owner is gone: nobody can wait for it any more.
      this.children.delete(child.info.child);
    } else {
      const exited = entry.children.filter((c) => c.exited);
      if (exited.length > KEEP_EXITED_PER_OWNER) {
        const drop = exited[0]!;
        entry.children.splice(entry.children.indexOf(drop), 1);
        this.children.delete(drop.info.child);
      }
    }
    child.finished();
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
      if (child.exited || child.exitCode !== null || child.exitSignal !== null) return;
      child.killed = true;
      try {
        child.proc.kill('SIGKILL');
      } catch {
        // Already gone.
      }
    }, grace);
    return true;
  }

  private child(id: number, what: string): Child {
    const c = this.children.get(id);
    if (c === undefined) throw new ExecError('NO_SUCH_CHILD', `${what}: no child ${id} (never started here, or exited and forgotten since its owner ended)`);
    return c;
  }

  readonly start: Handler<StartCmd> = (ctx, cmd, tag, receiver) => {
    this.launch(ctx, cmd.command, cmd.args, cmd.options ?? {}, false, (error, child) => {
      if (error !== undefined) receiver.completeYield(tag, undefined, error);
      else receiver.completeYield(tag, child!.info);
    });
  };

  readonly run: Handler<RunCmd> = (ctx, cmd, tag, receiver) => {
    const signal = ctx.signal;
    this.launch(ctx, cmd.command, cmd.args, cmd.options ?? {}, true, (error, child) => {
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
    const c = this.child(cmd.child, 'wait');
    if (c.exit !== null) {
      receiver.completeYield(tag, c.exit);
      return;
    }
    const signal = ctx.signal;
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

  readonly kill: Handler<KillCmd> = (_ctx, cmd, tag, receiver) => {
    const c = this.child(cmd.child, 'kill');
    if (c.exited || c.exitCode !== null || c.exitSignal !== null) {
      receiver.completeYield(tag, false);
      return;
    }
    receiver.completeYield(tag, c.proc.kill(cmd.signal));
  };

  readonly write: Handler<WriteCmd> = (_ctx, cmd, tag, receiver) => {
    const c = this.child(cmd.child, 'writeStdin');
    const stdin = c.proc.stdin;
    if (stdin === null) throw new ExecError('STDIN_NOT_PIPED', `writeStdin: child ${cmd.child} ("${c.info.command}") was not started with stdin: 'pipe'`);
    if (c.exited || stdin.writableEnded || stdin.destroyed) throw new ExecError('STDIN_CLOSED', `writeStdin: the stdin of child ${cmd.child} ("${c.info.command}") is closed`);
    stdin.write(cmd.data, (error) => {
      if (error) receiver.completeYield(tag, undefined, new ExecError('STDIN_CLOSED', `writeStdin: child ${cmd.child} ("${c.info.command}"): ${error.message}`, { cause: error }));
      else receiver.completeYield(tag, undefined);
    });
  };

  readonly closeStdin: Handler<CloseStdinCmd> = (_ctx, cmd, tag, receiver) => {
    const c = this.child(cmd.child, 'closeStdin');
    const stdin = c.proc.stdin;
    if (stdin === null) throw new ExecError('STDIN_NOT_PIPED', `closeStdin: child ${cmd.child} ("${c.info.command}") was not started with stdin: 'pipe'`);
    if (stdin.writableEnded || stdin.destroyed) {
      receiver.completeYield(tag, undefined);
      return;
    }
    stdin.end(() => receiver.completeYield(tag, undefined));
  };

  readonly stop: Handler<StopCmd> = (_ctx, cmd, tag, receiver) => {
    const c = this.child(cmd.child, 'stop');
    receiver.completeYield(tag, this.stopChild(c, cmd.signal ?? 'SIGTERM', cmd.grace ?? c.grace));
  };

  /** At shutdown: stop every child still running and wait for all of them to exit. */
  async dispose(): Promise<void> {
    const live = [...this.children.values()].filter((c) => !c.exited);
    for (const c of live) this.stopChild(c, 'SIGTERM', c.grace);
    await Promise.all(live.map((c) => c.done));
    for (const entry of this.byOwner.values()) entry.disown();
    this.byOwner.clear();
    this.children.clear();
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
  // 'capture', 'stream' and { lines } all read a pipe.
  return mode === 'ignore' ? 'ignore' : mode === 'inherit' ? 'inherit' : 'pipe';
}

function checkOutput(mode: unknown, what: string): void {
  if (mode === undefined || mode === 'ignore' || mode === 'inherit' || mode === 'capture' || mode === 'stream') return;
  if (typeof mode === 'object' && mode !== null) {
    const m = mode as { capture?: unknown; lines?: unknown };
    if ('capture' in m && Number.isInteger(m.capture) && (m.capture as number) >= 0) return;
    if ('lines' in m && typeof m.lines === 'string' && m.lines !== '') return;
  }
  throw new ExecError('BAD_EXEC_OPTION', `${what} must be 'ignore', 'inherit', 'capture', 'stream', { capture: maxBytes } or { lines: topic }`);
}

function captured(stream: 'stdout' | 'stderr', sink: Sink | null): Partial<ChildExit> {
  const cap = sink?.capture;
  if (cap == null) return {};
  const text = Buffer.concat(cap.chunks).toString('utf8');
  return stream === 'stdout' ? { stdout: text, stdoutTruncated: cap.truncated } : { stderr: text, stderrTruncated: cap.truncated };
}
