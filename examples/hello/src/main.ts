import { createRuntime, receive, all, type ProcessContext, type Pid } from '@switchyard/runtime';
import { processPlugin, spawn, send, monitor } from '@switchyard/plugin-process';
import { clockPlugin, sleep, startTicker, stopTicker, type Tick } from '@switchyard/plugin-clock';

const log = (who: string, what: string) => console.log(`${new Date().toISOString().slice(11, 23)}  ${who.padEnd(8)} ${what}`);

function* greeter(ctx: ProcessContext, name: string) {
  log(name, `started as ${ctx.pid}`);
  const msg = yield* receive<string>({ topic: 'greet', timeout: 2000 });
  log(name, `got "${msg.payload}" from ${msg.from}`);
  yield* sleep(50);
  return `${name} says hello back`;
}

function* main(ctx: ProcessContext) {
  log('main', `started as ${ctx.pid}; ticking every 100 ms`);
  const ticker = yield* startTicker(100, 'tick');
  for (let i = 0; i < 3; i++) {
    const { payload } = yield* receive<Tick>({ topic: 'tick' });
    log('main', `tick ${payload.tick}`);
  }
  yield* stopTicker(ticker);
  const pids: Pid[] = [];
  for (const name of ['alice', 'bob']) {
    const pid = yield* spawn(greeter, name);
    yield* monitor(pid);
    pids.push(pid);
  }
  yield* all(pids.map((pid, i) => send(pid, 'greet', `hello #${i + 1}`)));
  for (let i = 0; i < pids.length; i++) {
    const exit = yield* receive<{ pid: Pid; reason: { kind: string; value?: unknown } }>({ topic: '@pid/events' });
    log('main', `${exit.payload.pid} exited ${exit.payload.reason.kind}: ${String(exit.payload.reason.value)}`);
  }
  return 'done';
}

const rt = createRuntime({ plugins: [processPlugin(), clockPlugin()] });
await rt.start();
const result = await rt.run(main);
log('runtime', `main returned "${result}"; stats ${JSON.stringify(rt.stats())}`);
await rt.stop();
