import type { ExitReason, Pid, Plugin, ProcessContext, Runtime } from '@switchyard/runtime';
import { inspect, machine, postTo, type MachineInfo, type MachinePid } from '@switchyard/statemachine';
import { ExecCommand, execPlugin } from '@switchyard/plugin-exec';
import { ClockCommand, clockPlugin } from '@switchyard/plugin-clock';
import type { Command } from '@switchyard/dispatcher';
import { loadServices, type LauncherConfig } from './config.js';
import { formatLog, ServiceBoard, type LogRecord, type ServiceStatus } from './board.js';
import { launcherModule, type Action, type LauncherModule, type LauncherSummary } from './machine.js';

export interface LauncherAppOptions {
  /** Every log record (state changes, actions, service output). Default: key=value lines on stdout. */
  readonly log?: (record: LogRecord) => void;
}

/** A service's status with its uptime, for displays. */
export interface ServiceRow extends ServiceStatus {
  readonly uptimeMs: number | null;
}

/**
 * The launcher as a runtime definition (the shape `switchyard run` takes: name, plugins,
 * main, stopTimeoutMs, commandNames) plus what the CLI needs: the config, the board and
 * attach(), the control API.
 */
export interface LauncherApp {
  readonly name: string;
  readonly config: LauncherConfig;
  readonly board: ServiceBoard;
  readonly plugins: readonly Plugin[];
  /** The main process: the launcher machine. Ends (normally) once a cancel has stopped every service. */
  readonly main: (ctx: ProcessContext) => Generator<Command, unknown, unknown>;
  /** The longest stop grace period of any service, ms. */
  readonly maxGraceMs: number;
  /** Long enough for every service's grace period, with a margin: use it for the runtime. */
  readonly stopTimeoutMs: number;
  readonly commandNames: readonly Readonly<Record<string, number>>[];
  attach(rt: Runtime, pid: Pid): Launcher;
}

/** Load a services file and build the launcher app. Throws ServicesFileError for a bad file. */
export async function createLauncherApp(file: string, options: LauncherAppOptions = {}): Promise<LauncherApp> {
  const config = await loadServices(file);
  const board = new ServiceBoard(config.services);
  board.subscribe(options.log ?? ((record) => process.stdout.write(`${formatLog(record)}\n`)));
  const maxGraceMs = Math.max(...config.services.map((s) => s.stopGraceMs));
  return {
    name: 'launcher',
    config,
    board,
    plugins: [clockPlugin(), execPlugin()],
    main: (ctx) => machine(ctx, launcherModule, { input: { config, board } }),
    maxGraceMs,
    stopTimeoutMs: maxGraceMs + 2000,
    commandNames: [ClockCommand, ExecCommand],
    attach: (rt, pid) => new Launcher(rt, pid as MachinePid<LauncherModule>, board),
  };
}

/** Control of a running launcher: actions on one service, a group ("@name") or "all". */
export class Launcher {
  private readonly exited: Promise<ExitReason>;

  /** Attach right after spawning the launcher: its exit is watched from here on. */
  constructor(
    readonly rt: Runtime,
    readonly pid: MachinePid<LauncherModule>,
    readonly board: ServiceBoard,
  ) {
    this.exited = rt.wait(pid);
    // Callers of wait() see a rejection (no such process); nobody calling it is not an error.
    this.exited.catch(() => {});
  }

  /** Start services (a failed or exited one gets a fresh restart window). Throws UnknownTargetError. */
  start(target: string): void {
    this.act('start', target);
  }

  /** Stop services: SIGTERM, then SIGKILL after their grace period. */
  stop(target: string): void {
    this.act('stop', target);
  }

  /** Stop and start again (not counted as a restart). */
  restart(target: string): void {
    this.act('restart', target);
  }

  private act(action: Action, target: string): void {
    const services = this.board.resolve(target);
    postTo(this.rt, this.pid, 'control', { action, target, services });
  }

  /** Services with their uptime now. */
  status(target = 'all'): ServiceRow[] {
    const names = new Set(this.board.resolve(target));
    const now = this.rt.clock.now();
    return this.board
      .all()
      .filter((s) => names.has(s.name))
      .map((s) => ({ ...s, uptimeMs: s.state === 'running' && s.startedAt !== null ? now - s.startedAt : null }));
  }

  /** The machine itself: queue, status, what it waits on, inbox. */
  machine(): MachineInfo | undefined {
    return inspect(this.rt, this.pid);
  }

  /** Stop every service and the launcher (what Ctrl-C does). Resolves with the launcher's exit. */
  shutdown(reason = 'shutdown requested'): Promise<ExitReason> {
    const exit = this.wait();
    this.rt.cancel(this.pid, reason);
    return exit;
  }

  /** Resolves with the launcher's exit; its value is a LauncherSummary when it stopped normally. */
  wait(): Promise<ExitReason> {
    return this.exited;
  }
}

export type { LauncherSummary };
