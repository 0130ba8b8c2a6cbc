import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRuntime } from '@switchyard/runtime';
import { streamPlugin } from '@switchyard/plugin-stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cloudStoragePlugin, DEFAULT_STORAGE_ROOT, downloadObject, headObject, uploadObject } from '../src/index.js';

// The default storage lives under the working directory: run in a scratch one.
let scratch = '';
let cwd = '';
beforeEach(() => {
  cwd = process.cwd();
  scratch = mkdtempSync(join(tmpdir(), 'sy-cloud-default-'));
  process.chdir(scratch);
});
afterEach(() => {
  process.chdir(cwd);
  rmSync(scratch, { recursive: true, force: true });
});

describe('zero-config default: directory storage "default" under the working directory', () => {
  it('boots without options, writes nothing until the first upload, and keeps objects across restarts', async () => {
    const plugin = cloudStoragePlugin();
    const rt = createRuntime({ plugins: [streamPlugin(), plugin] });
    await rt.start();
    try {
      expect(rt.stats().plugins.cloudstorage).toMatchObject({ storages: 1 });
      expect(existsSync(join(scratch, DEFAULT_STORAGE_ROOT))).toBe(false);
      await rt.run(function* () {
        yield* uploadObject('default', 'a/b.txt', 'kept', { contentType: 'text/plain' });
      });
      expect(existsSync(join(scratch, DEFAULT_STORAGE_ROOT))).toBe(true);
    } finally {
      await rt.stop();
    }
    expect(rt.stats().resources.live).toBe(0);
    // Persistent: the next runtime in this directory sees the object.
    const again = createRuntime({ plugins: [streamPlugin(), plugin] });
    await again.start();
    try {
      const got = await again.run(function* () {
        const { data, info } = yield* downloadObject('default', 'a/b.txt');
        return { text: new TextDecoder().decode(data), type: info.contentType };
      });
      expect(got).toEqual({ text: 'kept', type: 'text/plain' });
      // An unknown storage name fails with a did-you-mean.
      const err = await again.run(function* () {
        try {
          yield* headObject('defualt', 'a/b.txt');
          return undefined;
        } catch (e) {
          return e as { code: string; message: string };
        }
      });
      expect(err?.code).toBe('STORAGE_NO_SUCH_STORAGE');
      expect(err?.message).toContain('did you mean "default"?');
    } finally {
      await again.stop();
    }
  });
});
