// placeholder, replaced by the server
import type { Handle, Pid } from '@switchyard/runtime';
import type { ServerAddress, ServerResponse } from './commands.js';
export interface HttpServer {
  respond(pid: Pid, handle: Handle<'http.request'>, response: ServerResponse, signal: AbortSignal): Promise<void>;
  address(): ServerAddress;
}
