// Hosted processes (DESIGN §2.6) until the kernel's own `spawnWith({ host }, fn)` lands: the
// same contract, driven by a wrapping generator. Replaced by the kernel's in one place.
import { all, CoreCommand, type Pid, type ProcessContext, type Runtime } from '@switchyard/runtime';
import type { Command } from '@switchyard/dispatcher';
import type { ExitReason } from '@switchyard/runtime';

export type HostAnswer = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: unknown };

export interface HostedYield {
  readonly pid: Pid;
  readonly position: number;
  readonly cmd: Command;
}

export interface ProcessHost {
  beforeDispatch?(y: HostedYield): HostAnswer | undefined;
  afterComplete?(y: HostedYield, result: HostAnswer): void;
  exited?(pid: Pid, reason: ExitReason): void;
}

type Body = (ctx: ProcessContext) => Generator<Command, unknown, unknown>;

/** Spawn `body` under `host`. */
export function spawnHosted(rt: Runtime, host: ProcessHost, body: Body): Pid {
  const pid = rt.spawn(function* hosted(ctx: ProcessContext): Generator<Command, unknown, unknown> {
    const gen = body(ctx);
    let pos = 0;
    let ans: HostAnswer = { ok: true, value: undefined };
    try {
    for (;;) {
      const r: IteratorResult<Command, unknown> = ans.ok ? gen.next(ans.value) : gen.throw(ans.error);
      if (r.done) return r.value;
      const cmd: Command = r.value;
      if (cmd.id === CoreCommand.Race) throw new Error('race() inside a workflow needs the kernel hosted-process API');
      if (cmd.id === CoreCommand.All) {
        const members = (cmd as Command & { commands: readonly Command[] }).commands;
        const ys: HostedYield[] = members.map((m) => ({ pid: ctx.pid, position: ++pos, cmd: m }));
        const answers: (HostAnswer | undefined)[] = ys.map((y) => host.beforeDispatch?.(y));
        const failed = answers.find((a) => a !== undefined && !a.ok);
        if (failed !== undefined) {
          ys.forEach((y, i) => answers[i] !== undefined && host.afterComplete?.(y, answers[i]!));
          ans = failed;
          continue;
        }
        const live = ys.filter((_, i) => answers[i] === undefined);
        try {
          const values = live.length === 0 ? [] : ((yield all(live.map((y) => y.cmd))) as unknown[]);
          const out = answers.map((a) => (a === undefined ? undefined : (a as { value: unknown }).value));
          live.forEach((y, i) => {
            out[ys.indexOf(y)] = values[i];
          });
          ys.forEach((y, i) => host.afterComplete?.(y, answers[i] ?? { ok: true, value: out[i] }));
          ans = { ok: true, value: out };
        } catch (error) {
          ans = { ok: false, error };
        }
        continue;
      }
      const y: HostedYield = { pid: ctx.pid, position: ++pos, cmd };
      const a = host.beforeDispatch?.(y);
      if (a !== undefined) {
        host.afterComplete?.(y, a);
        ans = a;
        continue;
      }
      try {
        ans = { ok: true, value: yield cmd };
      } catch (error) {
        ans = { ok: false, error };
      }
      host.afterComplete?.(y, ans);
    }
    } finally {
      gen.return(undefined);
    }
  });
  rt.onExit(pid, (reason) => host.exited?.(pid, reason));
  return pid;
}
