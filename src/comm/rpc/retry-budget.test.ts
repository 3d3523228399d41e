// The retry budget in virtual time: retries are capped at the minimum plus ratio × calls in
// the window, the window slides, and bad options are refused.

import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../reliability/clock.js';
import { RpcError } from './errors.js';
import { RetryBudget } from './retry-budget.js';

describe('RetryBudget', () => {
  it('allows the minimum plus ratio × calls in the window, no more', () => {
    const clock = new ManualClock(0);
    const budget = new RetryBudget(clock, { ratio: 0.1, minPerSecond: 1, ttlMs: 10_000 });
    let granted = 0;
    for (let i = 0; i < 1000; i++) {
      budget.deposit();
      if (budget.tryWithdraw()) granted++;
      if (budget.tryWithdraw()) granted++; // A second retry of the same call.
    }
    expect(granted).toBe(10 + 100);
  });

  it('forgets calls and retries that left the window', () => {
    const clock = new ManualClock(0);
    const budget = new RetryBudget(clock, { ratio: 0.5, minPerSecond: 0, ttlMs: 1000 });
    for (let i = 0; i < 10; i++) budget.deposit();
    while (budget.tryWithdraw());
    expect(budget.balance()).toBe(0);
    clock.advance(1000); // Every bucket left the window.
    expect(budget.balance()).toBe(0);
    budget.deposit();
    budget.deposit();
    expect(budget.tryWithdraw()).toBe(true);
    expect(budget.tryWithdraw()).toBe(false);
  });

  it('a clock stepping back is no time passing', () => {
    const clock = new ManualClock(50_000);
    const budget = new RetryBudget(clock, { ratio: 1, minPerSecond: 0, ttlMs: 1000 });
    budget.deposit();
    clock.set(0);
    budget.deposit();
    expect(budget.balance()).toBe(2);
  });

  it('refuses bad options with a typed error', () => {
    const clock = new ManualClock();
    expect(() => new RetryBudget(clock, { ratio: -0.1 })).toThrow(RpcError);
    expect(() => new RetryBudget(clock, { ratio: Number.NaN })).toThrow(RpcError);
    expect(() => new RetryBudget(clock, { minPerSecond: -1 })).toThrow(RpcError);
    expect(() => new RetryBudget(clock, { ttlMs: 0 })).toThrow(RpcError);
  });
});
