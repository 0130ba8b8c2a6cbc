import { defineConfig, mergeConfig } from 'vitest/config';
import shared from '../../vitest.shared.js';

// s3rver (the S3 server the s3 tests start) encrypts listing continuation tokens with DES,
// which Node 20's OpenSSL 3 only offers with the legacy provider.
export default mergeConfig(shared, defineConfig({ test: { execArgv: ['--openssl-legacy-provider'] } }));
