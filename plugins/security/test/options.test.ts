import { storePlugin } from '@switchyard/plugin-store';
import { createRuntime } from '@switchyard/runtime';
import { describe, expect, it } from 'vitest';
import { securityPlugin, type SecurityPluginOptions } from '../src/index.js';

async function bootFails(options: unknown): Promise<Error & { code?: string }> {
  const rt = createRuntime({ plugins: [securityPlugin(options as SecurityPluginOptions)] });
  try {
    await rt.start();
  } catch (error) {
    let e = error as Error & { code?: string; cause?: unknown };
    while (e.code === undefined || e.code === 'COMPONENT_FAILED') e = e.cause as typeof e;
    return e;
  } finally {
    await rt.stop();
  }
  throw new Error('the boot did not fail');
}

describe('securityPlugin options', () => {
  it('names the store and option at fault, and never prints a secret', async () => {
    const cases: [unknown, RegExp][] = [
      [{ stores: { api: { type: 'opaq' } } }, /store "api": "type" must be "opaque" or "jwt", got "opaq"/],
      [{ stores: { api: { type: 'opaque', ttl: 5 } } }, /store "api": "ttl" is not an option \(did you mean "ttlMs"\?\)/],
      [{ stores: { api: { type: 'opaque', hmacSecret: 'short-secret' } } }, /"hmacSecret" must be a string or Uint8Array of at least 32 bytes, got 12 bytes/],
      [{ stores: { api: { type: 'opaque', keyId: 'has_underscore' } } }, /"keyId" must be 1–16 letters or digits/],
      [{ stores: { web: { type: 'jwt', algorithm: 'RS256', keys: {}, signWith: 'a' } } }, /"algorithm" must be "HS256" or "EdDSA"/],
      [{ stores: { web: { type: 'jwt', algorithm: 'HS256', keys: { k1: 'x'.repeat(32) }, signWith: 'k2' } } }, /"signWith" must name one of the keys \(k1\)/],
      [{ stores: { web: { type: 'jwt', algorithm: 'EdDSA', keys: { k1: 'x'.repeat(32) }, signWith: 'k1' } } }, /"keys.k1" must be \{ publicKey, privateKey\? \}/],
    ];
    for (const [options, message] of cases) {
      const e = await bootFails(options);
      expect(e.code).toBe('SECURITY_BAD_OPTIONS');
      expect(e.message).toMatch(message);
      expect(e.message).not.toContain('short-secret');
    }
  });

  it('needs the store plugin for a store-backed token store, and a store it configures', async () => {
    const missing = createRuntime({ plugins: [securityPlugin({ stores: { api: { type: 'opaque', store: 'tokens' } } })] });
    await expect(missing.start()).rejects.toThrow(/"security" depends on "store"/);
    await missing.stop();
    const wrong = createRuntime({
      plugins: [securityPlugin({ stores: { api: { type: 'opaque', store: 'tokenz' } } }), storePlugin({ stores: { tokens: { backend: 'memory' } } })],
    });
    await expect(wrong.start()).rejects.toThrow(/store "api" keeps its records in store "tokenz", which storePlugin does not configure \(did you mean "tokens"\?\)/);
    await wrong.stop();
  });
});
