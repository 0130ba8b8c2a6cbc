import { receive } from './core.js';
import { Postal } from './delivery.js';
import { Dispatch } from './dispatch.js';
import { Mailbox } from './mailbox.js';
import { Group, MemberCtx, Proc, type Kernel } from './proc.js';
import { ProcTable } from './proctable.js';
import { Scheduler } from './scheduler.js';
import { Exits } from './topology.js';

/**
 * One instance of each object the send/receive/step path is specialized for, held for as long as
 * this module is loaded, with its fields settled (see settle()).
 *
 * V8 keeps the hidden class (map) of a class instance alive only while an instance holds it: the
 * transitions that lead to it are weak, and so are the maps that optimized code embeds. When the
 * last Proc, mailbox or queued message dies (a runtime with no process left, then a full GC) the
 * map is collected, every optimized function specialized for it is thrown away (a "weak objects"
 * deoptimization), and the next processes get a new map: the step loop, dispatch, send and receive
 * run in the interpreter again until they are re-optimized. Holding one instance of each keeps the
 * maps, and the code, across such a moment. Costs a few small objects, once.
 */
export function keepShapes(): readonly object[] {
  const none = null as never;
  const proc = new Proc(null as unknown as Kernel, '{shape|0x00000}');
  // Its side object too: rt.run() and onExit() make one for the process they watch.
  const extra = new Proc(null as unknown as Kernel, '{shape|0x00000}').extra();
  const group = new Group(false, 1, [], proc);
  const member = new MemberCtx(proc);
  // A runtime's mailboxes and postal hold a capacity that is an integer or Infinity (a double):
  // both kinds are seen here, so the class has one field representation whatever the options.
  const mailbox = new Mailbox(3, 'error');
  const unbounded = new Mailbox(Infinity, 'error');
  mailbox.push('shape', 0, undefined, null, false);
  mailbox.push('shape', 0, proc.pid, null, false);
  mailbox.push('shape', 0, undefined, null, false);
  // The two shapes of a received message (with and without a sender), as receive() makes them.
  const plain = mailbox.take();
  const withFrom = mailbox.take();
  const rest = mailbox.take();
  const postals = [new Postal(none, 3, 'error'), new Postal(none, Infinity, 'error')];
  const kernel = [new Scheduler(() => undefined), new Dispatch(none, none), new Exits(none, none, none, none, none, () => undefined), new ProcTable()];
  for (const o of [proc, extra, group, member, mailbox, unbounded, ...postals, ...kernel]) settle(o);
  // Messages and exit reasons: payloads and values are any kind of value.
  const literals = [plain, withFrom, rest, { kind: 'normal', value: undefined }, { kind: 'error', error: undefined }];
  for (const o of literals) if (o !== undefined) settle(o, ANY_VALUE);
  // The iterator a `yield*` of a command makes (one class for every command) and its two results.
  const iterator = receive()[Symbol.iterator]();
  const first = iterator.next();
  const last = iterator.next(undefined);
  return Object.freeze([proc, extra, group, member, mailbox, unbounded, ...postals, ...kernel, ...literals, iterator, first, last].filter((o) => o !== undefined) as object[]);
}

const OBJECT_A = {};
const OBJECT_B: unknown[] = [];
const NO_KEYS: readonly string[] = [];
/** Fields of messages and exit reasons that hold whatever a process sends or returns. */
const ANY_VALUE: readonly string[] = ['payload', 'value', 'error'];

/**
 * Write every field of an object once more, with each kind of value it will hold, before any code
 * that reads it is optimized.
 *
 * V8 tracks, per hidden class, whether a field was ever written after its object was built
 * ("const"), what kind of value it holds (small integer, double, object) and which class of
 * object. The first write that widens one of these happens mid-run (the first `performance.now()`
 * the scheduler keeps, the first process exit, the first timer) and throws away every optimized
 * function that relied on it, each time a runtime is first used; which code is being compiled
 * concurrently at that moment decides whether the step loop comes back fast or slow (ping-pong
 * ran 2x slower in about half of the processes that way). Widening here, once, at module load, leaves
 * nothing to widen later. Numbers and booleans are written back as they are (a small-integer field
 * stays one); fields holding nothing yet are given two unrelated objects, then their value again;
 * the `anyValue` fields (message payloads, returned values) also a small integer and a double.
 */
function settle(o: object, anyValue: readonly string[] = NO_KEYS): void {
  const f = o as Record<string, unknown>;
  for (const k of Object.keys(f)) {
    const v = f[k];
    const any = anyValue.includes(k);
    if (!any && (typeof v === 'number' || typeof v === 'boolean')) f[k] = v;
    else if (v === null || v === undefined || any) {
      f[k] = OBJECT_A;
      f[k] = OBJECT_B;
      if (any) {
        f[k] = 1;
        f[k] = 0.5;
      }
      f[k] = v;
    }
  }
}
