import { describe, expect, it } from 'vitest';
import { BadCommandIdError, Registry, RegistryError, SwitchyardError, type Handler } from '@switchyard/dispatcher';

const noop: Handler = () => {};
const other: Handler = () => {};

describe('Registry', () => {
  it('returns the handler registered for a system ID and for an extended ID', () => {
    const r = new Registry();
    r.register(1, noop);
    r.register(255, other);
    r.register(256, noop);
    r.register(65535, other);
    expect(r.get(1)).toBe(noop);
    expect(r.get(255)).toBe(other);
    expect(r.get(256)).toBe(noop);
    expect(r.get(65535)).toBe(other);
  });

  it('has() and get() report nothing for IDs without a handler, on both sides of 256', () => {
    const r = new Registry();
    r.register(10, noop);
    r.register(300, noop);
    for (const id of [1, 11, 255, 256, 299, 301, 65535]) {
      expect(r.has(id)).toBe(false);
      expect(r.get(id)).toBeUndefined();
    }
    expect(r.has(10)).toBe(true);
    expect(r.has(300)).toBe(true);
  });

  it('does not confuse out-of-range lookups with registered IDs', () => {
    const r = new Registry();
    r.register(1, noop);
    r.register(257, noop);
    r.register(65535, noop);
    // Each of these would land on a registered slot if the table were indexed without a range check.
    for (const id of [0, -1, 65536, 65536 + 257, 65536 + 1, 1.5, 257.25, -65535, 2 ** 32 + 1, Number.NaN, Infinity]) expect(r.has(id)).toBe(false);
    expect(r.has(257)).toBe(true);
    expect(r.has(65535)).toBe(true);
  });

  it('ids() lists system and extended IDs in ascending order, whatever the registration order', () => {
    const r = new Registry();
    for (const id of [65000, 300, 12, 256, 1, 255, 1000]) r.register(id, noop);
    expect(r.ids()).toEqual([1, 12, 255, 256, 300, 1000, 65000]);
    expect(new Registry().ids()).toEqual([]);
  });

  it('refuses a second handler for one ID, naming the ID, with code DUPLICATE_HANDLER', () => {
    for (const id of [12, 300]) {
      const r = new Registry();
      r.register(id, noop);
      let caught: unknown;
      try {
        r.register(id, other);
      } catch (e) {
        caught = e;
      }
      expect(caught).toBeInstanceOf(RegistryError);
      expect(caught).toBeInstanceOf(SwitchyardError);
      const err = caught as RegistryError;
      expect(err.code).toBe('DUPLICATE_HANDLER');
      expect(err.commandId).toBe(id);
      expect(err.message).toContain(`command ID ${id}`);
      // The first registration stands.
      expect(r.get(id)).toBe(noop);
    }
  });

  it('refuses registration after freeze, naming the ID, with code REGISTRY_FROZEN', () => {
    const r = new Registry();
    r.register(5, noop);
    expect(r.isFrozen).toBe(false);
    r.freeze();
    expect(r.isFrozen).toBe(true);
    for (const id of [6, 400]) {
      let caught: unknown;
      try {
        r.register(id, noop);
      } catch (e) {
        caught = e;
      }
      expect(caught).toBeInstanceOf(RegistryError);
      expect((caught as RegistryError).code).toBe('REGISTRY_FROZEN');
      expect((caught as RegistryError).commandId).toBe(id);
      expect((caught as Error).message).toContain(`command ID ${id}`);
      expect(r.has(id)).toBe(false);
    }
    // Lookups still work once frozen.
    expect(r.get(5)).toBe(noop);
    expect(r.ids()).toEqual([5]);
  });

  it('refuses a handler that is not a function, naming the ID and what it got', () => {
    const r = new Registry();
    expect(() => r.register(7, 'nope' as unknown as Handler)).toThrow(RegistryError);
    expect(() => r.register(7, 'nope' as unknown as Handler)).toThrow(expect.objectContaining({ code: 'BAD_HANDLER', commandId: 7 }));
    expect(() => r.register(7, 'nope' as unknown as Handler)).toThrow(/command ID 7 .*function, got "nope"/);
    expect(() => r.register(300, undefined as unknown as Handler)).toThrow(/command ID 300 .*got undefined/);
    expect(r.has(7)).toBe(false);
    expect(r.has(300)).toBe(false);
  });

  it('refuses IDs outside 1..65535 with BAD_COMMAND_ID naming the value', () => {
    const r = new Registry();
    expect(() => r.register(0, noop)).toThrow(BadCommandIdError);
    expect(() => r.register(0, noop)).toThrow(expect.objectContaining({ code: 'BAD_COMMAND_ID', value: 0 }));
    expect(() => r.register(0, noop)).toThrow(/got 0$/);
    expect(() => r.register(65536, noop)).toThrow(/got 65536$/);
    expect(() => r.register(2.5, noop)).toThrow(/got 2\.5$/);
    expect(r.ids()).toEqual([]);
  });

  it('two registries are independent', () => {
    const a = new Registry();
    const b = new Registry();
    a.register(12, noop);
    a.freeze();
    expect(b.has(12)).toBe(false);
    expect(b.isFrozen).toBe(false);
    b.register(12, other);
    expect(a.get(12)).toBe(noop);
    expect(b.get(12)).toBe(other);
  });
});
