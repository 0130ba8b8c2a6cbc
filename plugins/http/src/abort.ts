/**
 * The abort signal of one request, in place of an AbortController per request: the collecting
 * dispatch handler listens on it, and a `stream: true` request hands it to undici's request().
 *
 * undici reads `aborted` and `reason` and registers its 'abort' listener with
 * addEventListener / removeEventListener (lib/core/util.js addAbortListener); that is all this
 * implements. It aborts when the yield is abandoned (through the kernel's onAbandon hook)
 * or when the request's own timeout fires; each listener runs once.
 */
export class RequestSignal {
  aborted = false;
  reason: unknown = undefined;
  private listener: (() => void) | null = null;
  private more: (() => void)[] | null = null;

  addEventListener(type: string, listener: () => void): void {
    if (type !== 'abort' || this.aborted) return;
    if (this.listener === null) this.listener = listener;
    else (this.more ??= []).push(listener);
  }

  removeEventListener(type: string, listener: () => void): void {
    if (type !== 'abort') return;
    if (this.listener === listener) this.listener = null;
    else if (this.more !== null) {
      const i = this.more.indexOf(listener);
      if (i >= 0) this.more.splice(i, 1);
    }
  }

  abort(reason: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    const first = this.listener;
    const more = this.more;
    this.listener = null;
    this.more = null;
    first?.();
    if (more !== null) for (const l of more) l();
  }
}
