// Per-target policies in virtual time (vitest's fake timers stand in for the clock cockatiel's
// breaker and timers read; the retry budget reads a ManualClock): a breaker opening after
// consecutive failures, probing half-open and closing (or opening again); a sampling breaker
// opening on a failure rate; a bulkhead rejecting beyond its queue without tripping the
// breaker; both timeout strategies; and a retry budget capping retries under a dependency
// that always fails, where the attempt limit alone would quadruple the load.

import {
  CircuitState,
  ConsecutiveBreaker,
  ConstantBackoff,
  SamplingBreaker,
  TimeoutStrategy,
} from 'cockatiel';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ManualClock } from '../clock.js';
import { Downstreams } from './downstreams.js';
import {
  BrokenCircuitError,
  BulkheadRejectedError,
  IsolationError,
  TaskCancelledError,
} from './errors.js';

beforeEach(() => {
  vi.useFakeTimers({ now: 1_000_000 });
});
afterEach(() => {
  vi.useRealTimers();
});

const down = () => Promise.reject(new Error('connection refused'));

/** A call that waits until released, to hold a bulkhead slot. */
function gate() {
  let open!: () => void;
  const opened = new Promise<string>((r) => {
    open = () => r('done');
  });
  return { open, call: () => opened };
}

describe('Downstreams: circuit breaker', () => {
  it('opens after consecutive failures, probes half-open, then closes', async () => {
    const ds = new Downstreams({
      breaker: { breaker: () => new ConsecutiveBreaker(3), halfOpenAfter: 5000 },
    });
    let calls = 0;
    const failing = () => {
      calls += 1;
      return down();
    };
    for (let i = 0; i < 3; i++) await expect(ds.call('db', failing)).rejects.toThrow('refused');
    expect(ds.get('db').breaker?.state).toBe(CircuitState.Open);
    await expect(ds.call('db', failing)).rejects.toBeInstanceOf(BrokenCircuitError);
    expect(calls).toBe(3); // Open: the dependency was not called.
    // Another target is not affected by db's breaker.
    await expect(ds.call('cache', () => 'hit')).resolves.toBe('hit');

    vi.advanceTimersByTime(5000);
    let halfOpened = 0;
    ds.get('db').breaker?.onHalfOpen(() => {
      halfOpened += 1;
    });
    await expect(ds.call('db', () => 'up')).resolves.toBe('up'); // The probe.
    expect(halfOpened).toBe(1);
    expect(ds.get('db').breaker?.state).toBe(CircuitState.Closed);
    await expect(ds.call('db', () => 'still up')).resolves.toBe('still up');
  });

  it('opens again when the half-open probe fails', async () => {
    const ds = new Downstreams({
      breaker: { breaker: () => new ConsecutiveBreaker(1), halfOpenAfter: 1000 },
    });
    await expect(ds.call('db', down)).rejects.toThrow('refused');
    vi.advanceTimersByTime(1000);
    await expect(ds.call('db', down)).rejects.toThrow('refused'); // The probe.
    expect(ds.get('db').breaker?.state).toBe(CircuitState.Open);
    await expect(ds.call('db', () => 'x')).rejects.toBeInstanceOf(BrokenCircuitError);
  });

  it('a sampling breaker opens on the failure rate over its window', async () => {
    const ds = new Downstreams({
      breaker: {
        breaker: () => new SamplingBreaker({ threshold: 0.5, duration: 10_000, minimumRps: 1 }),
        halfOpenAfter: 1000,
      },
    });
    // 1 failure in 4: under the threshold.
    for (let i = 0; i < 12; i++) {
      const f = i % 4 === 0 ? down : () => 'ok';
      await ds.call('api', f).catch(() => {});
      vi.advanceTimersByTime(100);
    }
    expect(ds.get('api').breaker?.state).toBe(CircuitState.Closed);
    // Now 3 in 4 fail: over the threshold within the window.
    let opened = false;
    for (let i = 0; i < 20 && !opened; i++) {
      const f = i % 4 === 0 ? () => 'ok' : down;
      await ds.call('api', f).catch(() => {});
      opened = ds.get('api').breaker?.state === CircuitState.Open;
      vi.advanceTimersByTime(100);
    }
    expect(opened).toBe(true);
  });
});

describe('Downstreams: bulkhead', () => {
  it('rejects beyond its pool and queue, without opening the breaker', async () => {
    const ds = new Downstreams({
      bulkhead: { limit: 2, queue: 1 },
      breaker: { breaker: () => new ConsecutiveBreaker(1), halfOpenAfter: 1000 },
    });
    const g = gate();
    const held = [ds.call('db', g.call), ds.call('db', g.call), ds.call('db', g.call)];
    await vi.advanceTimersByTimeAsync(0);
    const b = ds.get('db').bulkhead;
    expect(b?.executionSlots).toBe(0);
    expect(b?.queueSlots).toBe(0);
    await expect(ds.call('db', g.call)).rejects.toBeInstanceOf(BulkheadRejectedError);
    expect(ds.get('db').breaker?.state).toBe(CircuitState.Closed);
    // Another target has its own pool.
    await expect(ds.call('cache', () => 'free')).resolves.toBe('free');
    g.open();
    await expect(Promise.all(held)).resolves.toEqual(['done', 'done', 'done']);
    expect(b?.executionSlots).toBe(2);
  });
});

describe('Downstreams: timeouts', () => {
  it('aggressive: the caller gets TaskCancelledError and the call its aborted signal', async () => {
    const ds = new Downstreams({ timeout: { ms: 200, strategy: TimeoutStrategy.Aggressive } });
    let seen: AbortSignal | undefined;
    const hung = ds.call('slow', (signal) => {
      seen = signal;
      return new Promise<never>(() => {}); // Ignores its signal.
    });
    const outcome = expect(hung).rejects.toBeInstanceOf(TaskCancelledError);
    await vi.advanceTimersByTimeAsync(200);
    await outcome;
    expect(seen?.aborted).toBe(true);
  });

  it('cooperative: the call sees the abort and ends with its own error', async () => {
    const ds = new Downstreams({ timeout: { ms: 200, strategy: TimeoutStrategy.Cooperative } });
    const call = ds.call(
      'slow',
      (signal) =>
        new Promise<never>((_, reject) =>
          signal.addEventListener('abort', () => reject(new Error('stopped on abort'))),
        ),
    );
    const outcome = expect(call).rejects.toThrow('stopped on abort');
    await vi.advanceTimersByTimeAsync(200);
    await outcome;
  });
});

describe('Downstreams: retries and the retry budget', () => {
  /** Calls `fn` through `ds` `n` times in sequence; returns how many attempts reached it. */
  async function hammer(ds: Downstreams, n: number, fn: () => Promise<string>) {
    let attempts = 0;
    for (let i = 0; i < n; i++)
      await ds
        .call('db', () => {
          attempts += 1;
          return fn();
        })
        .catch(() => {});
    return attempts;
  }

  it('the budget caps retries at ratio × calls under a failing dependency', async () => {
    vi.useRealTimers(); // Zero backoff: nothing to wait for.
    const clock = new ManualClock(0);
    const retry = { maxAttempts: 3, backoff: new ConstantBackoff(0) };
    const budget = { ratio: 0.1, windowMs: 10_000, minRetriesPerSecond: 0 };
    const unbudgeted = new Downstreams({ retry: { ...retry, budget: false } });
    expect(await hammer(unbudgeted, 100, down)).toBe(400); // 1 + 3 attempts each.
    const budgeted = new Downstreams({ clock, retry: { ...retry, budget } });
    expect(await hammer(budgeted, 100, down)).toBe(110); // 10 retries for 100 calls.
    expect(budgeted.get('db').budget?.counts()).toEqual({ calls: 100, retries: 10 });
    // Once the window has passed, calls earn retries again.
    clock.advance(10_000);
    expect(await hammer(budgeted, 20, down)).toBe(22);
  });

  it('retries a transient failure, and never retries an open breaker', async () => {
    vi.useRealTimers();
    const ds = new Downstreams({
      retry: { maxAttempts: 2, backoff: new ConstantBackoff(0), budget: false },
      breaker: { breaker: () => new ConsecutiveBreaker(2), halfOpenAfter: 60_000 },
    });
    let n = 0;
    const flaky = () => (++n === 1 ? down() : Promise.resolve('ok'));
    await expect(ds.call('db', flaky)).resolves.toBe('ok');
    // Two failures open the breaker during the retries: the third attempt fails fast.
    let attempts = 0;
    const err = await ds
      .call('db', () => {
        attempts += 1;
        return down();
      })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BrokenCircuitError);
    expect(attempts).toBe(2);
  });

  it('refuses bad options and bad target names', () => {
    expect(() => new Downstreams({ bulkhead: { limit: 0 } })).toThrow(IsolationError);
    expect(() => new Downstreams({ retry: { maxAttempts: -1 } })).toThrow(IsolationError);
    expect(() => new Downstreams({ retry: { maxAttempts: 1, budget: { ratio: 2 } } })).toThrow(
      IsolationError,
    );
    const ds = new Downstreams({ maxTargets: 1 });
    expect(() => ds.get('')).toThrow(IsolationError);
    ds.get('a');
    expect(() => ds.get('b')).toThrow(/more than 1 targets/);
  });
});
