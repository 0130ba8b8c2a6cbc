import type { Handler } from '@switchyard/dispatcher';
import { exitError, type Principals, type Runtime, type SpawnOptions } from '@switchyard/runtime';
import {
  ProcessCommand,
  type CancelCmd,
  type ExecCmd,
  type LinkCmd,
  type MonitorCmd,
  type SendCmd,
  type SpawnCmd,
  type TerminateCmd,
  type UnlinkCmd,
  type UnmonitorCmd,
} from './commands.js';

/** The process module's handlers: thin wiring over the runtime's topology API. */
export function processHandlers(rt: Runtime, principals: Principals) {
  // A child acts for whom its parent acts for: spawning is never a way to shed or gain rights.
  const inherit = (parent: string, options: SpawnOptions): SpawnOptions => {
    const principal = principals.of(parent);
    return principal === undefined || options.principal !== undefined ? options : { ...options, principal };
  };
  const sendH: Handler<SendCmd> = (ctx, cmd, tag, r) => r.completeYield(tag, rt.send(cmd.to, cmd.topic, cmd.payload, ctx.pid));
  const spawnH: Handler<SpawnCmd> = (ctx, cmd, tag, r) =>
    r.completeYield(tag, rt.spawnArgs(inherit(ctx.pid, cmd.link ? { ...cmd.options, linkTo: ctx.pid } : cmd.options), cmd.fn, cmd.args as never[]));
  const terminateH: Handler<TerminateCmd> = (_ctx, cmd, tag, r) => r.completeYield(tag, rt.terminate(cmd.target));
  const cancelH: Handler<CancelCmd> = (_ctx, cmd, tag, r) => r.completeYield(tag, rt.cancel(cmd.target, cmd.reason));
  const monitorH: Handler<MonitorCmd> = (ctx, cmd, tag, r) => r.completeYield(tag, rt.monitor(ctx.pid, cmd.target));
  const unmonitorH: Handler<UnmonitorCmd> = (ctx, cmd, tag, r) => r.completeYield(tag, rt.demonitor(ctx.pid, cmd.ref));
  const linkH: Handler<LinkCmd> = (ctx, cmd, tag, r) => {
    rt.link(ctx.pid, cmd.target);
    r.completeYield(tag, undefined);
  };
  const unlinkH: Handler<UnlinkCmd> = (ctx, cmd, tag, r) => {
    rt.unlink(ctx.pid, cmd.target);
    r.completeYield(tag, undefined);
  };
  // exec is a call: if the caller stops waiting (it ended, or lost a race), the callee is terminated.
  const execH: Handler<ExecCmd<unknown>> = (ctx, cmd, tag, r) => {
    const child = rt.spawnArgs(inherit(ctx.pid, {}), cmd.fn, cmd.args as never[]);
    const signal = ctx.signal;
    const onAbort = () => rt.terminate(child);
    rt.onExit(child, (reason) => {
      signal.removeEventListener('abort', onAbort);
      if (reason.kind === 'normal') r.completeYield(tag, reason.value);
      else r.completeYield(tag, undefined, exitError(child, reason));
    });
    signal.addEventListener('abort', onAbort, { once: true });
  };
  return {
    [ProcessCommand.Send]: sendH,
    [ProcessCommand.Spawn]: spawnH,
    [ProcessCommand.Terminate]: terminateH,
    [ProcessCommand.Cancel]: cancelH,
    [ProcessCommand.Monitor]: monitorH,
    [ProcessCommand.Unmonitor]: unmonitorH,
    [ProcessCommand.Link]: linkH,
    [ProcessCommand.Unlink]: unlinkH,
    [ProcessCommand.Exec]: execH,
  };
}
