import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createRuntime, type Runtime } from '../src/index.js';
import { Echo, probePlugin } from './probe.js';

let rt: Runtime | undefined;
afterEach(async () => {
  await rt?.stop();
  rt = undefined;
});

/** Two processes that yield synchronously-completing commands forever. */
async function busyRuntime() {
  rt = createRuntime({ plugins: [probePlugin()] });
  await rt.start();
  let steps = 0;
  for (let i = 0; i < 2; i++) {
    rt.spawn(function* () {
      for (;;) {
        yield* new Echo(i);
        steps++;
      }
    });
  }
  return { rt, steps: () => steps };
}

describe('fairness', () => {
  it('does not starve a setTimeout while processes yield in a tight loop', async () => {
    const { steps } = await busyRuntime();
    const before = steps();
    await new Promise((resolve) => setTimeout(resolve, 20));
    // The timer fired, and the busy processes made progress meanwhile.
    expect(steps()).toBeGreaterThan(before);
  });

  it('serves a socket on the same event loop while processes yield in a tight loop', async () => {
    const server = net.createServer((socket) => socket.pipe(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as net.AddressInfo;
    try {
      const { steps } = await busyRuntime();
      const before = steps();
      const echoed = await new Promise<string>((resolve, reject) => {
        const client = net.connect(port, '127.0.0.1', () => client.write('ping'));
        client.on('data', (d) => {
          client.end();
          resolve(d.toString());
        });
        client.on('error', reject);
      });
      expect(echoed).toBe('ping');
      expect(steps()).toBeGreaterThan(before);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('runs ready processes in FIFO order, one step each', async () => {
    rt = createRuntime({ plugins: [probePlugin()] });
    await rt.start();
    const trace: string[] = [];
    const worker = function* (_ctx: unknown, name: string) {
      for (let i = 0; i < 3; i++) {
        trace.push(`${name}${i}`);
        yield* new Echo(i);
      }
    };
    const a = rt.spawn(worker, 'a');
    const b = rt.spawn(worker, 'b');
    await Promise.all([rt.wait(a), rt.wait(b)]);
    expect(trace).toEqual(['a0', 'b0', 'a1', 'b1', 'a2', 'b2']);
  });
});
