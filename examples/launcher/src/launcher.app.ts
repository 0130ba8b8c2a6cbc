/**
 * The launcher as a `switchyard run` app:
 *   npx switchyard run examples/launcher/src/launcher.app.ts -- [services.json]
 * Without a file it runs the bundled demo.
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineApp } from 'switchyard';
import { createLauncherApp } from './app.js';

const demo = fileURLToPath(new URL('../demo/services.json', import.meta.url));

export default defineApp(async ({ argv, cwd }) => createLauncherApp(argv[0] === undefined ? demo : resolve(cwd, argv[0])));
