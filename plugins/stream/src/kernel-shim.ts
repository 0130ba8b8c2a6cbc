// TEMPORARY: the kernel v2 resource table as specified, until it lands on main. Deleted at the merge.
import { SwitchyardError } from '@switchyard/errors';
import type { Pid, PluginContext, Runtime } from '@switchyard/runtime';

export interface Handle<K extends string = string> {
  readonly kind: K;
  readonly id: number;
}

export interface ResourceTable {
  add<K extends string, V>(owner: Pid, kind: K, value: V, dispose?: (value: V) => void): Handle<K>;
  use<V>(pid: Pid, handle: unknown, kind: string): V;
  close(pid: Pid, handle: unknown, kind: string): void;
  release(handle: Handle): boolean;
  get<V>(handle: Handle): V | undefined;
  ownerOf(handle: Handle): Pid | undefined;
  count(kind?: string, owner?: Pid): number;
}

export class NotOwnerError extends SwitchyardError {
  constructor(readonly handle: Handle, readonly pid: Pid, readonly owner: Pid) {
    super('NOT_OWNER', `${handle.kind} ${handle.id} belongs to ${owner}, not to ${pid}`);
  }
}
export class NoSuchResourceError extends SwitchyardError {
  constructor(readonly handle: unknown, readonly pid: Pid) {
    super('NO_SUCH_RESOURCE', `no resource ${JSON.stringify(handle)} for ${pid}: unknown, closed, or of another kind`);
  }
}

interface Entry {
  owner: Pid;
  kind: string;
  value: unknown;
  dispose: ((v: unknown) => void) | undefined;
  handle: Handle;
}

class ShimTable implements ResourceTable {
  private next = 1;
  private readonly entries = new Map<number, Entry>();
  private readonly hooked = new Set<Pid>();
  constructor(private readonly rt: Runtime) {}
  add<K extends string, V>(owner: Pid, kind: K, value: V, dispose?: (value: V) => void): Handle<K> {
    const handle = Object.freeze({ kind, id: this.next++ });
    this.entries.set(handle.id, { owner, kind, value, dispose: dispose as ((v: unknown) => void) | undefined, handle });
    if (!this.hooked.has(owner)) {
      this.hooked.add(owner);
      this.rt.onExit(owner, () => {
        this.hooked.delete(owner);
        const mine = [...this.entries.values()].filter((e) => e.owner === owner).reverse();
        for (const e of mine) {
          this.entries.delete(e.handle.id);
          try {
            e.dispose?.(e.value);
          } catch {
            // counted by the real table
          }
        }
      });
    }
    return handle;
  }
  private entry(pid: Pid, handle: unknown, kind: string): Entry {
    const id = (handle as { id?: unknown } | null)?.id;
    const e = typeof id === 'number' ? this.entries.get(id) : undefined;
    if (e === undefined || e.kind !== kind || (handle as Handle).kind !== kind) throw new NoSuchResourceError(handle, pid);
    if (e.owner !== pid) throw new NotOwnerError(e.handle, pid, e.owner);
    return e;
  }
  use<V>(pid: Pid, handle: unknown, kind: string): V {
    return this.entry(pid, handle, kind).value as V;
  }
  close(pid: Pid, handle: unknown, kind: string): void {
    const e = this.entry(pid, handle, kind);
    this.entries.delete(e.handle.id);
    e.dispose?.(e.value);
  }
  release(handle: Handle): boolean {
    return this.entries.delete(handle.id);
  }
  get<V>(handle: Handle): V | undefined {
    return this.entries.get(handle.id)?.value as V | undefined;
  }
  ownerOf(handle: Handle): Pid | undefined {
    return this.entries.get(handle.id)?.owner;
  }
  count(kind?: string, owner?: Pid): number {
    let n = 0;
    for (const e of this.entries.values()) if ((kind === undefined || e.kind === kind) && (owner === undefined || e.owner === owner)) n++;
    return n;
  }
}

const tables = new WeakMap<Runtime, ResourceTable>();

export function resourcesOf(ctx: PluginContext | Runtime): ResourceTable {
  const real = (ctx as { resources?: ResourceTable }).resources;
  if (real !== undefined) return real;
  const rt = 'runtime' in ctx ? ctx.runtime : ctx;
  let t = tables.get(rt);
  if (t === undefined) tables.set(rt, (t = new ShimTable(rt)));
  return t;
}
