import type { Message, Pid } from './types.js';

/**
 * How a runtime reaches processes of other nodes. The runtime delivers to its own processes
 * directly and hands every PID of another node to its relay: sends, monitors and links. The
 * local relay (the default) knows no other node, so such a PID is simply not alive: a send
 * returns false, a monitor fires `noproc` at once, a link fails with NO_SUCH_PROCESS.
 * A broker-backed relay (NATS) implements the same three calls.
 */
export interface Relay {
  /** Deliver to a process of another node; false when it is not reachable or not alive. */
  send(to: Pid, message: Message): boolean;
  /** Watch a process of another node; false when it is not reachable (the watcher gets noproc). */
  monitor(watcher: Pid, target: Pid, ref: number): boolean;
  /** Link a local process to one of another node; false when it is not reachable. */
  link(local: Pid, remote: Pid): boolean;
}

/** The relay of a single-node runtime: no other node is reachable. */
export const localRelay: Relay = Object.freeze({
  send: () => false,
  monitor: () => false,
  link: () => false,
});
