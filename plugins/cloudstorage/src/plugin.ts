import { join } from 'node:path';
import { definePlugin, type Plugin } from '@switchyard/runtime';
import { checkKeys, describeValue, OptionError } from '@switchyard/errors';
import { CloudStorageCommand } from './commands.js';
import type { StorageBackend } from './backend.js';
import { DirectoryBackend } from './directory.js';
import { CloudStorageHandlers } from './handlers.js';

const CODE = 'STORAGE_BAD_OPTION';
const WHERE = 'cloudStoragePlugin()';

/** A store of objects as files under `root` (created when missing). */
export interface DirectoryStorageConfig {
  readonly type: 'directory';
  readonly root: string;
}

export type StorageConfig = DirectoryStorageConfig;

export interface CloudStoragePluginOptions {
  /** Named storages. Default: one directory storage "default" at `.switchyard/storage` under the working directory. */
  readonly storages?: Readonly<Record<string, StorageConfig>>;
}

/** The default storage when none is configured. */
export const DEFAULT_STORAGE_ROOT = join('.switchyard', 'storage');

function checkStorage(name: string, c: unknown): StorageConfig {
  const where = `${WHERE} storage "${name}"`;
  const type = (c as { type?: unknown } | null)?.type;
  if (type === 'directory') {
    const o = checkKeys(where, c, ['type', 'root'], CODE);
    if (typeof o.root !== 'string' || o.root === '') throw new OptionError(where, 'root', `must be a non-empty path, got ${describeValue(o.root)}`, CODE);
    return o as unknown as DirectoryStorageConfig;
  }
  throw new OptionError(where, 'type', `must be "directory", got ${describeValue(type)}`, CODE);
}

/** The cloud storage module (IDs 160–169): named storages on a local directory or S3. */
export function cloudStoragePlugin(options: CloudStoragePluginOptions = {}): Plugin {
  const o = checkKeys(WHERE, options, ['storages'], CODE);
  const configs = new Map<string, StorageConfig>();
  if (o.storages === undefined) configs.set('default', { type: 'directory', root: DEFAULT_STORAGE_ROOT });
  else {
    if (typeof o.storages !== 'object' || o.storages === null) throw new OptionError(WHERE, 'storages', `must be an object of named storages, got ${describeValue(o.storages)}`, CODE);
    for (const [name, c] of Object.entries(o.storages)) configs.set(name, checkStorage(name, c));
  }
  return definePlugin({
    name: 'cloudstorage',
    // Downloads can be stream handles and uploads read them: the stream commands must be there.
    dependsOn: ['stream'],
    commands: { first: 160, last: 169 },
    commandNames: CloudStorageCommand,
    setup: (ctx) => {
      const storages = new Map<string, StorageBackend>();
      for (const [name, c] of configs) storages.set(name, new DirectoryBackend(name, c, undefined));
      const h = new CloudStorageHandlers(ctx.resources, storages);
      return {
        handlers: h.handlers,
        stats: () => ({ storages: storages.size, uploads: h.uploads, downloads: h.downloads, inFlight: h.inFlight }),
        stop: async () => {
          await Promise.all([...storages.values()].map((s) => s.close()));
        },
      };
    },
  });
}
