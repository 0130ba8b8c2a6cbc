import { describeValue } from '@switchyard/errors';
import { RegistryError } from './errors.js';
import { assertCommandId, type CommandID } from './ids.js';
import type { Handler } from './handler.js';

type Page = (Handler | undefined)[];

/**
 * Handlers by command ID: 256 pages of 256 slots, a page allocated when a handler of its range
 * registers (the system range 1–255 is page 0). A lookup is two array loads, every dispatch makes
 * one: cheaper than a Map lookup for the custom IDs most commands have. Frozen after boot.
 */
export class Registry {
  private readonly pages: (Page | undefined)[] = new Array<Page | undefined>(256).fill(undefined);
  private frozen = false;

  register(id: CommandID, handler: Handler): void {
    assertCommandId(id);
    if (typeof handler !== 'function') {
      throw new RegistryError('BAD_HANDLER', id, `handler for command ID ${id} must be a function, got ${describeValue(handler)}`);
    }
    if (this.frozen) {
      throw new RegistryError('REGISTRY_FROZEN', id, `cannot register command ID ${id}: the registry is frozen (registration happens only while booting)`);
    }
    if (this.has(id)) {
      throw new RegistryError('DUPLICATE_HANDLER', id, `command ID ${id} already has a handler`);
    }
    const page = (this.pages[id >> 8] ??= new Array<Handler | undefined>(256).fill(undefined));
    page[id & 255] = handler;
  }

  get(id: CommandID): Handler | undefined {
    // Only integers 0–65535 index the table (a yielded id may be anything numeric: 1.5, -1, 1e9).
    if ((id & 0xffff) !== id) return undefined;
    const page = this.pages[id >> 8];
    return page === undefined ? undefined : page[id & 255];
  }

  has(id: CommandID): boolean {
    return this.get(id) !== undefined;
  }

  freeze(): void {
    this.frozen = true;
  }

  get isFrozen(): boolean {
    return this.frozen;
  }

  /** Registered IDs in ascending order. */
  ids(): CommandID[] {
    const out: CommandID[] = [];
    for (let i = 1; i <= 0xffff; i++) if (this.get(i) !== undefined) out.push(i);
    return out;
  }
}
