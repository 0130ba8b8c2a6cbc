import { createServer } from 'node:http';
import { createRuntime } from '@switchyard/runtime';
import { streamPlugin } from '@switchyard/plugin-stream';
import { httpPlugin, serverAddress } from '@switchyard/plugin-http';
const BODY = 'hello world';
const which = process.argv[2];
let url: string;
let stop: () => Promise<void>;
if (which === 'bare') {
  const s = createServer((_req, res) => { res.setHeader('content-type', 'text/plain; charset=utf-8'); res.end(BODY); });
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  url = `http://127.0.0.1:${(s.address() as any).port}/hello`;
  stop = async () => { s.closeAllConnections(); s.close(); };
} else {
  const rt = createRuntime({ plugins: [streamPlugin(), httpPlugin({ server: { port: 0, routes: [{ method: 'GET', path: '/hello', *handler() { return { body: BODY }; } }] } })] });
  await rt.start();
  url = (await rt.run(function* () { return (yield* serverAddress()).url; })) + '/hello';
  stop = () => rt.stop();
}
process.stdout.write(url + '\n');
process.on('SIGINT', async () => { await stop(); process.exit(0); });
