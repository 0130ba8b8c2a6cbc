import { createServer } from 'node:http';
import { Agent, request as undiciRequest } from 'undici';
import { createRuntime } from '@switchyard/runtime';
import { streamPlugin } from '@switchyard/plugin-stream';
import { get, httpPlugin, text } from '@switchyard/plugin-http';
const BODY = 'hello world';
const server = createServer((_req, res) => res.end(BODY));
server.keepAliveTimeout = 60_000;
await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
const url = `http://127.0.0.1:${(server.address() as any).port}/`;
const rt = createRuntime({ plugins: [streamPlugin(), httpPlugin()] });
await rt.start();
const agent = new Agent();
const which = process.argv[2]; const n = +process.argv[3]; const conc = +(process.argv[4] ?? 1);
async function sy(k: number) { await Promise.all(Array.from({ length: conc }, () => rt.run(function* () { for (let i = 0; i < k / conc; i++) { const res = yield* get(url); if (res.status !== 200 || text(res) !== BODY) throw new Error('bad'); } }))); }
async function un(k: number) { await Promise.all(Array.from({ length: conc }, async () => { for (let i = 0; i < k / conc; i++) { const res = await undiciRequest(url, { dispatcher: agent }); if (await res.body.text() !== BODY) throw new Error('bad'); } })); }
const f = which === 'sy' ? sy : un;
await f(2000);
for (let r = 0; r < (process.env.ONLY ? 0 : 3); r++) {
  for (const [name, g] of [['undici', un], ['sy', sy]] as const) {
    const c0 = process.cpuUsage(); await g(n); const d = process.cpuUsage(c0);
    console.log(name, (n / ((d.user + d.system) / 1e6)).toFixed(0), 'req/CPU s');
  }
}
if (which === 'sy' || which === 'un') { const c0 = process.cpuUsage(); await f(n * 3); }
await rt.stop(); await agent.close(); server.closeAllConnections(); server.close();
