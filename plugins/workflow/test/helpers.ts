import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CommandBase, type Handler } from '@switchyard/dispatcher';
import { clockPlugin } from '@switchyard/plugin-clock';
import { createRuntime, definePlugin, type Runtime } from '@switchyard/runtime';
import { createVirtualClock, type VirtualClock } from '@switchyard/testing';
import { afterEach } from 'vitest';
import { idempotencyKeyOf, workflowClient, workflowPlugin, type WorkflowClient, type WorkflowPluginOptions } from '../src/index.js';

const dirs: string[] = [];
const live: Runtime[] = [];

afterEach(async () => {
  for (const rt of live.splice(0)) await rt.stop().catch(() => undefined);
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

export function tempFile(name = 'wf.db'): string {
  const d = mkdtempSync(join(tmpdir(), 'sy-wf-'));
  dirs.push(d);
  return join(d, name);
}

/** A command whose handler counts its calls and echoes its value with the step's idempotency key. */
export class EchoCmd extends CommandBase<{ value: string; key: string | undefined }> {
  readonly id = 300;
  constructor(readonly value: string) {
    super();
  }
}
export const echo = (value: string) => new EchoCmd(value);

/** A command that returns a live handle. */
export class OpenThingCmd extends CommandBase<number> {
  readonly id = 301;
  readonly durability = 'handle';
}

export interface Probe {
  calls: string[];
}

export function echoPlugin(probe: Probe) {
  const h: Handler<EchoCmd> = (_ctx, cmd, tag, r) => {
    probe.calls.push(cmd.value);
    r.completeYield(tag, { value: cmd.value, key: idempotencyKeyOf(cmd) });
  };
  return definePlugin({ name: 'echo', commands: [300, 301], handlers: { 300: h, 301: ((_c, _cmd, tag, r) => r.completeYield(tag, 1)) as Handler } });
}

export interface Booted {
  rt: Runtime;
  client: WorkflowClient;
  clock: VirtualClock;
  settle(): Promise<void>;
  stop(): Promise<void>;
}

const turn = () => new Promise<void>((r) => setImmediate(r));

/** A started runtime on a virtual clock starting at `at`, with clock, echo and workflow plugins. */
export async function boot(options: WorkflowPluginOptions, extra: { at?: number; probe?: Probe; node?: string } = {}): Promise<Booted> {
  const clock = createVirtualClock(extra.at ?? 0);
  const plugins = [clockPlugin(), workflowPlugin(options), echoPlugin(extra.probe ?? { calls: [] })];
  const rt = createRuntime({ plugins, clock, stopTimeoutMs: 1000, ...(extra.node ? { node: extra.node } : {}) });
  const settle = async () => {
    for (let i = 0; i < 3; i++) {
      await rt.whenIdle();
      await turn();
    }
  };
  clock.onSettle(settle);
  await rt.start();
  live.push(rt);
  const client = workflowClient(rt);
  await client.ready();
  return {
    rt,
    client,
    clock,
    settle,
    stop: async () => {
      const i = live.indexOf(rt);
      if (i >= 0) live.splice(i, 1);
      await rt.stop();
    },
  };
}

/** Wait until `check` holds, letting the runtime run (bounded). */
export async function until(b: Booted, check: () => boolean | Promise<boolean>, what = 'condition'): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await check()) return;
    await b.settle();
  }
  throw new Error(`timed out waiting for ${what}`);
}
