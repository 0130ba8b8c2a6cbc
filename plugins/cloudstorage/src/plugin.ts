import { join } from 'node:path';
import { definePlugin, type Plugin } from '@switchyard/runtime';
import { boolOption, checkKeys, describeValue, intOption, OptionError } from '@switchyard/errors';
import { CloudStorageCommand } from './commands.js';
import type { StorageBackend } from './backend.js';
import { DirectoryBackend } from './directory.js';
import { CloudStorageHandlers } from './handlers.js';
import { DirectorySigner, type PresignOptions } from './signer.js';
import { S3Backend, type S3StorageConfig } from './s3.js';

const CODE = 'STORAGE_BAD_OPTION';
const WHERE = 'cloudStoragePlugin()';

/** A store of objects as files under `root` (created when missing). */
export interface DirectoryStorageConfig {
  readonly type: 'directory';
  readonly root: string;
}

export type StorageConfig = DirectoryStorageConfig | S3StorageConfig;

export interface CloudStoragePluginOptions {
  /** Named storages. Default: one directory storage "default" at `.switchyard/storage` under the working directory. */
  readonly storages?: Readonly<Record<string, StorageConfig>>;
  /** Presigned URLs of directory storages, served by `presignedRoute()` on the http plugin's server. */
  readonly presign?: PresignOptions;
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
  if (type === 's3') {
    const o = checkKeys(where, c, ['type', 'bucket', 'region', 'endpoint', 'credentials', 'forcePathStyle', 'compatible', 'partSize', 'queueSize'], CODE);
    if (typeof o.bucket !== 'string' || o.bucket === '') throw new OptionError(where, 'bucket', `must be a non-empty string, got ${describeValue(o.bucket)}`, CODE);
    for (const k of ['region', 'endpoint']) {
      if (o[k] !== undefined && typeof o[k] !== 'string') throw new OptionError(where, k, `must be a string, got ${describeValue(o[k])}`, CODE);
    }
    if (o.credentials !== undefined) {
      // Never describe the value: it holds a secret.
      const cr = o.credentials as Record<string, unknown> | null;
      if (typeof cr?.accessKeyId !== 'string' || typeof cr.secretAccessKey !== 'string') throw new OptionError(where, 'credentials', 'must be { accessKeyId, secretAccessKey, sessionToken? } strings', CODE);
    }
    boolOption(where, o, 'forcePathStyle', false, CODE);
    boolOption(where, o, 'compatible', false, CODE);
    intOption(where, o, 'partSize', 5 * 1024 * 1024, { min: 5 * 1024 * 1024 }, CODE);
    intOption(where, o, 'queueSize', 2, { min: 1, max: 64 }, CODE);
    return o as unknown as S3StorageConfig;
  }
  throw new OptionError(where, 'type', `must be "directory" or "s3", got ${describeValue(type)}`, CODE);
}

/** The cloud storage module (IDs 160–169): named storages on a local directory or S3. */
export function cloudStoragePlugin(options: CloudStoragePluginOptions = {}): Plugin {
  const o = checkKeys(WHERE, options, ['storages', 'presign'], CODE);
  let presign: PresignOptions | undefined;
  if (o.presign !== undefined) {
    const p = checkKeys(`${WHERE} presign`, o.presign, ['secret', 'baseUrl', 'path'], CODE);
    // Never describe the secret itself.
    if (typeof p.secret !== 'string' || p.secret.length < 32) throw new OptionError(`${WHERE} presign`, 'secret', 'must be a string of at least 32 characters', CODE);
    if (typeof p.baseUrl !== 'string' && typeof p.baseUrl !== 'function') throw new OptionError(`${WHERE} presign`, 'baseUrl', `must be a URL string or a function returning one, got ${describeValue(p.baseUrl)}`, CODE);
    if (p.path !== undefined && (typeof p.path !== 'string' || !p.path.startsWith('/'))) throw new OptionError(`${WHERE} presign`, 'path', `must start with "/", got ${describeValue(p.path)}`, CODE);
    presign = p as unknown as PresignOptions;
  }
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
      const signer = presign === undefined ? undefined : new DirectorySigner(presign, () => Date.now());
      for (const [name, c] of configs) storages.set(name, c.type === 's3' ? new S3Backend(name, c) : new DirectoryBackend(name, c, signer));
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
