import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { ConnectionConfig } from './connection.js';
import { SqlError } from './errors.js';
import { Op, workerSource, type Reply, type Request } from './worker-script.js';

/** Where the worker loads better-sqlite3 from: the copy this package resolves, whatever the worker's cwd. */
function driverPath(): string {
  return createRequire(import.meta.url).resolve('better-sqlite3');
}

/**
 * The main thread's end of one database's worker thread: requests go out in order, the worker
 * runs them one at a time in that order, and replies are matched by request number.
 * The worker is referenced (keeps Node alive) only while a request is in flight.
 */
export class WorkerLink<P> {
  private readonly pending = new Map<number, P>();
  private seq = 0;
  private failure: SqlError | null = null;
  private closing = false;
  private running = true;
  private readonly exited: Promise<void>;

  private constructor(
    private readonly worker: Worker,
    private readonly database: string,
    private readonly onReply: (pending: P, reply: Reply) => void,
    private readonly onFailure: (error: SqlError, pending: P[]) => void,
  ) {
    this.exited = new Promise((resolve) =>
      worker.once('exit', () => {
        this.running = false;
        resolve();
      }),
    );
    worker.on('message', (reply: Reply) => {
      const p = this.pending.get(reply.i);
      if (p === undefined) return;
      this.pending.delete(reply.i);
      if (this.pending.size === 0) worker.unref();
      this.onReply(p, reply);
    });
    worker.on('error', (error) => this.fail(error));
    worker.once('exit', (code) => {
      if (!this.closing) this.fail(new Error(`the worker thread exited with code ${code}`));
    });
    worker.unref();
  }

  /** Start the worker and open the database in it; rejects with SQL_OPEN_FAILED. */
  static async open<P>(
    database: string,
    config: ConnectionConfig,
    onReply: (pending: P, reply: Reply) => void,
    onFailure: (error: SqlError, pending: P[]) => void,
  ): Promise<WorkerLink<P>> {
    const worker = new Worker(workerSource(), { eval: true, workerData: { driver: driverPath(), config } });
    try {
      await new Promise<void>((resolve, reject) => {
        const onMessage = (reply: Reply) => {
          cleanup();
          if (reply.e !== undefined) reject(Object.assign(new Error(reply.e.message), { code: reply.e.code }));
          else resolve();
        };
        const onError = (error: Error) => {
          cleanup();
          reject(error);
        };
        const onExit = (code: number) => {
          cleanup();
          reject(new Error(`the worker thread exited with code ${code} while opening`));
        };
        const cleanup = () => {
          worker.off('message', onMessage);
          worker.off('error', onError);
          worker.off('exit', onExit);
        };
        worker.on('message', onMessage);
        worker.on('error', onError);
        worker.on('exit', onExit);
      });
    } catch (error) {
      await worker.terminate();
      throw error;
    }
    return new WorkerLink(worker, database, onReply, onFailure);
  }

  /** False once the thread has exited. */
  get alive(): boolean {
    return this.running;
  }

  get inFlight(): number {
    return this.pending.size;
  }

  /** Send a request; throws SQL_WORKER_FAILED / SQL_CLOSED, or the clone error for unsendable parameters. */
  post(request: Request, pending: P | undefined): void {
    if (this.failure !== null) throw this.failure;
    if (this.closing) throw new SqlError('SQL_CLOSED', `database "${this.database}" is closed`, { database: this.database });
    const i = ++this.seq;
    request.i = i;
    this.worker.postMessage(request);
    if (pending !== undefined) {
      if (this.pending.size === 0) this.worker.ref();
      this.pending.set(i, pending);
    }
  }

  private fail(cause: unknown): void {
    if (this.failure !== null) return;
    const why = cause instanceof Error ? cause.message : String(cause);
    this.failure = new SqlError('SQL_WORKER_FAILED', `database "${this.database}": its worker thread failed: ${why}`, { database: this.database, cause });
    const pending = [...this.pending.values()];
    this.pending.clear();
    this.worker.unref();
    this.onFailure(this.failure, pending);
  }

  /** Close the database in the worker (after every request already sent), then end the thread. */
  async close(timeoutMs: number): Promise<void> {
    if (this.closing) return this.exited;
    if (this.failure === null) {
      this.worker.postMessage({ i: 0, o: Op.Close } satisfies Request);
      this.worker.ref();
    }
    this.closing = true;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), timeoutMs);
    });
    const outcome = await Promise.race([this.exited, late]);
    clearTimeout(timer);
    if (outcome === 'late') await this.worker.terminate();
  }
}
