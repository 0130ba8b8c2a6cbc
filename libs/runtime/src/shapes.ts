import { receive } from './core.js';
import { Mailbox } from './mailbox.js';
import { Proc, type Kernel } from './proc.js';

/**
 * One instance of each object the send/receive/step path is specialized for, held for as long as
 * this module is loaded.
 *
 * V8 keeps the hidden class (map) of a class instance alive only while an instance holds it: the
 * transitions that lead to it are weak, and so are the maps that optimized code embeds. When the
 * last Proc, mailbox or queued message dies (a runtime with no process left, then a full GC) the
 * map is collected, every optimized function specialized for it is thrown away (a "weak objects"
 * deoptimization), and the next processes get a new map: the step loop, dispatch, send and receive
 * run in the interpreter again until they are re-optimized. Holding one instance of each keeps the
 * maps, and the code, across such a moment. Costs one Proc, one mailbox and a few small objects, once.
 */
export function keepShapes(): readonly object[] {
  const proc = new Proc(null as unknown as Kernel, '{shape|0x00000}');
  // Its side object too: rt.run() and onExit() make one for the process they watch.
  const extra = new Proc(null as unknown as Kernel, '{shape|0x00000}').extra();
  const mailbox = new Mailbox(3, 'error');
  mailbox.push('shape', 0, undefined, null, false);
  mailbox.push('shape', 0, proc.pid, null, false);
  mailbox.push('shape', 0, undefined, null, false);
  // The two shapes of a received message (with and without a sender), as receive() makes them.
  const plain = mailbox.take();
  const withFrom = mailbox.take();
  // The iterator a `yield*` of a command makes (one class for every command) and its two results.
  const iterator = receive()[Symbol.iterator]();
  const first = iterator.next();
  const last = iterator.next(undefined);
  return Object.freeze([proc, extra, mailbox, plain, withFrom, iterator, first, last].filter((o) => o !== undefined) as object[]);
}
