import { describe, expect, it } from 'vitest';
import {
  BadCommandIdError,
  CommandCollisionError,
  EmptyClaimError,
  RegistryError,
  SwitchyardError,
  SystemRangeError,
  UnclaimedCommandError,
  UnknownCommandError,
} from '@switchyard/dispatcher';

describe('errors', () => {
  it('SwitchyardError carries a code, the subclass name and a cause', () => {
    const cause = new Error('root');
    const e = new SwitchyardError('SOME_CODE', 'something went wrong', { cause });
    expect(e).toBeInstanceOf(Error);
    expect(e.code).toBe('SOME_CODE');
    expect(e.name).toBe('SwitchyardError');
    expect(e.message).toBe('something went wrong');
    expect(e.cause).toBe(cause);
  });

  it('every dispatcher error is a SwitchyardError with a stable code and its own name', () => {
    const cases: [SwitchyardError, string, string][] = [
      [new UnknownCommandError(7), 'UNKNOWN_COMMAND', 'UnknownCommandError'],
      [new CommandCollisionError(300, 'a', 'b'), 'COMMAND_COLLISION', 'CommandCollisionError'],
      [new SystemRangeError(12, 'mytimer', 'clock', 10, 29), 'SYSTEM_RANGE', 'SystemRangeError'],
      [new UnclaimedCommandError(300, 'a', undefined), 'UNCLAIMED_COMMAND', 'UnclaimedCommandError'],
      [new RegistryError('REGISTRY_FROZEN', 3, 'frozen'), 'REGISTRY_FROZEN', 'RegistryError'],
      [new BadCommandIdError('command ID', 0), 'BAD_COMMAND_ID', 'BadCommandIdError'],
      [new EmptyClaimError('mine', 300, 299), 'EMPTY_CLAIM', 'EmptyClaimError'],
    ];
    for (const [e, code, name] of cases) {
      expect(e).toBeInstanceOf(SwitchyardError);
      expect(e.code).toBe(code);
      expect(e.name).toBe(name);
    }
  });

  it('UnknownCommandError names the ID and hints at the missing plugin', () => {
    const e = new UnknownCommandError(42);
    expect(e.commandId).toBe(42);
    expect(e.message).toContain('command ID 42');
    expect(e.message).toContain('plugin');
  });

  it('SystemRangeError names the claimant, the ID, the range and its owner', () => {
    const e = new SystemRangeError(12, 'mytimer', 'clock', 10, 29);
    expect(e.commandId).toBe(12);
    expect(e.message).toBe(
      '"mytimer" cannot claim command ID 12: IDs 10–29 are reserved for the system module "clock"; custom plugins use IDs 256 and up',
    );
  });
});
