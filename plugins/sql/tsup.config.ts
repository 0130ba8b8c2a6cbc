import { defineConfig } from 'tsup';
import shared from '../../tsup.shared.js';

// shims: the CommonJS build gets a working import.meta.url, which locates better-sqlite3 for worker threads.
export default defineConfig({ ...(shared as object), shims: true });
