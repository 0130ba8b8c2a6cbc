import { createHash, createHmac } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { downloadObject, headObject, presignedGetURL, presignedPutURL, uploadObject } from '../src/index.js';
import { run, storageSuite } from './suite.js';
import { withStorage } from './harness.js';

// s3rver: a real S3 protocol server in this process. Its paginated listing uses DES, hence
// --openssl-legacy-provider in vitest.config.ts. It checks neither If-None-Match nor presigned signatures.
let server: S3rver;
let endpoint = '';
let dir = '';
let bucketSerial = 0;
const KEY = 'S3RVER';
const SECRET = 'S3RVER';

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sy-s3rver-'));
  const buckets = Array.from({ length: 20 }, (_, i) => ({ name: `bucket-${i}` }));
  server = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory: dir, configureBuckets: buckets });
  const addr = await server.run();
  endpoint = `http://127.0.0.1:${addr.port}`;
});

afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Each test gets its own empty bucket. */
const makeS3 = (compatible = true) =>
  withStorage(
    {
      storages: {
        bucket: { type: 's3', bucket: `bucket-${bucketSerial++}`, endpoint, region: 'us-east-1', forcePathStyle: true, compatible, credentials: { accessKeyId: KEY, secretAccessKey: SECRET } },
      },
    },
    'bucket',
  );

storageSuite('s3 (s3rver)', () => makeS3(), { conditionals: false });

const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data).digest();

/** Recompute the SigV4 query signature of a presigned URL from scratch (s3rver does not check it). */
function checkSigV4(url: string, method: string, headers: Record<string, string>): { expected: string; actual: string; signedHeaders: string; expires: number } {
  const u = new URL(url);
  const q = u.searchParams;
  const actual = q.get('X-Amz-Signature')!;
  const amzDate = q.get('X-Amz-Date')!;
  const scope = q.get('X-Amz-Credential')!.split('/').slice(1).join('/');
  const [date, region, service] = scope.split('/');
  const signedHeaders = q.get('X-Amz-SignedHeaders')!;
  const params = [...q.entries()].filter(([k]) => k !== 'X-Amz-Signature');
  const enc = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
  const canonicalQuery = params
    .map(([k, v]) => [enc(k), enc(v)])
    .sort(([a, x], [b, y]) => (a! < b! ? -1 : a! > b! ? 1 : x! < y! ? -1 : 1))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  const all: Record<string, string> = { host: u.host, ...headers };
  const canonicalHeaders = signedHeaders
    .split(';')
    .map((h) => `${h}:${all[h]!.trim()}\n`)
    .join('');
  const canonicalRequest = [method, u.pathname, canonicalQuery, canonicalHeaders, signedHeaders, 'UNSIGNED-PAYLOAD'].join('\n');
  const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, createHash('sha256').update(canonicalRequest).digest('hex')].join('\n');
  const kSigning = hmac(hmac(hmac(hmac('AWS4' + SECRET, date!), region!), service!), 'aws4_request');
  return { expected: createHmac('sha256', kSigning).update(toSign).digest('hex'), actual, signedHeaders, expires: Number(q.get('X-Amz-Expires')) };
}

describe('s3 backend', () => {
  it('presigns GET and PUT URLs that a plain HTTP client uses, with a SigV4 signature we can recompute', async () => {
    await using h = await makeS3();
    const s = h.storage;
    const { get, put } = await h.rt.run(function* () {
      yield* uploadObject(s, 'pre/get.txt', 'presigned body');
      const get = yield* presignedGetURL(s, 'pre/get.txt');
      const put = yield* presignedPutURL(s, 'pre/put.txt', { expiresIn: 120, contentType: 'text/plain', contentLength: 7 });
      return { get, put };
    });
    const g = checkSigV4(get, 'GET', {});
    expect(g.expected).toBe(g.actual);
    expect(g.expires).toBe(900);
    const p = checkSigV4(put, 'PUT', { 'content-type': 'text/plain', 'content-length': '7' });
    expect(p.signedHeaders.split(';').sort()).toEqual(['content-length', 'content-type', 'host']);
    expect(p.expected).toBe(p.actual);
    expect(p.expires).toBe(120);
    // No checksum of an empty body is baked into the PUT URL (compatible mode).
    expect(put).not.toMatch(/x-amz-checksum|x-amz-sdk-checksum/i);
    // A tampered URL no longer matches its signature.
    expect(checkSigV4(put.replace('pre%2Fput', 'pre%2Fpwn').replace('pre/put', 'pre/pwn'), 'PUT', { 'content-type': 'text/plain', 'content-length': '7' }).expected).not.toBe(p.actual);

    expect(await (await fetch(get)).text()).toBe('presigned body');
    const res = await fetch(put, { method: 'PUT', body: 'via PUT', headers: { 'content-type': 'text/plain' } });
    expect(res.status).toBe(200);
    const back = await run(h, downloadObject(s, 'pre/put.txt'));
    expect(Buffer.from(back.data).toString()).toBe('via PUT');
    expect(back.info.contentType).toBe('text/plain');
  });

  it('works without the compatible switch too (default SDK checksums)', async () => {
    await using h = await makeS3(false);
    await run(h, uploadObject(h.storage, 'plain.txt', 'x'));
    expect(await run(h, headObject(h.storage, 'plain.txt'))).toMatchObject({ size: 1 });
  });
});
