import type { Handler, ResultReceiver, Tag } from '@switchyard/dispatcher';
import { describeValue, didYouMean } from '@switchyard/errors';
import { storesKey } from '@switchyard/plugin-store';
import { requireScopes, type PluginContext, type ProcessFn } from '@switchyard/runtime';
import {
  SecurityCommand,
  type CreateTokenCmd,
  type RevokeTokenCmd,
  type SpawnAsCmd,
  type TokenMeta,
  type ValidateTokenCmd,
} from './commands.js';
import { SecurityError } from './errors.js';
import { JwtTokens } from './jwt.js';
import { OpaqueTokens, type TokenStore } from './opaque.js';
import type { ResolvedStore } from './options.js';
import { memoryRecords, storeRecords, type Records } from './records.js';

const MAX_ACTOR = 256;
const MAX_SCOPES = 256;

/** Complete with a value or a promise of one. */
function complete(receiver: ResultReceiver, tag: Tag, result: unknown): void {
  if (result instanceof Promise) result.then((v) => receiver.completeYield(tag, v), (e: unknown) => receiver.completeYield(tag, undefined, e));
  else receiver.completeYield(tag, result);
}

/** The security plugin's state for one runtime: its token stores. */
export class SecurityHandlers {
  private readonly stores = new Map<string, TokenStore>();
  private readonly options: ReadonlyMap<string, ResolvedStore>;
  private readonly memory: (Records & { size(): number })[] = [];
  /** Epoch ms: the wall clock at start, advanced by the runtime clock (virtual in tests). */
  private wallBase = Date.now();
  private clockBase: number;
  private validations = 0;
  private refusals = 0;

  constructor(
    private readonly ctx: PluginContext,
    stores: readonly ResolvedStore[],
  ) {
    this.options = new Map(stores.map((s) => [s.name, s]));
    this.clockBase = ctx.clock.now();
  }

  readonly now = (): number => this.wallBase + (this.ctx.clock.now() - this.clockBase);

  /** At start: the store plugin's stores are open now. */
  open(): void {
    this.wallBase = Date.now();
    this.clockBase = this.ctx.clock.now();
    for (const o of this.options.values()) {
      const backing = o.type === 'opaque' ? o.store : o.denylist;
      let records: Records;
      if (backing === undefined) {
        const m = memoryRecords(this.now);
        this.memory.push(m);
        records = m;
      } else {
        const stores = this.ctx.boot.get(storesKey);
        if (!stores.names().includes(backing)) {
          throw new SecurityError('SECURITY_BAD_OPTIONS', `securityPlugin(): store "${o.name}" keeps its records in store "${backing}", which storePlugin does not configure${didYouMean(backing, stores.names())}`, o.name);
        }
        records = storeRecords(stores, backing);
      }
      this.stores.set(o.name, o.type === 'opaque' ? new OpaqueTokens(o, records, this.now) : new JwtTokens(o, records, this.now));
    }
  }

  stats(): Record<string, number> {
    let memoryRecordsHeld = 0;
    for (const m of this.memory) memoryRecordsHeld += m.size();
    return { validations: this.validations, refusals: this.refusals, memoryRecords: memoryRecordsHeld };
  }

  private store(name: unknown): TokenStore {
    const s = typeof name === 'string' ? this.stores.get(name) : undefined;
    if (s !== undefined) return s;
    const known = [...this.options.keys()];
    throw new SecurityError(
      'NO_SUCH_TOKEN_STORE',
      `no token store ${describeValue(name)}${typeof name === 'string' ? didYouMean(name, known) : ''} (configured: ${known.map((n) => `"${n}"`).join(', ') || 'none'})`,
      typeof name === 'string' ? name : undefined,
    );
  }

  private validate(store: unknown, token: unknown) {
    const s = this.store(store);
    this.validations++;
    try {
      const r = s.validate(token);
      if (r instanceof Promise) return r.catch((e: unknown) => Promise.reject(this.refused(e)));
      return r;
    } catch (e) {
      throw this.refused(e);
    }
  }

  private refused(e: unknown): unknown {
    this.refusals++;
    return e;
  }

  readonly validateH: Handler<ValidateTokenCmd> = (_ctx, cmd, tag, receiver) => complete(receiver, tag, this.validate(cmd.store, cmd.token));

  readonly createH: Handler<CreateTokenCmd> = (ctx, cmd, tag, receiver) => {
    const s = this.store(cmd.store);
    const o = this.options.get(cmd.store)!;
    const bad = (what: string) => new SecurityError('SECURITY_BAD_ARGUMENT', `createToken("${o.name}"): ${what}`, o.name);
    const input = cmd.input as unknown as Record<string, unknown> | null;
    if (typeof input !== 'object' || input === null) throw bad(`expected { actor, scope?, meta?, ttlMs? }, got ${describeValue(input)}`);
    const { actor, scope = [], meta = {}, ttlMs = o.ttlMs } = input;
    if (typeof actor !== 'string' || actor === '' || actor.length > MAX_ACTOR) throw bad(`actor must be a non-empty string of at most ${MAX_ACTOR} characters, got ${describeValue(actor)}`);
    if (!Array.isArray(scope) || scope.length > MAX_SCOPES || scope.some((x) => typeof x !== 'string' || x === '' || /\s/.test(x))) {
      throw bad(`scope must be an array of at most ${MAX_SCOPES} non-empty strings without spaces`);
    }
    if (typeof meta !== 'object' || meta === null || Array.isArray(meta)) throw bad(`meta must be an object, got ${describeValue(meta)}`);
    if (typeof ttlMs !== 'number' || !Number.isInteger(ttlMs) || ttlMs < 1 || ttlMs > o.maxTtlMs) throw bad(`ttlMs must be an integer from 1 to ${o.maxTtlMs} (maxTtlMs), got ${describeValue(ttlMs)}`);
    // A caller acting for a principal grants only what it has itself: no way to raise rights through a token.
    const creator = this.ctx.principals.of(ctx.pid);
    if (creator !== undefined) requireScopes(`granting a token in store "${o.name}"`, scope as string[], creator);
    complete(receiver, tag, s.create(actor, [...new Set(scope as string[])], meta as TokenMeta, ttlMs));
  };

  readonly revokeH: Handler<RevokeTokenCmd> = (_ctx, cmd, tag, receiver) => complete(receiver, tag, this.store(cmd.store).revoke(cmd.token));

  readonly spawnAsH: Handler<SpawnAsCmd> = (ctx, cmd, tag, receiver) => {
    const signal = ctx.signal;
    const spawn = (info: { actor: string; scope: readonly string[] }) => {
      const principal = this.ctx.principals.issue(info.actor, info.scope);
      return this.ctx.runtime.spawnWith({ principal }, cmd.fn as ProcessFn<unknown[], unknown> | string, ...cmd.args);
    };
    const info = this.validate(cmd.store, cmd.token);
    if (info instanceof Promise) {
      info.then(
        (i) => {
          // The caller stopped waiting (it ended, or lost a race): nobody would know the new process.
          if (signal.aborted) return;
          let pid: string;
          try {
            pid = spawn(i);
          } catch (e) {
            receiver.completeYield(tag, undefined, e);
            return;
          }
          receiver.completeYield(tag, pid);
        },
        (e: unknown) => receiver.completeYield(tag, undefined, e),
      );
    } else {
      receiver.completeYield(tag, spawn(info));
    }
  };

  get handlers() {
    return {
      [SecurityCommand.ValidateToken]: this.validateH,
      [SecurityCommand.CreateToken]: this.createH,
      [SecurityCommand.RevokeToken]: this.revokeH,
      [SecurityCommand.SpawnAs]: this.spawnAsH,
    };
  }
}
