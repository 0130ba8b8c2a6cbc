import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRuntime, definePlugin, type Plugin, type ResourceTable, type Runtime } from '@switchyard/runtime';
import { streamPlugin } from '@switchyard/plugin-stream';
import { httpPlugin, type HttpPluginOptions } from '../src/index.js';

export interface Harness extends AsyncDisposable {
  readonly rt: Runtime;
  readonly resources: ResourceTable;
}

/** A started runtime with the stream and http plugins (and a probe that hands the test the resource table). */
export async function withHttp(options: HttpPluginOptions = {}, extra: readonly Plugin[] = []): Promise<Harness> {
  let resources: ResourceTable | undefined;
  const probe = definePlugin({ name: 'probe', commands: [900], setup: (ctx) => void (resources = ctx.resources) });
  const rt = createRuntime({ plugins: [streamPlugin(), httpPlugin(options), probe, ...extra], stopTimeoutMs: 3000 });
  await rt.start();
  return { rt, resources: resources!, [Symbol.asyncDispose]: () => rt.stop() };
}

export interface Local extends AsyncDisposable {
  readonly server: Server;
  readonly url: string;
  readonly port: number;
}

/** A real node:http server on 127.0.0.1 with an ephemeral port; closed (connections too) at dispose. */
export async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void, server: Server = createServer()): Promise<Local> {
  server.on('request', handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  const scheme = 'setSecureContext' in server ? 'https' : 'http';
  return {
    server,
    port,
    url: `${scheme}://127.0.0.1:${port}`,
    [Symbol.asyncDispose]: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of req) parts.push(c as Buffer);
  return Buffer.concat(parts);
}

/** A port nothing listens on (bound, then closed). */
export async function deadPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

export const pause = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
