// The in-memory Fence: stale tokens refused, equal ones admitted, bad tokens typed, and
// asynchronous writes serialised so a check never interleaves with another write.

import { describe, expect, it } from 'vitest';
import { InvalidLockArgument } from './errors.js';
import { Fence, StaleTokenError } from './fencing.js';

describe('Fence', () => {
  it('admits growing and equal tokens, refuses older ones', () => {
    const fence = new Fence();
    fence.admit(5n);
    fence.admit(5n);
    fence.admit(9n);
    expect(() => fence.admit(7n)).toThrow(StaleTokenError);
    expect(fence.newest).toBe(9n);
    try {
      fence.admit(1n);
    } catch (e) {
      expect((e as StaleTokenError).code).toBe('lost');
      expect((e as StaleTokenError).newest).toBe(9n);
    }
  });

  it('refuses what is not a token', () => {
    const fence = new Fence();
    for (const bad of [-1n, 3, '4', undefined]) {
      expect(() => fence.admit(bad as bigint)).toThrow(InvalidLockArgument);
    }
    expect(fence.newest).toBeUndefined();
  });

  it('serialises writes: a paused old holder’s write after a newer one is refused', async () => {
    const fence = new Fence();
    const store: string[] = [];
    let wake: () => void = () => {};
    const paused = new Promise<void>((r) => {
      wake = r;
    });
    // Token 3 is admitted, then its write stalls; token 4 queues behind it and lands after.
    const old = fence.run(3n, async () => {
      await paused;
      store.push('old');
    });
    const newer = fence.run(4n, async () => {
      store.push('new');
    });
    const late = fence.run(3n, async () => {
      store.push('old again');
    });
    wake();
    await old;
    await newer;
    await expect(late).rejects.toBeInstanceOf(StaleTokenError);
    expect(store).toEqual(['old', 'new']);
    // A failed run does not jam the queue.
    await fence.run(5n, async () => {
      store.push('next');
    });
    expect(store.at(-1)).toBe('next');
  });
});
