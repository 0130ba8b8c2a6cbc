import { describeValue, SwitchyardError } from '@switchyard/errors';

export { SwitchyardError };

/** A process yielded a command whose ID no installed plugin handles. */
export class UnknownCommandError extends SwitchyardError {
  readonly commandId: number;
  constructor(commandId: number) {
    super('UNKNOWN_COMMAND', `no handler is registered for command ID ${commandId}: is the plugin that owns it installed?`);
    this.commandId = commandId;
  }
}

/** Two modules claimed the same command ID. */
export class CommandCollisionError extends SwitchyardError {
  readonly commandId: number;
  readonly owner: string;
  readonly claimant: string;
  constructor(commandId: number, owner: string, claimant: string) {
    super('COMMAND_COLLISION', `command ID ${commandId} is claimed by "${owner}" and cannot be claimed by "${claimant}"`);
    this.commandId = commandId;
    this.owner = owner;
    this.claimant = claimant;
  }
}

/** A module claimed an ID of a system range (1–255) that belongs to another module. */
export class SystemRangeError extends SwitchyardError {
  readonly commandId: number;
  readonly claimant: string;
  constructor(commandId: number, claimant: string, rangeOwner: string, first: number, last: number) {
    super(
      'SYSTEM_RANGE',
      `"${claimant}" cannot claim command ID ${commandId}: IDs ${first}–${last} are reserved for the system module "${rangeOwner}"; custom plugins use IDs 256 and up`,
    );
    this.commandId = commandId;
    this.claimant = claimant;
  }
}

/** A module registered a handler for an ID it did not claim. */
export class UnclaimedCommandError extends SwitchyardError {
  readonly commandId: number;
  constructor(commandId: number, module: string, owner: string | undefined) {
    super(
      'UNCLAIMED_COMMAND',
      owner === undefined
        ? `"${module}" registers a handler for command ID ${commandId}, which it did not claim`
        : `"${module}" registers a handler for command ID ${commandId}, which is claimed by "${owner}"`,
    );
    this.commandId = commandId;
  }
}

/** Registry misuse: a handler that is not a function, a second handler for one ID, or a registration after freeze(). */
export class RegistryError extends SwitchyardError {
  readonly commandId: number;
  constructor(code: 'BAD_HANDLER' | 'DUPLICATE_HANDLER' | 'REGISTRY_FROZEN', commandId: number, message: string) {
    super(code, message);
    this.commandId = commandId;
  }
}

/** A value that is not a command ID (an integer 1..65535); the message names the value and where it was given. */
export class BadCommandIdError extends SwitchyardError {
  readonly value: unknown;
  constructor(what: string, value: unknown) {
    super('BAD_COMMAND_ID', `${what} must be an integer in 1..65535, got ${describeValue(value)}`);
    this.value = value;
  }
}

/** A claimed range whose last ID is below its first. */
export class EmptyClaimError extends SwitchyardError {
  readonly module: string;
  readonly first: number;
  readonly last: number;
  constructor(module: string, first: number, last: number) {
    super('EMPTY_CLAIM', `"${module}" claims the empty range ${first}..${last}: last must be >= first`);
    this.module = module;
    this.first = first;
    this.last = last;
  }
}
