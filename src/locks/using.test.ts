// using(): renewal rhythm, abort on loss / on renewals that stop getting through / on the
// caller's signal, release at the end (also on throw) — against a fake Lock whose extend()
// outcomes the test scripts, on fake timers (time is simulated, nothing here is timed).

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  BackendUnavailableError,
  LockLostError,
  NotAcquiredError,
  NotOwnerError,
} from './errors.js';
import { type AcquireOptions, type Lock, type LockHandle, validUntilOf } from './lock.js';
import { using } from './using.js';

type Outcome = 'ok' | Error;

class FakeLock implements Lock {
  readonly spec = { name: 'fake' };
  extends = 0;
  releases = 0;
  /** Outcomes of the next extend() calls; 'ok' once the script runs out. */
  script: Outcome[] = [];
  releaseError: Error | undefined;
  acquireError: Error | undefined;
  readonly lost = new AbortController();

  async acquire(o: AcquireOptions): Promise<LockHandle> {
    if (this.acquireError !== undefined) throw this.acquireError;
    const fake = this;
    let validUntil = validUntilOf(performance.now(), o.ttlMs);
    return {
      name: 'fake',
      owner: 'me',
      token: 1n,
      signal: this.lost.signal,
      get validUntil() {
        return validUntil;
      },
      async extend() {
        fake.extends++;
        const outcome = fake.script.shift() ?? 'ok';
        if (outcome !== 'ok') throw outcome;
        validUntil = validUntilOf(performance.now(), o.ttlMs);
      },
      async release() {
        fake.releases++;
        if (fake.releaseError !== undefined) throw fake.releaseError;
      },
    };
  }
}

/** An fn that runs until its signal aborts (or `ms` of simulated time) and reports why. */
function holdFor(ms: number): (signal: AbortSignal) => Promise<unknown> {
  return (signal) =>
    new Promise((resolve) => {
      const t = setTimeout(() => resolve('done'), ms);
      signal.addEventListener('abort', () => {
        clearTimeout(t);
        resolve(signal.reason);
      });
    });
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('using', () => {
  it('renews every ttl/3 while fn runs, returns its result and releases', async () => {
    const lock = new FakeLock();
    const run = using(lock, { ttlMs: 3000 }, holdFor(10_000));
    await vi.advanceTimersByTimeAsync(10_000);
    expect(await run).toBe('done');
    expect(lock.extends).toBe(9); // at 1 s, 2 s, … 9 s
    expect(lock.releases).toBe(1);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(lock.extends).toBe(9); // no renewal after the end
  });

  it('releases when fn throws and rethrows fn’s error, not the release’s', async () => {
    const lock = new FakeLock();
    lock.releaseError = new BackendUnavailableError('down');
    const boom = new Error('boom');
    await expect(using(lock, { ttlMs: 1000 }, async () => Promise.reject(boom))).rejects.toBe(boom);
    expect(lock.releases).toBe(1);
  });

  it('rejects with a failed release after fn succeeded while the lock was held', async () => {
    const lock = new FakeLock();
    lock.releaseError = new BackendUnavailableError('down');
    await expect(using(lock, { ttlMs: 1000 }, async () => 1)).rejects.toBeInstanceOf(
      BackendUnavailableError,
    );
  });

  it('aborts fn’s signal with LockLostError when a renewal finds the lock lost', async () => {
    const lock = new FakeLock();
    const lost = new LockLostError('gone');
    lock.script = ['ok', lost];
    lock.releaseError = new NotOwnerError('not yours any more');
    const run = using(lock, { ttlMs: 3000 }, holdFor(60_000));
    await vi.advanceTimersByTimeAsync(2000);
    expect(await run).toBe(lost); // the release's NotOwnerError is swallowed: it was lost
    expect(lock.extends).toBe(2);
  });

  it('wraps a not-yours renewal in LockLostError', async () => {
    const lock = new FakeLock();
    const refused = new NotOwnerError('taken over');
    lock.script = [refused];
    const run = using(lock, { ttlMs: 3000 }, holdFor(60_000));
    await vi.advanceTimersByTimeAsync(1000);
    const reason = await run;
    expect(reason).toBeInstanceOf(LockLostError);
    expect((reason as LockLostError).cause).toBe(refused);
  });

  it('retries failing renewals and aborts when validity runs out without one', async () => {
    const lock = new FakeLock();
    const down = new BackendUnavailableError('down');
    lock.script = Array.from({ length: 100 }, () => down);
    const started = performance.now();
    let abortedAfterMs = -1;
    const run = using(lock, { ttlMs: 3000 }, (signal) => {
      signal.addEventListener('abort', () => {
        abortedAfterMs = performance.now() - started;
      });
      return holdFor(60_000)(signal);
    });
    await vi.advanceTimersByTimeAsync(4000);
    expect(await run).toBeInstanceOf(LockLostError);
    // Aborted at validUntil (TTL 3000 minus 32 ms of drift), after retries every ttl/6.
    expect(abortedAfterMs).toBe(3000 - 32);
    expect(lock.extends).toBe(4); // at 1000, 1500, 2000, 2500 ms
  });

  it('keeps holding across a transient renewal failure that recovers', async () => {
    const lock = new FakeLock();
    lock.script = [new BackendUnavailableError('blip')];
    const run = using(lock, { ttlMs: 3000 }, holdFor(5000));
    await vi.advanceTimersByTimeAsync(5000);
    expect(await run).toBe('done');
  });

  it('aborts fn’s signal when the backend reports the lock lost', async () => {
    const lock = new FakeLock();
    const run = using(lock, { ttlMs: 3000 }, holdFor(60_000));
    await vi.advanceTimersByTimeAsync(100);
    const lost = new LockLostError('lease expired');
    lock.lost.abort(lost);
    await vi.advanceTimersByTimeAsync(0);
    expect(await run).toBe(lost);
  });

  it('aborts fn’s signal with the caller’s reason when the caller aborts', async () => {
    const lock = new FakeLock();
    const caller = new AbortController();
    const run = using(lock, { ttlMs: 3000, signal: caller.signal }, holdFor(60_000));
    await vi.advanceTimersByTimeAsync(100);
    caller.abort('enough');
    await vi.advanceTimersByTimeAsync(0);
    expect(await run).toBe('enough');
    expect(lock.releases).toBe(1);
  });

  it('does not call fn when acquire fails', async () => {
    const lock = new FakeLock();
    lock.acquireError = new NotAcquiredError('held');
    const fn = vi.fn(async () => 1);
    await expect(using(lock, { ttlMs: 1000 }, fn)).rejects.toBeInstanceOf(NotAcquiredError);
    expect(fn).not.toHaveBeenCalled();
  });
});
