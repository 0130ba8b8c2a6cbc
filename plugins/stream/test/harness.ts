import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRuntime, definePlugin, type ResourceTable, type Runtime } from '@switchyard/runtime';
import { streamPlugin, type StreamPluginOptions } from '../src/index.js';

export interface StreamHarness extends AsyncDisposable {
  readonly rt: Runtime;
  /** The runtime's resource table, as another plugin sees it (to adopt sources). */
  readonly resources: ResourceTable;
  /** A fresh temporary directory, removed at dispose. */
  readonly dir: string;
}

/** A started runtime with the stream plugin and a probe plugin that hands the test the resource table. */
export async function withStreams(options: StreamPluginOptions = {}): Promise<StreamHarness> {
  let resources: ResourceTable | undefined;
  const probe = definePlugin({
    name: 'probe',
    commands: [900],
    setup: (ctx) => {
      resources = ctx.resources;
    },
  });
  const rt = createRuntime({ plugins: [streamPlugin(options), probe], stopTimeoutMs: 2000 });
  await rt.start();
  const dir = mkdtempSync(join(tmpdir(), 'sy-stream-'));
  return {
    rt,
    resources: resources!,
    dir,
    [Symbol.asyncDispose]: async () => {
      await rt.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Resolves after `ms` of real time (for letting I/O happen, never as an assertion). */
export const pause = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
