import { NameTakenError } from './errors.js';
import type { Proc } from './proc.js';
import type { Pid } from './types.js';

/** Registered process names of one runtime. A name is released when its process ends. */
export class Names {
  private readonly byName = new Map<string, Proc>();

  get size(): number {
    return this.byName.size;
  }

  register(name: string, p: Proc): void {
    const holder = this.byName.get(name);
    if (holder !== undefined) {
      if (holder === p) return;
      throw new NameTakenError(name, holder.pid);
    }
    this.byName.set(name, p);
    (p.extra().names ??= []).push(name);
  }

  unregister(name: string): boolean {
    const p = this.byName.get(name);
    if (p === undefined) return false;
    this.byName.delete(name);
    const list = p.x?.names;
    if (list) {
      const i = list.indexOf(name);
      if (i >= 0) list.splice(i, 1);
    }
    return true;
  }

  whereis(name: string): Proc | undefined {
    return this.byName.get(name);
  }

  names(): string[] {
    return [...this.byName.keys()];
  }

  releaseAll(names: readonly string[], pid: Pid): void {
    for (const n of names) if (this.byName.get(n)?.pid === pid) this.byName.delete(n);
  }
}
