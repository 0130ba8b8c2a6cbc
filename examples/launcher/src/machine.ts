import { changeQueue, defineMachine, events, finish } from '@switchyard/statemachine';
import { start, stop, type ChildExit, type ChildHandle, type OutputLine } from '@switchyard/plugin-exec';
import { startTimer, stopTimer, type TimerFired } from '@switchyard/plugin-clock';
import type { LauncherConfig, ServiceSpec } from './config.js';
import type { ServiceBoard, ServiceStatus } from './board.js';

/** Runtime message topics the machine routes to its queues. */
export const EXIT_TOPIC = 'launcher.exit';
export const WAKE_TOPIC = 'launcher.wake';
export const OUTPUT_TOPIC = 'launcher.output';

export type Action = 'start' | 'stop' | 'restart';

/** An event of the control queue: an action on services already resolved from `target`. */
export interface ControlEvent {
  readonly action: Action;
  readonly target: string;
  readonly services: readonly string[];
}

/** How the launcher ended: the machine's exit value. */
export interface LauncherSummary {
  readonly reason: string;
  readonly services: readonly ServiceStatus[];
}

/** What the machine knows about a service beyond the board: intent and restart history. */
interface Svc {
  readonly spec: ServiceSpec;
  /** Should be running (autostart, start, restart) or not (stop, failed, exited, shutdown). */
  wanted: boolean;
  /** Stop it, then start it again (a manual restart). */
  restartPending: boolean;
  /** Its running child (exec handle). */
  child: ChildHandle | null;
  /** Clock times of automatic restarts, for the restart-intensity window. */
  recent: number[];
  restartAt: number | null;
}

interface LauncherData {
  readonly board: ServiceBoard;
  readonly services: Map<string, Svc>;
  /** Child handle → service, for exit and output messages (bounded: old handles are dropped). */
  /** Service name by child handle id (handles are plain data: compare ids). */
  readonly byChild: Map<number, string>;
  /** The service process_start / process_stop work on, chosen by process_watch. */
  cursor: Svc | null;
  /** The earliest wake-up timer armed, clock time. */
  wakeAt: number | null;
  shuttingDown: boolean;
  shutdownReason: string;
  initialized: boolean;
}

const REMEMBER_CHILDREN = 1024;

function state(d: LauncherData, svc: Svc): ServiceStatus['state'] {
  return d.board.get(svc.spec.name).state;
}

function allDown(d: LauncherData): boolean {
  for (const svc of d.services.values()) if (svc.child !== null) return false;
  return true;
}

function done(d: LauncherData) {
  d.board.log({ event: 'launcher', what: 'stopped', reason: d.shutdownReason });
  const summary: LauncherSummary = { reason: d.shutdownReason, services: d.board.all() };
  return finish(summary);
}

/** An unexpected exit (or a failed start): restart with exponential backoff, or give up. */
function crashed(d: LauncherData, svc: Svc, now: number, lastExit: ServiceStatus['lastExit'], reason: string): void {
  const { name, restart } = svc.spec;
  const row = d.board.get(name);
  const base = { pid: null, startedAt: null, lastExit };
  if (restart.policy === 'never' || (restart.policy === 'on-failure' && lastExit?.code === 0)) {
    svc.wanted = false;
    d.board.update(name, { ...base, state: 'exited', restartAt: null }, { reason: `${reason}; restart policy "${restart.policy}"` });
    return;
  }
  svc.recent = svc.recent.filter((t) => now - t < restart.withinMs);
  if (svc.recent.length >= restart.maxRestarts) {
    svc.wanted = false;
    svc.restartAt = null;
    d.board.update(name, { ...base, state: 'failed', restartAt: null }, { reason: `${reason}; ${restart.maxRestarts} restarts within ${restart.withinMs} ms` });
    return;
  }
  const delay = Math.min(restart.backoffMs * 2 ** svc.recent.length, restart.maxBackoffMs);
  svc.recent.push(now);
  svc.restartAt = now + delay;
  d.board.update(name, { ...base, state: 'backoff', restartAt: svc.restartAt, restarts: row.restarts + 1 }, { delayMs: delay, reason });
}

function describeExit(e: ChildExit): string {
  return e.signal !== null ? `killed by ${e.signal}` : `exited with code ${String(e.code)}`;
}

/**
 * The service launcher of the seed, as one state machine. `startup` is the supervision
 * pass (process_watch decides, process_start / process_stop act); exits, timers and
 * commands arrive as events of their own queues and hand over to `startup` again.
 * Nothing polls: an exit is an exec exit message, a due restart a clock timer.
 */
export const launcherModule = defineMachine({
  name: 'launcher',
  data: (input: { config: LauncherConfig; board: ServiceBoard }): LauncherData => ({
    board: input.board,
    services: new Map(
      input.config.services.map((spec) => [spec.name, { spec, wanted: false, restartPending: false, child: null, recent: [], restartAt: null }] as const),
    ),
    byChild: new Map(),
    cursor: null,
    wakeAt: null,
    shuttingDown: false,
    shutdownReason: '',
    initialized: false,
  }),
  events: events<{ control: ControlEvent; exit: ChildExit; output: OutputLine; wake: TimerFired; shutdown: unknown }>(),
  routes: { [EXIT_TOPIC]: 'exit', [WAKE_TOPIC]: 'wake', [OUTPUT_TOPIC]: 'output' },
  cancelQueue: 'shutdown',
  queues: {
    startup: {
      start: (u) => {
        const d = u.data;
        if (!d.initialized) {
          d.initialized = true;
          for (const svc of d.services.values()) svc.wanted = svc.spec.autostart;
          d.board.log({ event: 'launcher', what: 'started' });
        }
        return 'process_watch';
      },

      /** Decide the next step for one service, or end the pass (arming a timer for the next restart). */
      process_watch: function* (u) {
        const d = u.data;
        const now = u.now;
        let next = Infinity;
        for (const svc of d.services.values()) {
          const s = state(d, svc);
          if (svc.wanted && !d.shuttingDown && (s === 'stopped' || (s === 'backoff' && svc.restartAt! <= now))) {
            d.cursor = svc;
            return 'process_start';
          }
          if ((!svc.wanted || svc.restartPending) && s === 'running') {
            d.cursor = svc;
            return 'process_stop';
          }
          if (svc.wanted && s === 'backoff' && svc.restartAt! < next) next = svc.restartAt!;
        }
        if (next !== Infinity && (d.wakeAt === null || next < d.wakeAt)) {
          d.wakeAt = next;
          yield* startTimer(Math.max(0, next - now), { topic: WAKE_TOPIC });
        }
        return null;
      },

      process_start: function* (u) {
        const d = u.data;
        const svc = d.cursor!;
        d.cursor = null;
        const { name, command, args, cwd, env, stopGraceMs } = svc.spec;
        svc.restartAt = null;
        d.board.update(name, { state: 'starting', restartAt: null });
        try {
          const c = yield* start(command, args, {
            cwd,
            env,
            exitTopic: EXIT_TOPIC,
            stdout: { lines: OUTPUT_TOPIC },
            stderr: { lines: OUTPUT_TOPIC },
            grace: stopGraceMs,
          });
          svc.child = c.child;
          d.byChild.set(c.child.id, name);
          if (d.byChild.size > REMEMBER_CHILDREN) d.byChild.delete(d.byChild.keys().next().value!);
          d.board.update(name, { state: 'running', pid: c.osPid, startedAt: u.now });
        } catch (error) {
          crashed(d, svc, u.now, null, `cannot start: ${(error as Error).message}`);
        }
        // `as const`: TypeScript widens a lone literal returned by a generator (see the statemachine README).
        return 'process_watch' as const;
      },

      // Windows has no SIGTERM a program can handle: stopping there is killing, without a grace period.
      process_stop: {
        win32: function* (u) {
          const svc = u.data.cursor!;
          u.data.cursor = null;
          if (svc.child !== null) yield* stop(svc.child, { grace: 0 });
          u.data.board.update(svc.spec.name, { state: 'stopping' });
          return 'process_watch' as const;
        },
        default: function* (u) {
          const svc = u.data.cursor!;
          u.data.cursor = null;
          if (svc.child !== null) yield* stop(svc.child, { grace: svc.spec.stopGraceMs });
          u.data.board.update(svc.spec.name, { state: 'stopping' });
          return 'process_watch' as const;
        },
      },
    },

    /** A child exited (exec exit message). */
    exit: {
      start: (u) => {
        const d = u.data;
        const e = u.event;
        const name = d.byChild.get(e.child.id);
        const svc = name === undefined ? undefined : d.services.get(name);
        if (svc === undefined || svc.child?.id !== e.child.id) return null;
        svc.child = null;
        const lastExit = { code: e.code, signal: e.signal };
        const s = state(d, svc);
        if (s === 'stopping' || svc.restartPending || !svc.wanted) {
          const reason = svc.restartPending ? 'restart' : e.killed ? `${describeExit(e)} after the grace period` : describeExit(e);
          svc.restartPending = false;
          d.board.update(svc.spec.name, { state: 'stopped', pid: null, startedAt: null, lastExit }, { reason });
        } else {
          crashed(d, svc, u.now, lastExit, describeExit(e));
        }
        if (d.shuttingDown) return allDown(d) ? done(d) : null;
        return changeQueue('startup');
      },
    },

    /** A restart is due (clock timer). */
    wake: {
      start: function* (u) {
        // A fired timer stays the machine's resource until stopped: free it, or every wake-up would keep one.
        yield* stopTimer(u.event.timer);
        u.data.wakeAt = null;
        return u.data.shuttingDown ? null : changeQueue('startup');
      },
    },

    /** start / stop / restart, posted by the API or the command line. */
    control: {
      start: (u) => {
        const d = u.data;
        const { action, target, services } = u.event;
        d.board.log({ event: 'action', action, target, services });
        if (d.shuttingDown) return null;
        for (const name of services) {
          const svc = d.services.get(name)!;
          const s = state(d, svc);
          if (action === 'stop') {
            svc.wanted = false;
            svc.restartPending = false;
            if (s === 'backoff') d.board.update(name, { state: 'stopped', restartAt: null }, { reason: 'stop requested' });
            continue;
          }
          svc.wanted = true;
          if (s === 'failed' || s === 'exited' || s === 'backoff') {
            // A manual start forgives the past: a fresh restart window.
            svc.recent = [];
            svc.restartAt = null;
            d.board.update(name, { state: 'stopped', restartAt: null }, { reason: `${action} requested` });
          } else if (action === 'restart' && s === 'running') {
            svc.restartPending = true;
          }
        }
        return changeQueue('startup');
      },
    },

    /** A line a service printed. */
    output: {
      start: (u) => {
        const name = u.data.byChild.get(u.event.child.id);
        if (name !== undefined) u.data.board.log({ event: 'output', service: name, stream: u.event.stream, line: u.event.line });
        return null;
      },
    },

    /** cancel() of the machine (Ctrl-C, SIGTERM, --duration, rt.stop()): stop every service, then finish. */
    shutdown: {
      start: (u) => {
        const d = u.data;
        if (d.shuttingDown) return null;
        d.shuttingDown = true;
        d.shutdownReason = typeof u.event === 'string' ? u.event : 'cancelled';
        d.board.log({ event: 'launcher', what: 'stopping', reason: d.shutdownReason });
        for (const svc of d.services.values()) {
          svc.wanted = false;
          svc.restartPending = false;
          if (state(d, svc) === 'backoff') d.board.update(svc.spec.name, { state: 'stopped', restartAt: null }, { reason: 'launcher stopping' });
        }
        return 'stop_all';
      },
      stop_all: function* (u) {
        const d = u.data;
        for (const svc of d.services.values()) {
          if (svc.child === null || state(d, svc) === 'stopping') continue;
          yield* stop(svc.child, { grace: process.platform === 'win32' ? 0 : svc.spec.stopGraceMs });
          d.board.update(svc.spec.name, { state: 'stopping' });
        }
        // The exit queue finishes the machine when the last one is down.
        return allDown(d) ? done(d) : null;
      },
    },
  },
});

export type LauncherModule = typeof launcherModule;
