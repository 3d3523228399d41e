// waitForGrant without Redis: scripted attempts and a hand-fired release channel. It pins
// the order that prevents lost wake-ups (subscribe, then attempt again — or subscribe
// first when that is free), that a wake-up during an attempt is kept, that a hand-off ends
// the wait, that nothing spins, and how the wait ends (leaving the queue).

import { describe, expect, it } from 'vitest';
import { BackendUnavailableError, NotAcquiredError } from './errors.js';
import { type Attempt, retryDelayMs, waitForGrant } from './redis-wait.js';

const HELD: Attempt<string> = { granted: false, retryInMs: -1 };
const GRANTED: Attempt<string> = { granted: true, value: 'grant' };

/** A release channel the test fires by hand, and a log of what the waiter did. */
function harness(outcomes: ((log: string[]) => Attempt<string>)[]) {
  const log: string[] = [];
  const wakers = new Set<(value?: string) => void>();
  let calls = 0;
  return {
    log,
    wakers,
    release: () => {
      for (const w of wakers) w();
    },
    options: {
      attempt: async () => {
        const next = outcomes[Math.min(calls, outcomes.length - 1)];
        calls++;
        log.push('attempt');
        return (next as (log: string[]) => Attempt<string>)(log);
      },
      subscribe: async (wake: (value?: string) => void) => {
        log.push('subscribe');
        wakers.add(wake);
        return () => {
          log.push('unsubscribe');
          wakers.delete(wake);
        };
      },
      undo: async () => {
        log.push('undo');
      },
      leave: async () => {
        log.push('leave');
      },
      retryMaxMs: 600_000,
      name: 'x',
    },
  };
}

describe('retryDelayMs', () => {
  it.each([
    [0, 1_000, 0, 1],
    [0, 1_000, 0.999, 2],
    [100, 1_000, 0, 101],
    [100, 1_000, 0.999, 127],
    [-1, 1_000, 0, 500],
    [-1, 1_000, 0.999, 999],
    [5_000, 1_000, 0.5, 750],
  ])('holder ends in %i ms, cap %i, random %f: sleeps %i ms', (inMs, maxMs, r, expected) => {
    expect(retryDelayMs(inMs, maxMs, r)).toBe(expected);
  });
});

describe('waitForGrant', () => {
  it('one attempt with waitMs 0, no subscription', async () => {
    const h = harness([() => HELD]);
    await expect(waitForGrant({ ...h.options, waitMs: 0, signal: undefined })).rejects.toThrow(
      NotAcquiredError,
    );
    expect(h.log).toEqual(['attempt']);
  });

  it('subscribes before the second attempt, and a release wakes it', async () => {
    const h = harness([() => HELD, () => HELD, () => GRANTED]);
    const waiting = waitForGrant({ ...h.options, waitMs: undefined, signal: undefined });
    while (h.log.length < 3) await new Promise((r) => setImmediate(r));
    expect(h.log).toEqual(['attempt', 'subscribe', 'attempt']);
    await new Promise((r) => setImmediate(r));
    h.release();
    await expect(waiting).resolves.toBe('grant');
    expect(h.log).toEqual(['attempt', 'subscribe', 'attempt', 'attempt', 'unsubscribe']);
  });

  it('keeps a wake-up that arrives while an attempt is in flight', async () => {
    let h: ReturnType<typeof harness> | undefined;
    h = harness([
      () => HELD,
      () => {
        h?.release(); // The holder releases while this attempt is on its way back.
        return HELD;
      },
      () => GRANTED,
    ]);
    // With 10-minute timers, only the kept wake-up can make the third attempt happen.
    await expect(
      waitForGrant({ ...h.options, waitMs: undefined, signal: undefined }),
    ).resolves.toBe('grant');
  });

  it('ends with NotAcquiredError when the wait runs out, BackendUnavailableError if down', async () => {
    const held = harness([() => HELD]);
    await expect(waitForGrant({ ...held.options, waitMs: 50, signal: undefined })).rejects.toThrow(
      NotAcquiredError,
    );
    const down = harness([
      () => {
        throw new BackendUnavailableError('down');
      },
    ]);
    await expect(waitForGrant({ ...down.options, waitMs: 50, signal: undefined })).rejects.toThrow(
      BackendUnavailableError,
    );
    expect(down.log.slice(-2)).toEqual(['unsubscribe', 'leave']);
  });

  it('an abort during the wait rejects with the reason, unsubscribes and leaves', async () => {
    const h = harness([() => HELD]);
    const controller = new AbortController();
    const waiting = waitForGrant({ ...h.options, waitMs: undefined, signal: controller.signal });
    while (h.log.length < 3) await new Promise((r) => setImmediate(r));
    controller.abort('stop');
    await expect(waiting).rejects.toBe('stop');
    expect(h.log.slice(-2)).toEqual(['unsubscribe', 'leave']);
    expect(h.log.filter((x) => x === 'attempt')).toHaveLength(2);
  });

  it('aborted before it starts after a first attempt (which may have queued it): leaves', async () => {
    const h = harness([() => HELD]);
    const controller = new AbortController();
    controller.abort('stop');
    const first = { granted: false, retryInMs: -1 } as const;
    await expect(
      waitForGrant({ ...h.options, first, waitMs: undefined, signal: controller.signal }),
    ).rejects.toBe('stop');
    expect(h.log).toEqual(['leave']);
  });

  it('gives back a grant that arrives after the abort', async () => {
    const controller = new AbortController();
    const h = harness([
      () => HELD,
      () => {
        controller.abort('late');
        return GRANTED;
      },
    ]);
    const waiting = waitForGrant({ ...h.options, waitMs: undefined, signal: controller.signal });
    await expect(waiting).rejects.toBe('late');
    expect(h.log).toContain('undo');
  });

  it('subscribed already: subscribes first, then one attempt; a hand-off ends the wait', async () => {
    const h = harness([() => HELD]);
    const waiting = waitForGrant({
      ...h.options,
      waitMs: undefined,
      signal: undefined,
      subscribedAlready: () => true,
    });
    while (h.log.length < 2) await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    expect(h.log).toEqual(['subscribe', 'attempt']);
    for (const w of h.wakers) w('handed');
    await expect(waiting).resolves.toBe('handed');
    expect(h.log).toEqual(['subscribe', 'attempt', 'unsubscribe']);
  });

  it('a wait that ends without the lock leaves the queue', async () => {
    const h = harness([() => HELD]);
    const wait = waitForGrant({ ...h.options, waitMs: 20, signal: undefined, retryMaxMs: 5 });
    await expect(wait).rejects.toThrow(NotAcquiredError);
    expect(h.log.at(-2)).toBe('unsubscribe');
    expect(h.log.at(-1)).toBe('leave');
  });
});
