// Waiting for a lock on Redis (and Redlock) without spinning: an attempt; if the lock is
// held, subscribe to its release channel FIRST, then attempt again (a release between the
// first attempt and the subscription would otherwise be missed), then sleep until a release
// is published, the lock is handed to us (the channel brings the grant: FIFO hand-off), the
// holder's lease runs out (the attempt says when: an expiry publishes nothing), or a
// jittered safety-net timer fires (a message lost in a reconnect). A wake-up or hand-off
// that arrives while an attempt is in flight is kept, never lost. A wait that ends without
// the lock leaves (its queue entry goes, and a grant that reached it too late passes on).
//
// Fault model: the backend may be unavailable for a while. During a wait that is retried
// (with a capped, jittered back-off) until the wait ends; the wait then fails with the
// backend's BackendUnavailableError rather than NotAcquiredError, since nobody knows whether
// the lock was free. `waitMs: 0` makes exactly one attempt.

import { abortReason, BackendUnavailableError, NotAcquiredError } from './errors.js';

export type Attempt<T> =
  | { readonly granted: true; readonly value: T }
  /** Held; `retryInMs` is when the holder's lease ends if not extended (−1: unknown). */
  | { readonly granted: false; readonly retryInMs: number };

export interface WaitOptions<T> {
  readonly attempt: () => Promise<Attempt<T>>;
  /** The answer of an attempt the caller already made (not granted): the wait starts there. */
  readonly first?: Attempt<T>;
  /**
   * Subscribes `wake` to the lock's releases (`wake()`) and hand-offs to this waiter
   * (`wake(grant)`); resolves to the unsubscribe function.
   */
  readonly subscribe: (wake: (handedOff?: T) => void) => Promise<() => void>;
  /** Gives back a grant that came too late (the wait was aborted meanwhile). */
  readonly undo: (value: T) => Promise<void>;
  /** The wait ended without a grant: leave the queue (best effort). */
  readonly leave?: () => Promise<void>;
  /** Whether subscribing would cost no round trip now (this process listens already). */
  readonly subscribedAlready?: () => boolean;
  readonly waitMs: number | undefined;
  readonly signal: AbortSignal | undefined;
  /** The safety-net timer's longest sleep. */
  readonly retryMaxMs: number;
  /** For error messages: the lock's name. */
  readonly name: string;
}

/** How long to sleep before the next attempt: until the holder's lease ends if that comes
 *  first, else the safety-net period; jittered so that waiters do not attempt in lock-step. */
export function retryDelayMs(retryInMs: number, retryMaxMs: number, random: number): number {
  if (retryInMs >= 0 && retryInMs < retryMaxMs) {
    return retryInMs + 1 + Math.floor(random * Math.min(retryInMs / 4 + 2, retryMaxMs / 4));
  }
  return Math.max(1, Math.floor(retryMaxMs / 2 + (random * retryMaxMs) / 2));
}

async function attemptOrUnavailable<T>(
  attempt: () => Promise<Attempt<T>>,
): Promise<Attempt<T> | BackendUnavailableError> {
  try {
    return await attempt();
  } catch (error) {
    if (error instanceof BackendUnavailableError) return error;
    throw error;
  }
}

/** What wakes a sleeping waiter: a release (`woken`) or a hand-off (`handedOff`). */
class Wakeup<T> {
  woken = false;
  handedOff: T | undefined;
  private sleeper: (() => void) | undefined;

  readonly wake = (value?: T): void => {
    if (value !== undefined) this.handedOff = value;
    this.woken = true;
    this.sleeper?.();
  };

  /** Sleeps `ms`, or until a wake-up or the signal's abort. */
  async sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
    await sleep(ms, signal, (resume) => {
      this.sleeper = resume;
    });
    this.sleeper = undefined;
  }
}

/** Subscribes, or returns a no-op: without a subscription the timers still find the lock. */
async function trySubscribe<T>(o: WaitOptions<T>, w: Wakeup<T>): Promise<() => void> {
  try {
    return await o.subscribe(w.wake);
  } catch {
    return () => {};
  }
}

/**
 * Acquires through `o.attempt`, waiting as the header describes. When subscribing costs no
 * round trip (`subscribedAlready`: another waiter of this process listens already), the
 * subscription comes before the first attempt and that one attempt is enough.
 */
export async function waitForGrant<T>(o: WaitOptions<T>): Promise<T> {
  if (o.signal?.aborted === true) {
    // The caller's first attempt may have queued us: leave, or a hand-off would reach nobody.
    if (o.first !== undefined) await o.leave?.().catch(() => {});
    throw abortReason(o.signal);
  }
  const w = new Wakeup<T>();
  const early = o.first === undefined && o.waitMs !== 0 && o.subscribedAlready?.() === true;
  let unsubscribe = early ? await trySubscribe(o, w) : () => {};
  let granted = false;
  try {
    const first =
      o.first ?? (await (o.waitMs === 0 ? o.attempt() : attemptOrUnavailable(o.attempt)));
    if (!(first instanceof BackendUnavailableError) && first.granted) {
      granted = true;
      return first.value;
    }
    if (o.waitMs === 0) throw new NotAcquiredError(`lock ${o.name} is held`);
    if (!early) unsubscribe = await trySubscribe(o, w);
    const take = async (value: T): Promise<T> => {
      if (o.signal !== undefined && isAborted(o.signal)) {
        await o.undo(value).catch(() => {});
        throw abortReason(o.signal);
      }
      granted = true;
      return value;
    };
    const deadline =
      o.waitMs === undefined ? Number.POSITIVE_INFINITY : performance.now() + o.waitMs;
    // Subscribed before the first attempt: its answer stands, and a wake-up during it counts.
    let known = early ? first : undefined;
    for (;;) {
      if (known === undefined) w.woken = false;
      if (w.handedOff !== undefined) return await take(w.handedOff);
      const result = known ?? (await attemptOrUnavailable(o.attempt));
      known = undefined;
      if (!(result instanceof BackendUnavailableError) && result.granted)
        return await take(result.value);
      const left = deadline - performance.now();
      if (left <= 0) {
        if (result instanceof BackendUnavailableError) throw result;
        throw new NotAcquiredError(`lock ${o.name} still held after ${o.waitMs} ms`);
      }
      if (w.woken) continue;
      if (o.signal !== undefined && isAborted(o.signal)) throw abortReason(o.signal);
      const retryInMs = result instanceof BackendUnavailableError ? -1 : result.retryInMs;
      await w.sleep(Math.min(left, retryDelayMs(retryInMs, o.retryMaxMs, Math.random())), o.signal);
      if (o.signal !== undefined && isAborted(o.signal)) throw abortReason(o.signal);
    }
  } finally {
    unsubscribe();
    if (!granted && o.waitMs !== 0) await o.leave?.().catch(() => {});
  }
}

/** A function, not a property read, so that TypeScript does not keep an old narrowing. */
function isAborted(signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true;
}

/** Sleeps `ms`, or until the signal aborts, or until the function given to `onResume` is
 *  called. Resolves in every case (the caller checks why). */
function sleep(
  ms: number,
  signal: AbortSignal | undefined,
  onResume: (resume: () => void) => void,
): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
    onResume(done);
  });
}
