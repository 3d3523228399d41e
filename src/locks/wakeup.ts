// A waiter's wake-up: a flag a notification sets (so a wake-up that arrives while an attempt
// is in flight is kept, never lost) and the sleep it cuts short. Used by the PostgreSQL
// (LISTEN/NOTIFY) and ZooKeeper (predecessor watch) waits.

/** setTimeout's longest delay; a longer one would fire at once. */
const MAX_SLEEP_MS = 2 ** 31 - 1;

export class Wakeup {
  fired = false;
  private resume: (() => void) | undefined;

  fire(): void {
    this.fired = true;
    this.resume?.();
  }

  /** Sleeps `ms`, until fire(), or until the signal aborts; resolves in every case. */
  sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
    if (this.fired || signal?.aborted === true) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        this.resume = undefined;
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, Math.min(ms, MAX_SLEEP_MS)));
      signal?.addEventListener('abort', done, { once: true });
      this.resume = done;
    });
  }
}
