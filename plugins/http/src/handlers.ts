import type { Handler, ResultReceiver, Tag } from '@switchyard/dispatcher';
import { HttpCommand, type RequestBatchCmd, type RequestCmd, type RespondCmd, type ServerAddressCmd } from './commands.js';
import type { HttpClient } from './client.js';
import { badBatch, HttpServerError } from './errors.js';
import type { HttpServer } from './server.js';

function settle<T>(p: Promise<T>, tag: Tag, rx: ResultReceiver): void {
  p.then(
    (v) => rx.completeYield(tag, v),
    (e: unknown) => rx.completeYield(tag, undefined, e),
  );
}

/** The HTTP commands of one installation, over its client and (optional) server. */
export class HttpHandlers {
  constructor(
    private readonly client: HttpClient,
    private readonly server: HttpServer | undefined,
  ) {}

  readonly request: Handler<RequestCmd<unknown>> = (ctx, cmd, tag, rx) => {
    settle(this.client.perform(ctx, cmd.options), tag, rx);
  };

  readonly batch: Handler<RequestBatchCmd<unknown>> = (ctx, cmd, tag, rx) => {
    if (!Array.isArray(cmd.requests)) throw badBatch(cmd.requests);
    settle(this.client.batch(ctx, cmd.requests), tag, rx);
  };

  readonly respond: Handler<RespondCmd> = (ctx, cmd, tag, rx) => {
    if (this.server === undefined) throw new HttpServerError('HTTP_NO_SERVER', 'respond(): this runtime has no HTTP server (httpPlugin({ server }))');
    const sent = this.server.respond(ctx.pid, cmd.request, cmd.response, () => ctx.signal);
    if (typeof sent === 'boolean') rx.completeYield(tag, sent);
    else settle(sent, tag, rx);
  };

  readonly address: Handler<ServerAddressCmd> = (_ctx, _cmd, tag, rx) => {
    if (this.server === undefined) throw new HttpServerError('HTTP_NO_SERVER', 'serverAddress(): this runtime has no HTTP server (httpPlugin({ server }))');
    rx.completeYield(tag, this.server.address());
  };

  get handlers(): Record<number, Handler<never>> {
    return {
      [HttpCommand.Request]: this.request,
      [HttpCommand.RequestBatch]: this.batch,
      [HttpCommand.Respond]: this.respond,
      [HttpCommand.ServerAddress]: this.address,
    };
  }
}
