import { createHash, randomBytes } from 'node:crypto';
import { link, mkdir, open, readdir, rename, unlink, writeFile, type FileHandle } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import { Readable } from 'node:stream';
import { hasCode } from '@switchyard/errors';
import type { DeleteError, DeleteResult, ListResult, ObjectInfo, ObjectSummary, PresignPutOptions, UploadOptions, UploadResult } from './commands.js';
import { checkKey, decodeToken, encodeToken, sameETag, type OpenedObject, type OpenOptions, type ReadObject, type StorageBackend, type UploadSource } from './backend.js';
import { CloudStorageError, notFound, preconditionFailed, tooLarge } from './errors.js';
import { checkRange, infoOf, type StoredMeta } from './meta.js';
import type { DirectorySigner } from './signer.js';

// File names: a key segment percent-encoded (so it never holds "!" or "/"), then a suffix after "!":
// "!m" the metadata (its rename is the commit), "!d<md5>" the immutable data, "!t<random>" a temp file.
// A directory for an empty segment ("a//b", "folder/") is named "%", which no encoding produces.
const enc = (seg: string) => encodeURIComponent(seg).replace(/[!'()*~]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
const dirName = (seg: string) => (seg === '' ? '%' : enc(seg));
const META = '!m';
const MAX_KNOWN_DIRS = 10_000;
/** First read of a metadata file; bigger ones (much user metadata) are read on in a loop. */
const META_READ = 4096;

interface Paths {
  readonly dir: string;
  readonly base: string;
  readonly meta: string;
}

export interface DirectoryConfig {
  readonly root: string;
}

/** Objects as files under a root; see the README's Decisions for the layout. */
export class DirectoryBackend implements StorageBackend {
  readonly root: string;
  private readonly locks = new Map<string, Promise<unknown>>();
  /** Directories known to exist (see ensureDir). */
  private readonly dirs = new Set<string>();

  constructor(
    readonly name: string,
    config: DirectoryConfig,
    private readonly signer: DirectorySigner | undefined,
  ) {
    this.root = resolve(config.root);
  }

  private paths(key: string): Paths {
    const segs = checkKey(this.name, key).split('/');
    const last = segs.pop()!;
    const dir = join(this.root, ...segs.map(dirName));
    // Not join(): an empty last segment ("folder/") must stay a name inside `dir`, not `dir` itself.
    const base = dir + sep + enc(last);
    return { dir, base, meta: base + META };
  }

  private io(key: string | undefined, what: string, e: unknown): CloudStorageError {
    if (e instanceof CloudStorageError) return e;
    return new CloudStorageError('STORAGE_IO', this.name, key, `storage "${this.name}": ${what}${key === undefined ? '' : ` "${key}"`} failed: ${(e as Error)?.message ?? String(e)}`, { cause: e });
  }

  /** Serialises commits and deletes of one key inside this installation. */
  private async locked<T>(key: string, op: () => Promise<T>): Promise<T> {
    const prev = this.locks.get(key) ?? Promise.resolve();
    const run = prev.then(op, op);
    const tail = run.catch(() => undefined);
    this.locks.set(key, tail);
    try {
      return await run;
    } finally {
      if (this.locks.get(key) === tail) this.locks.delete(key);
    }
  }

  /**
   * The metadata file, or null when the key has none. open + one read + close: a metadata file is a
   * few hundred bytes, so this skips readFile's fstat and its read to end of file (two fewer
   * thread-pool round trips per put and per get).
   */
  private async readMeta(p: Paths): Promise<StoredMeta | null> {
    let fh: FileHandle;
    try {
      fh = await open(p.meta, 'r');
    } catch (e) {
      if (hasCode(e) && (e.code === 'ENOENT' || e.code === 'ENOTDIR')) return null;
      throw e;
    }
    try {
      let buf = Buffer.allocUnsafe(META_READ);
      let at = 0;
      for (;;) {
        const { bytesRead } = await fh.read(buf, at, buf.length - at, at);
        at += bytesRead;
        // A short read of a regular file is its end (libuv retries EINTR).
        if (bytesRead === 0 || at < buf.length) break;
        const bigger = Buffer.allocUnsafe(buf.length * 4);
        buf.copy(bigger, 0, 0, at);
        buf = bigger;
      }
      return JSON.parse(buf.toString('utf8', 0, at)) as StoredMeta;
    } finally {
      await fh.close();
    }
  }

  async list(prefix: string, continuation: string | undefined, maxKeys: number): Promise<ListResult> {
    const after = continuation === undefined ? undefined : decodeToken(this.name, continuation);
    const cut = prefix.lastIndexOf('/');
    const dirSegs = cut < 0 ? [] : prefix.slice(0, cut).split('/');
    const startKey = cut < 0 ? '' : prefix.slice(0, cut + 1);
    if (dirSegs.some((s) => s === '.' || s === '..' || s.includes('\\') || s.includes('\0'))) {
      throw new CloudStorageError('STORAGE_BAD_KEY', this.name, prefix, `storage "${this.name}": prefix "${prefix}" has a "." or ".." segment, a backslash or a NUL`);
    }
    const keys: string[] = [];
    const walk = async (dir: string, keyPrefix: string): Promise<void> => {
      let entries;
      try {
        entries = await readdir(dir, { withFileTypes: true });
      } catch (e) {
        if (hasCode(e) && (e.code === 'ENOENT' || e.code === 'ENOTDIR')) return;
        throw e;
      }
      for (const ent of entries) {
        if (ent.isDirectory()) {
          const seg = ent.name === '%' ? '' : decodeURIComponent(ent.name);
          const k = keyPrefix + seg + '/';
          // Descend only where keys can still start with the prefix.
          if (k.startsWith(prefix) || prefix.startsWith(k)) await walk(join(dir, ent.name), k);
        } else if (ent.name.endsWith(META)) {
          const k = keyPrefix + decodeURIComponent(ent.name.slice(0, -META.length));
          if (k.startsWith(prefix) && (after === undefined || Buffer.compare(Buffer.from(k), Buffer.from(after)) > 0)) keys.push(k);
        }
      }
    };
    try {
      await walk(join(this.root, ...dirSegs.map(dirName)), startKey);
    } catch (e) {
      throw this.io(prefix, 'listing prefix', e);
    }
    const bytes = new Map(keys.map((k) => [k, Buffer.from(k)]));
    keys.sort((a, b) => Buffer.compare(bytes.get(a)!, bytes.get(b)!));
    const page = keys.slice(0, maxKeys);
    const metas = await Promise.all(page.map((key) => this.readMeta(this.paths(key)).catch(() => null)));
    const objects: ObjectSummary[] = [];
    page.forEach((key, i) => {
      const m = metas[i];
      // null: deleted while listing
      if (m != null) objects.push({ key, size: m.size, etag: m.etag, lastModified: m.lastModified });
    });
    return { objects, next: keys.length > maxKeys ? encodeToken(page[page.length - 1]!) : null };
  }

  async head(key: string): Promise<ObjectInfo | null> {
    const p = this.paths(key);
    try {
      const m = await this.readMeta(p);
      return m === null ? null : infoOf(key, m);
    } catch (e) {
      throw this.io(key, 'head of', e);
    }
  }

  /** The metadata (preconditions checked), the range and an open handle on the data file. */
  private async locate(key: string, options: OpenOptions): Promise<{ m: StoredMeta; fh: FileHandle; offset: number; length: number }> {
    const p = this.paths(key);
    // The data file of a meta can vanish when an upload replaces it between our two reads: read again.
    for (let attempt = 0; ; attempt++) {
      const m = await this.readMeta(p).catch((e: unknown) => {
        throw this.io(key, 'reading', e);
      });
      if (m === null) throw notFound(this.name, key);
      if (options.ifMatch !== undefined && !sameETag(options.ifMatch, m.etag)) throw preconditionFailed(this.name, key, `ETag is ${m.etag}, not ${options.ifMatch}`);
      if (options.ifNoneMatch !== undefined && (options.ifNoneMatch === '*' || sameETag(options.ifNoneMatch, m.etag))) {
        throw new CloudStorageError('NOT_MODIFIED', this.name, key, `storage "${this.name}": "${key}" still has ETag ${m.etag}`);
      }
      const { offset, length } = checkRange(this.name, key, m.size, options.range);
      try {
        return { m, fh: await open(p.base + '!d' + m.md5, 'r'), offset, length };
      } catch (e) {
        if (hasCode(e) && e.code === 'ENOENT' && attempt < 3) continue;
        throw this.io(key, 'opening', e);
      }
    }
  }

  async open(key: string, options: OpenOptions): Promise<OpenedObject> {
    const { m, fh, offset, length } = await this.locate(key, options);
    if (length === 0) {
      await fh.close();
      return { info: infoOf(key, m), length, body: Readable.from([]) };
    }
    const body = fh.createReadStream({ start: offset, end: offset + length - 1, autoClose: true });
    return { info: infoOf(key, m), length, body };
  }

  /** Straight from the file into the result: one read for the whole body, no stream, no copy. */
  async read(key: string, options: OpenOptions, maxBytes: number, signal: AbortSignal): Promise<ReadObject> {
    const { m, fh, offset, length } = await this.locate(key, options);
    try {
      if (length > maxBytes) throw tooLarge(this.name, key, length, maxBytes);
      const data = Buffer.allocUnsafe(length);
      let at = 0;
      while (at < length) {
        signal.throwIfAborted();
        const { bytesRead } = await fh.read(data, at, length - at, offset + at);
        if (bytesRead === 0) {
          throw new CloudStorageError('STORAGE_IO', this.name, key, `storage "${this.name}": reading "${key}" failed: its data file ended after ${at} of ${length} bytes`);
        }
        at += bytesRead;
      }
      return { info: infoOf(key, m), data };
    } catch (e) {
      if (e instanceof CloudStorageError || signal.aborted) throw e;
      throw this.io(key, 'reading', e);
    } finally {
      await fh.close();
    }
  }

  async put(key: string, source: UploadSource, options: UploadOptions, signal: AbortSignal): Promise<UploadResult> {
    const p = this.paths(key);
    const temp = p.base + '!t' + randomBytes(8).toString('hex');
    const hash = createHash('md5');
    let size = 0;
    let committed = false;
    try {
      await this.ensureDir(p.dir, false);
      if (source instanceof Uint8Array) {
        hash.update(source);
        size = source.byteLength;
        await this.createTemp(p.dir, () => writeFile(temp, source, { flag: 'wx', signal }));
        signal.throwIfAborted();
      } else {
        const fh = await this.createTemp(p.dir, () => open(temp, 'wx'));
        try {
          for await (const chunk of source) {
            signal.throwIfAborted();
            hash.update(chunk);
            size += chunk.byteLength;
            await fh.write(chunk);
          }
          signal.throwIfAborted();
        } finally {
          await fh.close();
        }
      }
      const md5 = hash.digest('hex');
      const meta: StoredMeta = {
        v: 1,
        size,
        md5,
        etag: `"${md5}"`,
        lastModified: Date.now(),
        contentType: options.contentType ?? 'application/octet-stream',
        ...(options.cacheControl === undefined ? {} : { cacheControl: options.cacheControl }),
        ...(options.contentDisposition === undefined ? {} : { contentDisposition: options.contentDisposition }),
        ...(options.contentEncoding === undefined ? {} : { contentEncoding: options.contentEncoding }),
        metadata: lowerKeys(options.metadata),
      };
      await this.locked(key, async () => {
        const old = await this.readMeta(p);
        if (options.ifNoneMatch === '*' && old !== null) throw preconditionFailed(this.name, key, 'it exists (If-None-Match: *)');
        if (options.ifMatch !== undefined && (old === null || !sameETag(options.ifMatch, old.etag))) {
          throw preconditionFailed(this.name, key, old === null ? `it does not exist (If-Match: ${options.ifMatch})` : `ETag is ${old.etag}, not ${options.ifMatch}`);
        }
        signal.throwIfAborted();
        await rename(temp, p.base + '!d' + md5);
        const metaTemp = p.base + '!t' + randomBytes(8).toString('hex');
        await writeFile(metaTemp, JSON.stringify(meta), { flag: 'wx' });
        try {
          if (options.ifNoneMatch === '*') {
            // link() fails if the name exists: create-if-absent even against another OS process.
            await link(metaTemp, p.meta).catch((e: unknown) => {
              if (hasCode(e) && e.code === 'EEXIST') throw preconditionFailed(this.name, key, 'it exists (If-None-Match: *)');
              throw e;
            });
            await unlink(metaTemp);
          } else {
            await rename(metaTemp, p.meta);
          }
        } catch (e) {
          await unlink(metaTemp).catch(() => undefined);
          throw e;
        }
        committed = true;
        if (old !== null && old.md5 !== md5) await unlink(p.base + '!d' + old.md5).catch(() => undefined);
      });
      return { key, etag: meta.etag, size };
    } catch (e) {
      if (signal.aborted && !committed) throw signal.reason ?? e;
      throw this.io(key, 'upload of', e);
    } finally {
      if (!committed) await unlink(temp).catch(() => undefined);
    }
  }

  /** mkdir -p once per directory: this backend never removes directories, so a created one is remembered. */
  private async ensureDir(dir: string, again: boolean): Promise<void> {
    if (!again && this.dirs.has(dir)) return;
    await mkdir(dir, { recursive: true });
    if (this.dirs.size >= MAX_KNOWN_DIRS) this.dirs.clear();
    this.dirs.add(dir);
  }

  /** Creates a temp file in `dir`; if the directory was removed behind our back, makes it again once. */
  private async createTemp<T>(dir: string, create: () => Promise<T>): Promise<T> {
    try {
      return await create();
    } catch (e) {
      if (!(hasCode(e) && e.code === 'ENOENT')) throw e;
      this.dirs.delete(dir);
      await this.ensureDir(dir, true);
      return create();
    }
  }

  async delete(keys: readonly string[]): Promise<DeleteResult> {
    const deleted: string[] = [];
    const errors: DeleteError[] = [];
    const one = async (key: string) => {
      try {
        const p = this.paths(key);
        await this.locked(key, async () => {
          const m = await this.readMeta(p);
          if (m === null) return;
          await unlink(p.meta).catch((e: unknown) => {
            if (!(hasCode(e) && e.code === 'ENOENT')) throw e;
          });
          await unlink(p.base + '!d' + m.md5).catch(() => undefined);
        });
        deleted.push(key);
      } catch (e) {
        const err = this.io(key, 'delete of', e);
        errors.push({ key: typeof key === 'string' ? key : String(key), code: err.code, message: err.message });
      }
    };
    let next = 0;
    const worker = async () => {
      while (next < keys.length) await one(keys[next++]!);
    };
    await Promise.all(Array.from({ length: Math.min(16, keys.length) }, worker));
    return { deleted, errors };
  }

  async presignGet(key: string, expiresIn: number): Promise<string> {
    this.paths(key);
    return this.needSigner(key).sign('GET', this.name, key, expiresIn, {});
  }

  async presignPut(key: string, options: PresignPutOptions & { expiresIn: number }): Promise<string> {
    this.paths(key);
    return this.needSigner(key).sign('PUT', this.name, key, options.expiresIn, { contentType: options.contentType, contentLength: options.contentLength });
  }

  private needSigner(key: string): DirectorySigner {
    if (this.signer === undefined) {
      throw new CloudStorageError('STORAGE_NO_PRESIGN', this.name, key, `storage "${this.name}": presigned URLs of a directory storage need cloudStoragePlugin({ presign }) and presignedRoute() on the http plugin's server`);
    }
    return this.signer;
  }

  async close(): Promise<void> {
    await Promise.all(this.locks.values());
  }
}

function lowerKeys(m: Readonly<Record<string, string>> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(m ?? {})) out[k.toLowerCase()] = v;
  return out;
}
