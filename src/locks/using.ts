// using(lock, options, fn): hold a lock for the length of `fn`, for every backend (backends
// never reimplement it). It acquires, renews the lease every ttl/3 while fn runs, and hands
// fn an AbortSignal that fires when the lock can no longer be counted on:
// - the backend reports the lock lost (the handle's own signal aborts);
// - a renewal is refused as lost or not ours;
// - renewals keep failing (backend unavailable) until the handle's validUntil passes: from
//   then on another client may hold the lock, so fn must stop — before the server expires
//   the lease, since validUntil is the TTL minus the clock drift;
// - the caller's own `options.signal` aborts.
// It releases at the end, also when fn throws.
//
// fn's side effects on a shared resource should carry handle.token (fencing.ts): the signal
// tells fn to stop, but a paused process cannot read it in time — only fencing is safe.
//
// Fault model: every backend call may fail or hang; a failed renewal is retried (sooner than
// the ttl/3 rhythm) until the validity deadline, a hung one is overtaken by that deadline.

import { abortReason, LockLostError } from './errors.js';
import type { AcquireOptions, Lock, LockHandle } from './lock.js';

export async function using<T>(
  lock: Lock,
  options: AcquireOptions,
  fn: (signal: AbortSignal, handle: LockHandle) => Promise<T>,
): Promise<T> {
  const handle = await lock.acquire(options);
  const holding = new Holding(handle, options);
  let result: T;
  try {
    result = await fn(holding.signal, handle);
  } catch (err) {
    holding.stop();
    // fn's error matters more than a failed release (the lease frees the lock anyway).
    await handle.release().catch(() => {});
    throw err;
  }
  holding.stop();
  try {
    await handle.release();
  } catch (err) {
    // A lock already lost has nothing left to release; anything else is the caller's news.
    if (!holding.signal.aborted) throw err;
  }
  return result;
}

/** The renewal loop and the abort wiring of one using() call. */
class Holding {
  private readonly controller = new AbortController();
  private renewTimer: ReturnType<typeof setTimeout> | undefined;
  private deadlineTimer: ReturnType<typeof setTimeout> | undefined;
  private stopped = false;
  private readonly unlinks: (() => void)[] = [];

  constructor(
    private readonly handle: LockHandle,
    private readonly options: AcquireOptions,
  ) {
    this.link(handle.signal);
    if (options.signal !== undefined) this.link(options.signal);
    this.armDeadline();
    this.scheduleRenewal(options.ttlMs / 3);
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.renewTimer);
    clearTimeout(this.deadlineTimer);
    for (const unlink of this.unlinks) unlink();
  }

  private link(source: AbortSignal): void {
    if (source.aborted) return this.abort(abortReason(source));
    const onAbort = (): void => this.abort(abortReason(source));
    source.addEventListener('abort', onAbort, { once: true });
    this.unlinks.push(() => source.removeEventListener('abort', onAbort));
  }

  private abort(reason: unknown): void {
    if (this.controller.signal.aborted) return;
    this.controller.abort(reason);
    this.stop();
  }

  /** Aborts when the lease's sure validity runs out without a renewal that got through. */
  private armDeadline(): void {
    clearTimeout(this.deadlineTimer);
    const remainingMs = Math.max(0, this.handle.validUntil - performance.now());
    this.deadlineTimer = setTimeout(() => {
      this.abort(new LockLostError(`lock ${this.handle.name}: not renewed within its TTL`));
    }, remainingMs);
  }

  private scheduleRenewal(delayMs: number): void {
    if (this.stopped) return;
    this.renewTimer = setTimeout(() => void this.renew(), Math.max(1, delayMs));
  }

  private async renew(): Promise<void> {
    if (this.stopped) return;
    try {
      await this.handle.extend();
    } catch (err) {
      if (this.stopped) return;
      const code = (err as { code?: unknown }).code;
      if (code === 'lost' || code === 'not-yours') {
        return this.abort(
          err instanceof LockLostError
            ? err
            : new LockLostError(`lock ${this.handle.name} lost`, { cause: err }),
        );
      }
      // Transient: try again soon; the deadline aborts if none gets through in time.
      return this.scheduleRenewal(this.options.ttlMs / 6);
    }
    if (this.stopped) return;
    this.armDeadline();
    this.scheduleRenewal(this.options.ttlMs / 3);
  }
}
