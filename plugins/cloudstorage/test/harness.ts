import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRuntime, definePlugin, type Plugin, type ResourceTable, type Runtime } from '@switchyard/runtime';
import { streamPlugin } from '@switchyard/plugin-stream';
import { cloudStoragePlugin, type CloudStoragePluginOptions } from '../src/index.js';

export interface Harness extends AsyncDisposable {
  readonly rt: Runtime;
  readonly resources: ResourceTable;
  /** The storage the shared suite uses. */
  readonly storage: string;
}

/** A started runtime with the stream and cloudstorage plugins, and a probe that hands the test the resource table. */
export async function withStorage(options: CloudStoragePluginOptions, storage: string, extra: readonly Plugin[] = [], cleanup: () => void | Promise<void> = () => undefined): Promise<Harness> {
  let resources: ResourceTable | undefined;
  const probe = definePlugin({ name: 'probe', commands: [900], setup: (ctx) => void (resources = ctx.resources) });
  const rt = createRuntime({ plugins: [streamPlugin(), cloudStoragePlugin(options), probe, ...extra], stopTimeoutMs: 3000 });
  await rt.start();
  return {
    rt,
    resources: resources!,
    storage,
    [Symbol.asyncDispose]: async () => {
      await rt.stop();
      await cleanup();
    },
  };
}

/** A directory storage "files" in a fresh temporary directory, removed at dispose. */
export async function withDirectory(extra: readonly Plugin[] = []): Promise<Harness & { readonly root: string }> {
  const root = mkdtempSync(join(tmpdir(), 'sy-cloud-'));
  const h = await withStorage({ storages: { files: { type: 'directory', root } } }, 'files', extra, () => rmSync(root, { recursive: true, force: true }));
  return Object.assign(h, { root });
}

/** Code and message of what `fn` throws inside a process, or "ok". */
export function outcome(e: unknown): { code: string; message: string } {
  const x = e as { code?: unknown; message?: unknown };
  return { code: String(x?.code), message: String(x?.message) };
}

export const pause = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
