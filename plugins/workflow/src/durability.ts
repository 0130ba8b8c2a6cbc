import type { Command } from '@switchyard/dispatcher';
import { CoreCommand } from '@switchyard/runtime';
import { WorkflowCommand, type Durability, type DurabilityDeclared } from './commands.js';
import type { CommandIdentity } from './errors.js';

/** Clock Sleep (DESIGN §3): becomes a durable timer inside a workflow. */
export const CLOCK_SLEEP = 10;

/**
 * Commands of the system ranges whose classes do not declare `durability` (DESIGN §3):
 * those that return live handles. Everything else that is not declared is a step.
 */
const HANDLES = new Set<number>([
  2, 5, 7, // process: spawn (a child), monitor, link
  14, 16, 18, 19, 20, 21, // clock: tickers and timers (use sleep or receive({ timeout }))
  50, 51, 52, 53, 54, 55, 56, 57, // stream
  80, 81, 82, 83, 84, 85, // websocket
  90, // event subscribe
  102, 103, 104, 105, 106, 107, 108, 109, 110, 111, // sql statements and transactions
  141, 142, // function async
  150, // exec process wait
  170, 171, 172, // eval
  190, 192, 193, // contract handles
  204, 205, 206, // core transfer and names (bound to this process)
]);

export function durabilityOf(cmd: Command): Durability {
  const d = (cmd as DurabilityDeclared).durability;
  if (d === 'step' || d === 'handle' || d === 'workflow') return d;
  const id = cmd.id;
  if (id === CLOCK_SLEEP || id === CoreCommand.Receive) return 'workflow';
  if (id === 60 || id === 61) return (cmd as { stream?: unknown }).stream ? 'handle' : 'step';
  return HANDLES.has(id) ? 'handle' : 'step';
}

/** What a journal position records about the command, to detect a changed workflow. */
export function identify(cmd: Command): CommandIdentity {
  return { command: identCommand(cmd), name: identName(cmd) };
}

/** The command ID a position records (identify() without the allocation). */
export function identCommand(cmd: Command): number {
  const id = cmd.id;
  if (id === CLOCK_SLEEP) return WorkflowCommand.Timer;
  if (id === CoreCommand.Receive) return WorkflowCommand.Receive;
  return id;
}

/** The name a position records (identify() without the allocation). */
export function identName(cmd: Command): string {
  const c = cmd as Command & Record<string, unknown>;
  switch (cmd.id) {
    case CLOCK_SLEEP:
    case WorkflowCommand.Timer:
      return 'sleep';
    case CoreCommand.Receive:
    case WorkflowCommand.Receive:
      return typeof c.topic === 'string' ? c.topic : '*';
    case WorkflowCommand.SideEffect:
      return String(c.label);
    case WorkflowCommand.Call:
    case WorkflowCommand.Start:
      return String(c.workflow);
    case WorkflowCommand.Signal:
      return String(c.topic);
    case WorkflowCommand.Manage:
      return String(c.name);
    default:
      return (cmd.constructor as { name?: string } | undefined)?.name || 'command';
  }
}

export function commandLabel(cmd: Command): string {
  const i = identify(cmd);
  return `${(cmd.constructor as { name?: string } | undefined)?.name || 'command'} "${i.name}"`;
}
