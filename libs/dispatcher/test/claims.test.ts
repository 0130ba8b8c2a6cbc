import { describe, expect, it } from 'vitest';
import {
  BadCommandIdError,
  assertCommandId,
  ClaimTable,
  claimIds,
  CommandCollisionError,
  EmptyClaimError,
  FIRST_CUSTOM_ID,
  isCommandId,
  MAX_COMMAND_ID,
  SwitchyardError,
  SYSTEM_RANGES,
  systemRangeOf,
  SystemRangeError,
  UnclaimedCommandError,
  type ClaimSpec,
} from '@switchyard/dispatcher';

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error('expected a throw');
}

const badIds: [unknown, string][] = [
  [0, '0'],
  [65536, '65536'],
  [1.5, '1.5'],
  ['12', '"12"'],
  [Number.NaN, 'NaN'],
  [-3, '-3'],
  [null, 'null'],
  [undefined, 'undefined'],
];

describe('command IDs', () => {
  it('accepts integers 1..65535 only', () => {
    expect(MAX_COMMAND_ID).toBe(65535);
    expect(FIRST_CUSTOM_ID).toBe(256);
    for (const id of [1, 9, 255, 256, 65535]) expect(isCommandId(id)).toBe(true);
    for (const [v] of badIds) expect(isCommandId(v)).toBe(false);
  });

  it.each(badIds)('assertCommandId(%s) throws BAD_COMMAND_ID naming the value', (value, shown) => {
    const err = thrown(() => assertCommandId(value));
    expect(err).toBeInstanceOf(BadCommandIdError);
    expect(err).toMatchObject({ code: 'BAD_COMMAND_ID', value });
    expect((err as Error).message).toContain(`got ${shown}`);
    expect((err as Error).message).toContain('1..65535');
  });

  it('maps system IDs to their owner, and custom IDs to no range', () => {
    expect(systemRangeOf(1)?.module).toBe('process');
    expect(systemRangeOf(9)?.module).toBe('process');
    expect(systemRangeOf(12)?.module).toBe('clock');
    expect(systemRangeOf(100)?.module).toBe('sql');
    expect(systemRangeOf(255)?.module).toBe('core');
    expect(systemRangeOf(256)).toBeUndefined();
    expect(systemRangeOf(65535)).toBeUndefined();
  });

  it('the system ranges cover 1..255 without gaps or overlaps', () => {
    let next = 1;
    for (const r of SYSTEM_RANGES) {
      expect(r.first).toBe(next);
      expect(r.last).toBeGreaterThanOrEqual(r.first);
      next = r.last + 1;
    }
    expect(next).toBe(256);
    expect(Object.isFrozen(SYSTEM_RANGES)).toBe(true);
  });
});

describe('claimIds', () => {
  it('expands an inclusive range', () => {
    expect(claimIds({ first: 256, last: 260 }, 'mine')).toEqual([256, 257, 258, 259, 260]);
    expect(claimIds({ first: 300, last: 300 }, 'mine')).toEqual([300]);
  });

  it('copies a list of IDs', () => {
    const list = [400, 256, 999];
    const ids = claimIds(list, 'mine');
    expect(ids).toEqual([400, 256, 999]);
    expect(ids).not.toBe(list);
  });

  it.each(badIds)('refuses %s in a list with BAD_COMMAND_ID naming the value and the module', (value, shown) => {
    const err = thrown(() => claimIds([256, value as number], 'mine'));
    expect(err).toBeInstanceOf(BadCommandIdError);
    expect(err).toMatchObject({ code: 'BAD_COMMAND_ID' });
    expect((err as Error).message).toContain(`got ${shown}`);
    expect((err as Error).message).toContain('"mine"');
  });

  it.each(badIds)('refuses %s as either end of a range', (value, shown) => {
    const first = thrown(() => claimIds({ first: value as number, last: 300 }, 'mine'));
    expect(first).toMatchObject({ name: 'BadCommandIdError', code: 'BAD_COMMAND_ID' });
    expect((first as Error).message).toMatch(/first command ID claimed by "mine"/);
    expect((first as Error).message).toContain(`got ${shown}`);
    const last = thrown(() => claimIds({ first: 256, last: value as number }, 'mine'));
    expect(last).toMatchObject({ name: 'BadCommandIdError', code: 'BAD_COMMAND_ID' });
    expect((last as Error).message).toMatch(/last command ID claimed by "mine"/);
    expect((last as Error).message).toContain(`got ${shown}`);
  });

  it('refuses a range whose last is below its first, naming both ends', () => {
    const err = thrown(() => claimIds({ first: 300, last: 299 }, 'mine'));
    expect(err).toBeInstanceOf(EmptyClaimError);
    expect(err).toMatchObject({ code: 'EMPTY_CLAIM', module: 'mine', first: 300, last: 299 });
    expect((err as Error).message).toContain('300..299');
    expect((err as Error).message).toContain('"mine"');
  });
});

describe('ClaimTable', () => {
  it('records the owner of each claimed ID and returns the IDs', () => {
    const t = new ClaimTable();
    expect(t.claim('clock', { first: 10, last: 29 })).toHaveLength(20);
    expect(t.claim('greeter', [256, 258])).toEqual([256, 258]);
    expect(t.ownerOf(10)).toBe('clock');
    expect(t.ownerOf(29)).toBe('clock');
    expect(t.ownerOf(256)).toBe('greeter');
    expect(t.ownerOf(257)).toBeUndefined();
    expect(t.byModule()).toEqual(
      new Map([
        ['clock', Array.from({ length: 20 }, (_, i) => 10 + i)],
        ['greeter', [256, 258]],
      ]),
    );
  });

  it.each([
    ['a list', [12] as ClaimSpec],
    ['a range', { first: 11, last: 13 } as ClaimSpec],
  ])('refuses a system ID claimed by a module that is not its owner (%s), even when the owner claimed nothing', (_what, spec) => {
    const t = new ClaimTable();
    const err = thrown(() => t.claim('mytimer', spec));
    expect(err).toBeInstanceOf(SystemRangeError);
    expect(err).toBeInstanceOf(SwitchyardError);
    const e = err as SystemRangeError;
    expect(e.code).toBe('SYSTEM_RANGE');
    expect(e.claimant).toBe('mytimer');
    expect(e.message).toContain('"mytimer"');
    expect(e.message).toContain('"clock"');
    expect(e.message).toContain('custom plugins use IDs 256 and up');
    expect(t.ownerOf(12)).toBeUndefined();
  });

  it('refuses a system ID claimed by a non-owner also after the owner claimed it', () => {
    const t = new ClaimTable();
    t.claim('clock', { first: 10, last: 29 });
    const err = thrown(() => t.claim('mytimer', [12]));
    expect(err).toBeInstanceOf(SystemRangeError);
    expect((err as Error).message).toMatch(/"mytimer" cannot claim command ID 12: .*custom plugins use IDs 256 and up/);
    expect(t.ownerOf(12)).toBe('clock');
  });

  it('refuses IDs of reserved system ranges to everyone but their owner', () => {
    const t = new ClaimTable();
    expect(thrown(() => t.claim('mysocket', [30]))).toBeInstanceOf(SystemRangeError);
    expect(thrown(() => t.claim('mine', [200]))).toBeInstanceOf(SystemRangeError);
    expect(t.claim('core', [200])).toEqual([200]);
  });

  it('a second claim of a custom ID fails with CommandCollisionError naming the ID and both modules', () => {
    const t = new ClaimTable();
    t.claim('counter', { first: 256, last: 263 });
    const err = thrown(() => t.claim('greeter', { first: 260, last: 270 }));
    expect(err).toBeInstanceOf(CommandCollisionError);
    expect(err).toBeInstanceOf(SwitchyardError);
    const e = err as CommandCollisionError;
    expect(e.code).toBe('COMMAND_COLLISION');
    expect(e.message).toBe('command ID 260 is claimed by "counter" and cannot be claimed by "greeter"');
    expect(e.commandId).toBe(260);
    expect(e.owner).toBe('counter');
    expect(e.claimant).toBe('greeter');
  });

  it('the owner claiming its own ID twice is a collision too', () => {
    const t = new ClaimTable();
    t.claim('clock', [12]);
    const err = thrown(() => t.claim('clock', [12]));
    expect(err).toBeInstanceOf(CommandCollisionError);
    expect((err as Error).message).toBe('command ID 12 is claimed by "clock" and cannot be claimed by "clock"');
  });

  it('a failed claim claims nothing, whichever check fails', () => {
    const t = new ClaimTable();
    t.claim('counter', [300]);
    // 299 is free, 300 collides: 299 must stay free.
    expect(thrown(() => t.claim('greeter', { first: 299, last: 301 }))).toBeInstanceOf(CommandCollisionError);
    expect(t.ownerOf(299)).toBeUndefined();
    expect(t.ownerOf(301)).toBeUndefined();
    // A free ID followed by a bad one.
    expect(thrown(() => t.claim('greeter', [400, 0]))).toBeInstanceOf(BadCommandIdError);
    expect(t.ownerOf(400)).toBeUndefined();
    // A free custom ID followed by a system ID the module does not own.
    expect(thrown(() => t.claim('greeter', [401, 12]))).toBeInstanceOf(SystemRangeError);
    expect(t.ownerOf(401)).toBeUndefined();
    expect(t.byModule()).toEqual(new Map([['counter', [300]]]));
    // And the module can still claim a free range afterwards.
    expect(t.claim('greeter', [299, 301])).toEqual([299, 301]);
  });

  it('assertOwned passes for the owner', () => {
    const t = new ClaimTable();
    t.claim('counter', [300]);
    expect(() => t.assertOwned('counter', 300)).not.toThrow();
  });

  it('assertOwned refuses an unclaimed ID, naming the module and the ID', () => {
    const t = new ClaimTable();
    t.claim('counter', [300]);
    const err = thrown(() => t.assertOwned('counter', 301));
    expect(err).toBeInstanceOf(UnclaimedCommandError);
    const e = err as UnclaimedCommandError;
    expect(e.code).toBe('UNCLAIMED_COMMAND');
    expect(e.commandId).toBe(301);
    expect(e.message).toBe('"counter" registers a handler for command ID 301, which it did not claim');
  });

  it('assertOwned refuses an ID claimed by another module, naming the owner', () => {
    const t = new ClaimTable();
    t.claim('counter', [300]);
    t.claim('greeter', [400]);
    const err = thrown(() => t.assertOwned('greeter', 300));
    expect(err).toBeInstanceOf(UnclaimedCommandError);
    expect((err as Error).message).toBe('"greeter" registers a handler for command ID 300, which is claimed by "counter"');
  });

  it('assertOwned refuses a malformed ID with BAD_COMMAND_ID naming it', () => {
    const t = new ClaimTable();
    const err = thrown(() => t.assertOwned('counter', Number.NaN));
    expect(err).toBeInstanceOf(BadCommandIdError);
    expect(err).toMatchObject({ code: 'BAD_COMMAND_ID' });
    expect((err as Error).message).toContain('"counter"');
    expect((err as Error).message).toContain('got NaN');
  });

  it('two tables are independent', () => {
    const a = new ClaimTable();
    const b = new ClaimTable();
    a.claim('counter', [300]);
    expect(b.ownerOf(300)).toBeUndefined();
    expect(b.claim('greeter', [300])).toEqual([300]);
  });
});
