import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRuntime, receive, type Plugin, type Runtime } from '@switchyard/runtime';
import { clockPlugin, sleep } from '@switchyard/plugin-clock';
import { cloudStoragePlugin, DEFAULT_STORAGE_ROOT, deleteObjects, downloadObject, uploadObject } from '@switchyard/plugin-cloudstorage';
import { bind, call as callContract, contractPlugin, defineContract, open, type StandardSchemaV1 } from '@switchyard/plugin-contract';
import { eventPlugin, publish, subscribe } from '@switchyard/plugin-event';
import { execPlugin, run } from '@switchyard/plugin-exec';
import { call, functionPlugin } from '@switchyard/plugin-function';
import { get, httpPlugin, text } from '@switchyard/plugin-http';
import { processPlugin, spawn } from '@switchyard/plugin-process';
import { createToken, securityPlugin, validateToken } from '@switchyard/plugin-security';
import { execute, query, sqlPlugin } from '@switchyard/plugin-sql';
import { get as storeGet, set as storeSet, storePlugin } from '@switchyard/plugin-store';
import { close, openFile, readAll, seek, streamPlugin, write } from '@switchyard/plugin-stream';
import { defineWorkflow, listWorkflows, startWorkflow, workflowClient, workflowPlugin } from '@switchyard/plugin-workflow';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

/** Every shipped plugin, each with no options. */
const allPlugins = (): Plugin[] => [
  processPlugin(),
  clockPlugin(),
  streamPlugin(),
  httpPlugin(),
  eventPlugin(),
  sqlPlugin(),
  storePlugin(),
  securityPlugin(),
  functionPlugin(),
  execPlugin(),
  cloudStoragePlugin(),
  workflowPlugin(),
  contractPlugin(),
];

const hello = defineWorkflow('hello', function* (_ctx, name: string) {
  yield* sleep(5); // a durable timer in the in-memory journal
  return `hello, ${name}`;
});

/** A hand-written Standard Schema for strings (what zod or valibot would give). */
const str: StandardSchemaV1<string, string> = {
  '~standard': { version: 1, vendor: 'hello', validate: (v) => (typeof v === 'string' ? { value: v } : { issues: [{ message: 'expected a string' }] }) },
};
const Greeter = defineContract('greeter', { greet: { input: str, output: str } });

// The cloud storage default is a directory under the working directory: run in a scratch one.
let scratch = '';
let cwd = '';
let server: Server | undefined;
beforeEach(() => {
  cwd = process.cwd();
  scratch = mkdtempSync(join(tmpdir(), 'sy-hello-'));
  process.chdir(scratch);
});
afterEach(async () => {
  process.chdir(cwd);
  rmSync(scratch, { recursive: true, force: true });
  await closeServer();
});

async function closeServer(): Promise<void> {
  const s = server;
  server = undefined;
  if (s === undefined) return;
  s.closeAllConnections();
  await new Promise<void>((r) => s.close(() => r()));
}

/** The kinds of Node handles a plugin could leak, counted (timers are the plugins' stats' business). */
const handles = (info: string[]) => info.filter((k) => /TCP|Pipe|Process|File|FSReq|UDP|TTY|Signal/.test(k)).sort();

async function localServer(): Promise<string> {
  server = createServer((req, res) => res.end(`you asked for ${req.url}`));
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Nothing any plugin holds for a process once the processes ended. */
function expectNothingHeld(rt: Runtime): void {
  const s = rt.stats();
  expect(s.resources.live).toBe(0);
  expect(s.processes.live).toBe(0);
  expect(s.plugins.sql).toMatchObject({ statements: 0, transactions: 0, waiting: 0, inFlight: 0 });
  expect(s.plugins.exec).toMatchObject({ running: 0 });
  expect(s.plugins.http).toMatchObject({ inFlight: 0 });
  expect(s.plugins.cloudstorage).toMatchObject({ inFlight: 0 });
  expect(s.plugins.function).toMatchObject({ running: 0 });
  expect(s.plugins.workflow).toMatchObject({ loaded: 0, timers: 0, armedTimers: 0, resultWaiters: 0 });
}

describe('a newcomer installs every shipped plugin', () => {
  it('all thirteen boot in one runtime without options, and each default works', async () => {
    const before = process.getActiveResourcesInfo();
    const base = await localServer();
    const file = join(scratch, 'notes.txt');
    const rt = createRuntime({ plugins: allPlugins() });
    await rt.start();
    try {
      // The http server is opt-in: no port is opened by default.
      expect(rt.stats().plugins.http).not.toHaveProperty('port');
      // The workflow journal is in memory: not durable.
      expect(rt.stats().plugins.workflow).toMatchObject({ durable: 0 });
      const result = await rt.run(function* () {
        yield* sleep(1);
        // sql: database "default" in memory
        yield* execute('default', 'create table t (n integer)');
        yield* execute('default', 'insert into t values (1), (2)');
        const rows = yield* query<{ total: number }>('default', 'select sum(n) as total from t');
        // store: "default" in memory
        yield* storeSet('default', 'greeting', 'hello');
        const stored = yield* storeGet<string>('default', 'greeting');
        // event
        yield* subscribe('demo');
        yield* publish({ system: 'demo', kind: 'ping', path: 'here' });
        const event = yield* receive<{ kind: string }>({ topic: '@event/demo', timeout: 1000 });
        // process
        const child = yield* spawn(function* () {
          return 'child done';
        });
        // exec
        const ran = yield* run(process.execPath, ['-e', 'process.stdout.write("ok")']);
        // stream: any path
        const s = yield* openFile(file, 'w+');
        yield* write(s, 'a note');
        yield* seek(s, 0);
        const note = new TextDecoder().decode(yield* readAll(s));
        yield* close(s);
        // http: the client
        const res = yield* get(`${base}/hi`);
        // security: opaque token store "default" in memory
        const { token } = yield* createToken('default', { actor: 'user:1', scope: ['notes:read'] });
        const principal = yield* validateToken('default', token);
        // cloudstorage: directory storage "default"
        yield* uploadObject('default', 'notes/1.txt', 'stored object', { contentType: 'text/plain' });
        const object = yield* downloadObject('default', 'notes/1.txt');
        const removed = yield* deleteObjects('default', ['notes/1.txt']);
        // function, contract, workflow: nothing registered yet, and each says so
        const refusals: string[] = [];
        for (const attempt of [() => call('greet', 'ada'), () => open(Greeter), () => startWorkflow(hello, 'ada')]) {
          try {
            yield* attempt();
          } catch (e) {
            refusals.push((e as { code: string }).code);
          }
        }
        const runs = yield* listWorkflows();
        return {
          total: rows.rows[0]?.total,
          stored,
          kind: event.payload.kind,
          child: typeof child,
          out: ran.stdout,
          note,
          http: `${res.status} ${text(res)}`,
          actor: principal.actor,
          object: new TextDecoder().decode(object.data),
          removed: removed.deleted,
          refusals,
          runs: runs.length,
        };
      });
      expect(result).toEqual({
        total: 3,
        stored: 'hello',
        kind: 'ping',
        child: 'string',
        out: 'ok',
        note: 'a note',
        http: '200 you asked for /hi',
        actor: 'user:1',
        object: 'stored object',
        removed: ['notes/1.txt'],
        refusals: ['NO_SUCH_FUNCTION', 'NO_SUCH_CONTRACT', 'WORKFLOW_UNKNOWN'],
        runs: 0,
      });
      // The default storage is where the README says: .switchyard/storage under the working directory.
      expect(readdirSync(join(scratch, DEFAULT_STORAGE_ROOT))).toEqual(['notes']);
      expectNothingHeld(rt);
    } finally {
      await rt.stop();
    }
    expectNothingHeld(rt);
    // No socket, child process or file handle outlives the runtime (the test's own server closed first).
    await closeServer();
    for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
    expect(handles(process.getActiveResourcesInfo())).toEqual(handles(before));
  });

  it('the code-bearing plugins take your code and keep their defaults: a workflow runs to completion in the memory journal, a contract calls a function', async () => {
    const rt = createRuntime({
      plugins: [
        ...allPlugins().filter((p) => !['function', 'contract', 'workflow'].includes(p.name)),
        functionPlugin({ functions: { greet: async (_ctx: unknown, name: string) => `hi ${name}` } }),
        contractPlugin({ bindings: [bind({ name: 'greeter.main', contract: Greeter, methods: { greet: 'greet' } })] }),
        workflowPlugin({ workflows: [hello] }),
      ],
    });
    await rt.start();
    try {
      const greeting = await workflowClient(rt).execute(hello, 'ada');
      const viaContract = await rt.run(function* () {
        const g = yield* open(Greeter);
        return yield* callContract(g, 'greet', 'bob');
      });
      expect([greeting, viaContract]).toEqual(['hello, ada', 'hi bob']);
      expect((await workflowClient(rt).list())[0]).toMatchObject({ workflow: 'hello', status: 'completed' });
      expectNothingHeld(rt);
    } finally {
      await rt.stop();
    }
    expectNothingHeld(rt);
    // A new runtime starts from an empty journal: the in-memory default is not durable.
    const next = createRuntime({ plugins: [workflowPlugin({ workflows: [hello] })] });
    await next.start();
    try {
      expect(await workflowClient(next).list()).toEqual([]);
    } finally {
      await next.stop();
    }
  });

  it('the defaults are documented values a user can name', async () => {
    const { DEFAULT_SQL_OPTIONS } = await import('@switchyard/plugin-sql');
    const { DEFAULT_STORE_OPTIONS } = await import('@switchyard/plugin-store');
    const { DEFAULT_SECURITY_OPTIONS } = await import('@switchyard/plugin-security');
    const { DEFAULT_WORKFLOW_OPTIONS } = await import('@switchyard/plugin-workflow');
    expect(DEFAULT_SQL_OPTIONS).toEqual({ databases: { default: { file: ':memory:' } } });
    expect(DEFAULT_STORE_OPTIONS).toEqual({ stores: { default: { backend: 'memory' } } });
    expect(DEFAULT_SECURITY_OPTIONS).toEqual({ stores: { default: { type: 'opaque' } } });
    expect(DEFAULT_WORKFLOW_OPTIONS).toEqual({ file: ':memory:', workflows: [] });
    expect(DEFAULT_STORAGE_ROOT).toBe(join('.switchyard', 'storage'));
  });
});
