import { CommandBase, type HandlerContext, type ResultReceiver } from '@switchyard/dispatcher';
import { definePlugin, type Plugin } from '../src/index.js';

/** A test plugin at 256–263 whose handlers complete in every way a real one might. */
export class Echo<T> extends CommandBase<T> {
  readonly id = 256;
  constructor(readonly value: T) {
    super();
  }
}
export class Hold extends CommandBase<unknown> {
  readonly id = 258;
}
export class Boom extends CommandBase<never> {
  readonly id = 259;
  constructor(readonly message: string) {
    super();
  }
}
export class Later<T> extends CommandBase<T> {
  readonly id = 260;
  constructor(readonly value: T) {
    super();
  }
}

export interface Held {
  ctx: HandlerContext;
  tag: number;
  receiver: ResultReceiver;
  cmd: unknown;
}

export function probePlugin(): Plugin & { held: Held[]; tags: number[] } {
  const held: Held[] = [];
  const tags: number[] = [];
  const plugin = definePlugin({
    name: 'probe',
    commands: { first: 256, last: 263 },
    handlers: {
      256: (_ctx, cmd: Echo<unknown>, tag, r) => {
        tags.push(tag);
        r.completeYield(tag, cmd.value);
      },
      258: (ctx, cmd, tag, receiver) => {
        tags.push(tag);
        held.push({ ctx, tag, receiver, cmd });
      },
      259: (_ctx, cmd: Boom) => {
        throw new Error(cmd.message);
      },
      260: (_ctx, cmd: Later<unknown>, tag, r) => {
        tags.push(tag);
        setImmediate(() => r.completeYield(tag, cmd.value));
      },
    },
  });
  return Object.assign(Object.create(null), plugin, { held, tags });
}
