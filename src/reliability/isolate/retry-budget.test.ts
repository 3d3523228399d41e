// The retry budget in virtual time: retries earned per call, the floor, expiry after the
// window, a clock stepping backwards, and refused options.

import { describe, expect, it } from 'vitest';
import { ManualClock } from '../clock.js';
import { IsolationError } from './errors.js';
import { RetryBudget } from './retry-budget.js';

describe('RetryBudget', () => {
  it('allows ratio × calls retries in the window, and no more', () => {
    const clock = new ManualClock(1_000_000);
    const b = new RetryBudget(clock, { ratio: 0.25, windowMs: 10_000, minRetriesPerSecond: 0 });
    expect(b.tryWithdraw()).toBe(false); // No calls yet, no floor.
    for (let i = 0; i < 8; i++) b.deposit();
    expect(b.available()).toBe(2);
    expect(b.tryWithdraw()).toBe(true);
    expect(b.tryWithdraw()).toBe(true);
    expect(b.tryWithdraw()).toBe(false);
    expect(b.counts()).toEqual({ calls: 8, retries: 2 });
    expect(b.refused).toBe(2);
  });

  it('has a floor of minRetriesPerSecond × window even without calls', () => {
    const b = new RetryBudget(new ManualClock(), {
      ratio: 0,
      windowMs: 2000,
      minRetriesPerSecond: 1.5,
    });
    let granted = 0;
    while (b.tryWithdraw()) granted += 1;
    expect(granted).toBe(3);
  });

  it('forgets calls and retries once the window has passed', () => {
    const clock = new ManualClock(0);
    const b = new RetryBudget(clock, { ratio: 0.5, windowMs: 1000, minRetriesPerSecond: 0 });
    for (let i = 0; i < 4; i++) b.deposit();
    expect(b.tryWithdraw()).toBe(true);
    expect(b.tryWithdraw()).toBe(true);
    expect(b.tryWithdraw()).toBe(false);
    clock.advance(500);
    b.deposit(); // Still inside the window: 5 calls, 2 retries → nothing left (floor 2.5).
    expect(b.tryWithdraw()).toBe(false);
    clock.advance(600); // The first four calls and both retries expired; the fifth is left.
    expect(b.counts()).toEqual({ calls: 1, retries: 0 });
    clock.advance(1000);
    expect(b.counts()).toEqual({ calls: 0, retries: 0 });
  });

  it('reads a clock that steps backwards as standing still', () => {
    const clock = new ManualClock(50_000);
    const b = new RetryBudget(clock, { ratio: 1, windowMs: 1000, minRetriesPerSecond: 0 });
    b.deposit();
    clock.set(10_000);
    b.deposit();
    expect(b.counts()).toEqual({ calls: 2, retries: 0 });
    clock.set(51_000); // 1 s after the last time it trusted: both calls expired.
    expect(b.counts()).toEqual({ calls: 0, retries: 0 });
  });

  it.each([
    [{ ratio: -0.1 }],
    [{ ratio: 1.5 }],
    [{ ratio: Number.NaN }],
    [{ windowMs: 0 }],
    [{ windowMs: 1.5e9 }],
    [{ minRetriesPerSecond: -1 }],
  ])('refuses %o with an IsolationError', (options) => {
    expect(() => new RetryBudget(new ManualClock(), options)).toThrow(IsolationError);
  });
});
