/**
 * Functions, contracts and tokens:
 * 1. a function call through the runtime (command, registry, codec both ways) next to calling
 *    the async function directly;
 * 2. a contract call with zod schemas next to zod alone (parse input, call, parse output);
 * 3. token validations per second: opaque tokens in the plugin's memory, in a memory store and
 *    in a SQLite store, JWT HS256, next to jose's jwtVerify alone.
 * Rates are per process-CPU second; the case order rotates each round; each case is also given
 * as a ratio to the first case of its table measured in the same round (median and spread).
 * Every case's results are checked (a checksum over every operation).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bind, call as contractCall, contractPlugin, defineContract, open } from '@switchyard/plugin-contract';
import { call, functionPlugin, type FunctionContext } from '@switchyard/plugin-function';
import { createToken, securityPlugin, validateToken } from '@switchyard/plugin-security';
import { storePlugin } from '@switchyard/plugin-store';
import type { Command } from '@switchyard/dispatcher';
import { createRuntime, type Runtime } from '@switchyard/runtime';
import { jwtVerify } from 'jose';
import { z } from 'zod';
import { fmtRate, gc, isMain, median, table } from './util.js';

interface Case {
  readonly name: string;
  /** Runs `n` operations; resolves to a checksum that must equal `expect(n)`. */
  readonly run: (n: number) => Promise<number>;
}

function cpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

async function runChecked(c: Case, n: number, expect: (n: number) => number): Promise<void> {
  const sum = await c.run(n);
  if (sum !== expect(n)) throw new Error(`${c.name}: checksum ${sum}, expected ${expect(n)}: a result was wrong`);
}

/** Rotated rounds; the first case is the reference for the ratios. */
async function rounds(title: string, cases: readonly Case[], expect: (n: number) => number, n: number, count: number): Promise<string> {
  for (const c of cases) await runChecked(c, Math.max(1, n >> 2), expect);
  const rates = new Map<string, number[]>(cases.map((c) => [c.name, []]));
  const ratios = new Map<string, number[]>(cases.map((c) => [c.name, []]));
  for (let r = 0; r < count; r++) {
    const order = cases.map((_, k) => cases[(k + r) % cases.length]!);
    const thisRound = new Map<string, number>();
    for (const c of order) {
      gc();
      await runChecked(c, Math.max(1, n >> 4), expect);
      const t0 = cpuSeconds();
      await runChecked(c, n, expect);
      const rate = n / (cpuSeconds() - t0);
      thisRound.set(c.name, rate);
      rates.get(c.name)!.push(rate);
    }
    const ref = thisRound.get(cases[0]!.name)!;
    for (const c of cases) ratios.get(c.name)!.push(thisRound.get(c.name)! / ref);
  }
  const rows = cases.map((c) => {
    const rs = ratios.get(c.name)!;
    return [c.name, fmtRate(median(rates.get(c.name)!)), `${(median(rs) * 100).toFixed(1)}%`, `${(Math.min(...rs) * 100).toFixed(0)}–${(Math.max(...rs) * 100).toFixed(0)}%`];
  });
  return [`${title} (${n.toLocaleString('en')} per case per round, ${count} rounds, order rotated).`, '', table(['case', 'per CPU s', 'of first (median)', 'of first (spread)'], rows)].join('\n');
}

/** n sequential operations inside one process; each returns a number added to the checksum. */
function inProcess(rt: Runtime, op: () => Generator<Command, number, unknown>): (n: number) => Promise<number> {
  return (n) =>
    rt.run(function* () {
      let sum = 0;
      for (let i = 0; i < n; i++) sum += yield* op();
      return sum;
    });
}

const order = { card: 'tok_visa', cents: 1250, items: [{ sku: 'A-1', qty: 2 }, { sku: 'B-7', qty: 1 }] };
type Order = typeof order;
const charge = async (_ctx: FunctionContext, input: Order) => ({ id: `ch_${input.cents}`, cents: input.cents, lines: input.items.length });
const fctx: FunctionContext = { name: 'billing.charge', caller: '{local|0x00001}', principal: undefined, signal: new AbortController().signal, context: {} };

export async function runFunctionBench(n = 20_000, count = 7): Promise<string> {
  const out: string[] = [];
  const Billing = defineContract('billing', {
    charge: {
      input: z.object({ card: z.string().min(3), cents: z.number().int().positive(), items: z.array(z.object({ sku: z.string(), qty: z.number().int() })) }),
      output: z.object({ id: z.string(), cents: z.number(), lines: z.number() }),
    },
  });
  const rt = createRuntime({
    plugins: [
      functionPlugin({ functions: { billing: { charge } } }),
      contractPlugin({ bindings: [bind({ name: 'billing.main', contract: Billing, methods: { charge: 'billing.charge' } })] }),
    ],
  });
  await rt.start();
  try {
    out.push(
      await rounds(
        'Function calls',
        [
          {
            name: '(a) direct: await charge(ctx, input)',
            run: async (k) => {
              let sum = 0;
              for (let i = 0; i < k; i++) sum += (await charge(fctx, order)).cents;
              return sum;
            },
          },
          { name: '(b) yield* call("billing.charge", input)', run: inProcess(rt, function* () {
              return (yield* call<{ cents: number }>('billing.charge', order)).cents;
            }) },
        ],
        (k) => k * 1250,
        n,
        count,
      ),
    );
    out.push('');
    const inputSchema = Billing.methods.charge.input;
    const outputSchema = Billing.methods.charge.output;
    out.push(
      await rounds(
        'Contract calls (zod)',
        [
          {
            name: '(a) zod alone: parse input, await charge, parse output',
            run: async (k) => {
              let sum = 0;
              for (let i = 0; i < k; i++) sum += outputSchema.parse(await charge(fctx, inputSchema.parse(order))).cents;
              return sum;
            },
          },
          {
            name: '(b) yield* call(billing, "charge", input)',
            run: (k) =>
              rt.run(function* () {
                const billing = yield* open(Billing);
                let sum = 0;
                for (let i = 0; i < k; i++) sum += (yield* contractCall(billing, 'charge', order)).cents;
                return sum;
              }),
          },
        ],
        (k) => k * 1250,
        n,
        count,
      ),
    );
  } finally {
    await rt.stop();
  }
  out.push('');
  out.push(await runTokenBench(Math.max(1, n >> 1), count));
  return out.join('\n');
}

export async function runTokenBench(n = 10_000, count = 7): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-bench-tokens-'));
  const secret = 'a jwt secret of at least 32 bytes, for the bench';
  const rt = createRuntime({
    plugins: [
      storePlugin({ stores: { mem: { backend: 'memory' }, lite: { backend: 'sqlite', file: join(dir, 'tokens.db') } } }),
      securityPlugin({
        stores: {
          plain: { type: 'opaque' },
          tagged: { type: 'opaque', hmacSecret: secret },
          mem: { type: 'opaque', store: 'mem' },
          lite: { type: 'opaque', store: 'lite' },
          web: { type: 'jwt', algorithm: 'HS256', keys: { k1: secret }, signWith: 'k1' },
        },
      }),
    ],
  });
  await rt.start();
  try {
    const tokens = await rt.run(function* () {
      const t: Record<string, string> = {};
      for (const s of ['plain', 'tagged', 'mem', 'lite', 'web']) t[s] = (yield* createToken(s, { actor: 'user:42', scope: ['orders:read'], ttlMs: 3_600_000 })).token;
      return t;
    });
    const key = new TextEncoder().encode(secret);
    const validate = (store: string) =>
      inProcess(rt, function* () {
        return (yield* validateToken(store, tokens[store]!)).actor.length;
      });
    return await rounds(
      'Token validations',
      [
        {
          name: '(a) jose jwtVerify alone, HS256',
          run: async (k) => {
            let sum = 0;
            for (let i = 0; i < k; i++) sum += ((await jwtVerify(tokens.web!, key)).payload.sub as string).length;
            return sum;
          },
        },
        { name: '(b) validateToken, JWT HS256', run: validate('web') },
        { name: '(c) validateToken, opaque, plugin memory', run: validate('plain') },
        { name: '(d) validateToken, opaque + HMAC tag, plugin memory', run: validate('tagged') },
        { name: '(e) validateToken, opaque, memory store', run: validate('mem') },
        { name: '(f) validateToken, opaque, SQLite store', run: validate('lite') },
      ],
      (k) => k * 'user:42'.length,
      n,
      count,
    );
  } finally {
    await rt.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (isMain(import.meta.url)) {
  const n = Number(process.argv[2] ?? 20_000);
  console.log(await runFunctionBench(n));
}
