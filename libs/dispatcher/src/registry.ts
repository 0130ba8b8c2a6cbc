import { describeValue } from '@switchyard/errors';
import { RegistryError } from './errors.js';
import { assertCommandId, FIRST_CUSTOM_ID, type CommandID } from './ids.js';
import type { Handler } from './handler.js';

/** Handlers by command ID: a fixed array for 1–255, a Map for 256+. Frozen after boot. */
export class Registry {
  private readonly system: (Handler | undefined)[] = new Array<Handler | undefined>(FIRST_CUSTOM_ID).fill(undefined);
  private readonly extended = new Map<CommandID, Handler>();
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
    if (id < FIRST_CUSTOM_ID) this.system[id] = handler;
    else this.extended.set(id, handler);
  }

  get(id: CommandID): Handler | undefined {
    return id < FIRST_CUSTOM_ID ? this.system[id] : this.extended.get(id);
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
    for (let i = 1; i < FIRST_CUSTOM_ID; i++) if (this.system[i] !== undefined) out.push(i);
    return out.concat([...this.extended.keys()].sort((a, b) => a - b));
  }
}
