import fc from 'fast-check';
import { createTestRuntime } from '@switchyard/testing';
import { describe, expect, it } from 'vitest';
import { createToken, securityPlugin, validateToken } from '../src/index.js';
import { attempt, SECRET, value } from './harness.js';

describe('random input never validates', () => {
  it('byte strings (raw, base64url, prefixed, with tags) are TOKEN_INVALID in opaque and JWT stores', async () => {
    await using t = await createTestRuntime({
      plugins: [
        securityPlugin({
          stores: {
            api: { type: 'opaque' },
            tag: { type: 'opaque', hmacSecret: SECRET },
            web: { type: 'jwt', algorithm: 'HS256', keys: { k1: SECRET }, signWith: 'k1' },
          },
        }),
      ],
    });
    // Live tokens in every store, so lookups have something to (not) find.
    for (const store of ['api', 'tag', 'web']) await value(t, () => createToken(store, { actor: 'a' }));
    const candidate = fc.oneof(
      fc.uint8Array({ maxLength: 80 }).map((b) => Buffer.from(b).toString('latin1')),
      fc.uint8Array({ minLength: 48, maxLength: 48 }).map((b) => `api_${Buffer.from(b).toString('base64url')}`),
      fc.uint8Array({ minLength: 48, maxLength: 48 }).map((b) => `tag_${Buffer.from(b).toString('base64url')}.${Buffer.from(b.subarray(0, 16)).toString('base64url')}`),
      fc.tuple(fc.uint8Array({ maxLength: 40 }), fc.uint8Array({ maxLength: 80 }), fc.uint8Array({ maxLength: 40 })).map(
        ([h, p, s]) => [h, p, s].map((b) => Buffer.from(b).toString('base64url')).join('.'),
      ),
      fc.string({ maxLength: 100 }),
    );
    await fc.assert(
      fc.asyncProperty(candidate, fc.constantFrom('api', 'tag', 'web'), async (token, store) => {
        const o = await attempt(t, () => validateToken(store, token));
        expect(o.ok).toBe(false);
        expect(!o.ok && o.error.code).toBe('TOKEN_INVALID');
      }),
      { numRuns: 300 },
    );
  });
});
