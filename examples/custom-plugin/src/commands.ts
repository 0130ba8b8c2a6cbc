import { describeValue, SwitchyardError } from '@switchyard/errors';
import { CommandBase } from '@switchyard/dispatcher';

/**
 * The IDs the greeter owns. Custom plugins use 256 and up; claiming a block (not just the
 * IDs used today) keeps room to add commands without colliding with another plugin later.
 */
export const GREETER_IDS = { first: 256, last: 263 } as const;

/** Greeter command IDs. */
export const GreeterCommand = {
  Greet: 256,
  Count: 257,
  Forget: 258,
} as const;

/** What `greet` resolves to. */
export interface Greeting {
  readonly text: string;
  /** How many greetings this name has received in this runtime, this one included. */
  readonly count: number;
}

export class GreetCmd extends CommandBase<Greeting> {
  readonly id = GreeterCommand.Greet;
  constructor(readonly name: string) {
    super();
  }
}

export class CountCmd extends CommandBase<number> {
  readonly id = GreeterCommand.Count;
  constructor(readonly name: string) {
    super();
  }
}

export class ForgetCmd extends CommandBase<boolean> {
  readonly id = GreeterCommand.Forget;
  constructor(readonly name: string) {
    super();
  }
}

/** A greeter argument is wrong; `code` is GREETER_BAD_NAME. */
export class GreeterError extends SwitchyardError {
  constructor(message: string) {
    super('GREETER_BAD_NAME', message);
  }
}

/** Throws a GreeterError naming the value unless it is a non-empty string. */
export function checkName(name: unknown, what: string): string {
  if (typeof name !== 'string' || name.trim() === '') {
    throw new GreeterError(`${what}: name must be a non-empty string, got ${describeValue(name)}`);
  }
  return name;
}

/** Greet `name`; resolves after the greeter's delay to the greeting and how often `name` was greeted. */
export const greet = (name: string): GreetCmd => new GreetCmd(checkName(name, 'greet()'));

/** How many greetings `name` has received so far. */
export const greetings = (name: string): CountCmd => new CountCmd(checkName(name, 'greetings()'));

/** Forget `name`'s count. Resolves to false when there was nothing to forget. */
export const forget = (name: string): ForgetCmd => new ForgetCmd(checkName(name, 'forget()'));
