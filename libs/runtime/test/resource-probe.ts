import { CommandBase } from '@switchyard/dispatcher';
import { definePlugin, type Handle, type Plugin, type ResourceTable } from '../src/index.js';

/** A test plugin at 270–273 whose "box" resources record how they were disposed. */
export class Open extends CommandBase<Handle<'box'>> {
  readonly id = 270;
  constructor(readonly label: string) {
    super();
  }
}
export class Peek extends CommandBase<string> {
  readonly id = 271;
  constructor(readonly handle: unknown) {
    super();
  }
}
export class Shut extends CommandBase<void> {
  readonly id = 272;
  constructor(readonly handle: unknown) {
    super();
  }
}

export interface BoxProbe extends Plugin {
  /** Labels of disposed boxes, in disposal order, and whether their owner's yield signal had aborted by then. */
  readonly disposed: { label: string; signalAborted: boolean }[];
  table(): ResourceTable;
}

export function boxPlugin(options: { throwOn?: string } = {}): BoxProbe {
  const disposed: { label: string; signalAborted: boolean }[] = [];
  let table: ResourceTable | undefined;
  const plugin = definePlugin({
    name: 'boxes',
    commands: { first: 270, last: 273 },
    setup: (ctx) => {
      table = ctx.resources;
      return {
        handlers: {
          270: (hctx, cmd: Open, tag, r) => {
            const signal = hctx.signal;
            r.completeYield(
              tag,
              ctx.resources.add(hctx.pid, 'box', { label: cmd.label, signal }, (v) => {
                if (v.label === options.throwOn) throw new Error('dispose failed');
                disposed.push({ label: v.label, signalAborted: v.signal.aborted });
              }),
            );
          },
          271: (hctx, cmd: Peek, tag, r) => r.completeYield(tag, ctx.resources.use<{ label: string }>(hctx.pid, cmd.handle, 'box').label),
          272: (hctx, cmd: Shut, tag, r) => {
            ctx.resources.close(hctx.pid, cmd.handle, 'box');
            r.completeYield(tag, undefined);
          },
        },
      };
    },
  });
  return Object.assign(Object.create(null), plugin, { disposed, table: () => table! });
}
