import type { ExitReason, Pid, ProcessContext, Runtime } from '@switchyard/runtime';
import { machine } from './core.js';
import { NoSuchMachineError } from './errors.js';
import { lookup, runtimeOf } from './registry.js';
import type { EventOf, EventsOf, InputOf, MachineInfo, MachineModule, MachineOptions, MachinePid, QueueOf } from './types.js';

/** Post `event` to queue `queue` of machine `pid` from outside any process. Throws when the inbox is full. */
export function postTo<M = MachineModule, K extends QueueOf<M> = QueueOf<M>>(rt: Runtime, pid: MachinePid<M>, queue: K, event: EventOf<EventsOf<M>, K>): void {
  const core = lookup(rt, pid);
  if (core === undefined) throw new NoSuchMachineError(pid, `post to queue "${String(queue)}"`);
  core.post(queue, event);
}

/** Post from inside a process: `post(ctx, pid, 'control', { … })`. Synchronous; throws when the inbox is full. */
export function post<M = MachineModule, K extends QueueOf<M> = QueueOf<M>>(ctx: ProcessContext, pid: MachinePid<M>, queue: K, event: EventOf<EventsOf<M>, K>): void {
  postTo<M, K>(runtimeOf(ctx), pid, queue, event);
}

/** A snapshot of a live machine (queue, status, what it waits on, inbox length), or undefined. */
export function inspect(rt: Runtime, pid: Pid): MachineInfo | undefined {
  return lookup(rt, pid)?.info();
}

/** A machine seen from outside: its PID plus typed post() and inspect(). */
export class MachineHandle<M extends MachineModule<string, unknown, unknown, object>> {
  constructor(
    readonly rt: Runtime,
    readonly pid: MachinePid<M>,
  ) {}

  post<K extends QueueOf<M>>(queue: K, event: EventOf<EventsOf<M>, K>): void {
    postTo<M, K>(this.rt, this.pid, queue, event);
  }

  /** Undefined once the machine has ended. */
  inspect(): MachineInfo | undefined {
    return inspect(this.rt, this.pid);
  }

  /** Resolves with the exit reason when the machine ends. */
  wait(): Promise<ExitReason> {
    return this.rt.wait(this.pid);
  }
}

/** Spawn a machine of `module` and get a handle to it. */
export function spawnMachine<M extends MachineModule<string, unknown, unknown, object>>(rt: Runtime, module: M, options: MachineOptions<InputOf<M>> = {}): MachineHandle<M> {
  const pid = rt.spawn(machine, module, options);
  return new MachineHandle<M>(rt, pid as MachinePid<M>);
}
