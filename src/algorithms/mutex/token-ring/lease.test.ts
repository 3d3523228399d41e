// The lease arithmetic of lease.ts: the budget a holder gets, the lease that yields a
// budget, and what a grantor reports — the three numbers the safety argument rests on.

import { describe, expect, it } from 'vitest';
import { entryBudgetMs, leaseFor, mayEnter, remainingGrantMs } from './lease.js';

const model = { maxPauseMs: 200, maxDriftPpm: 50_000 };

describe('token-ring leases', () => {
  it.each([100, 1_000, 10_000])('leaseFor(%i) leaves at least that budget', (needed) => {
    expect(entryBudgetMs(leaseFor(needed, model), model)).toBeGreaterThanOrEqual(needed);
  });

  // A holder whose reference point is R is out by R + W/(1+ρ) in real time: local elapsed
  // L takes at most L/(1−ρ) real time, and a pause adds at most P.
  it.each([
    [0, 0],
    [200, 50_000],
    [1_000, 10_000],
  ])('the budget keeps a holder inside W/(1+ρ) (pause %i ms, drift %i ppm)', (p, ppm) => {
    const m = { maxPauseMs: p, maxDriftPpm: ppm };
    const rho = ppm / 1e6;
    const leaseMs = 5_000;
    const realExit = entryBudgetMs(leaseMs, m) / (1 - rho) + p;
    expect(realExit).toBeLessThanOrEqual(leaseMs / (1 + rho) + 1e-9);
  });

  it('refuses entry once the reference point is too old', () => {
    const w = leaseFor(500, model);
    expect(mayEnter(400, 100, w, model)).toBe(true);
    expect(mayEnter(entryBudgetMs(w, model), 1, w, model)).toBe(false);
  });

  it.each([
    [0, 1_000, 1_000],
    [400, 1_000, 600],
    [1_000, 1_000, 0],
    [5_000, 1_000, 0],
  ])('a grant %i ms old of a %i ms lease has %i ms left', (since, lease, left) => {
    expect(remainingGrantMs(since, lease)).toBe(left);
  });
});
