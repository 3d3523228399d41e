// Weighted max-min fairness for one divisible resource, by progressive filling (Bertsekas &
// Gallager, Data Networks §6.5.2; SPEC §8): every unsatisfied user's allocation grows at a
// rate proportional to its weight until the user reaches its demand (it leaves, satisfied)
// or the capacity runs out (everyone still growing stops, with equal allocation per unit of
// weight). Nobody gets more than it asked for; the capacity is left over only when every
// demand is met.
//
// Users leave the filling in the order of their demand per unit of weight, so the filling is
// computed event by event in that order instead of by small increments: exact on rationals
// (rational.ts), and O(n log n). Pure: no I/O, no clocks, no randomness.

import { DimensionMismatchError } from './errors.js';
import { type Quantity, toCapacities, toQuantity, toWeights } from './quantity.js';
import { Rational, sum } from './rational.js';

export interface MaxMinInput {
  readonly capacity: Quantity;
  /** What each user asks for (≥ 0). */
  readonly demands: readonly Quantity[];
  /** Each user's weight (> 0; all 1 when absent). */
  readonly weights?: readonly Quantity[];
}

export interface MaxMinUser {
  readonly demand: Rational;
  readonly weight: Rational;
  readonly allocation: Rational;
  /** allocation = demand: the user left the filling before the capacity ran out. */
  readonly satisfied: boolean;
}

export interface MaxMinAllocation {
  readonly capacity: Rational;
  readonly users: readonly MaxMinUser[];
  /** Sum of the allocations: min(capacity, sum of the demands). */
  readonly allocated: Rational;
  /**
   * The water level where the capacity ran out: each unsatisfied user got weight × fairShare.
   * Null when every demand is met.
   */
  readonly fairShare: Rational | null;
}

/** Weighted max-min fair allocation of `capacity` among `demands`. */
export function maxMinFair(input: MaxMinInput): MaxMinAllocation {
  const [capacity] = toCapacities([input.capacity]) as [Rational];
  if (input.demands.length === 0) throw new DimensionMismatchError('users', 1, 0);
  const demands = input.demands.map((d, i) =>
    toQuantity(`demand of user ${i + 1}`, d, 'non-negative'),
  );
  const weights = toWeights(input.weights, demands.length);
  const allocation = waterFill(capacity, demands, weights);
  return {
    capacity,
    users: demands.map((demand, i) => {
      const got = allocation.amounts[i] as Rational;
      return { demand, weight: weights[i] as Rational, allocation: got, satisfied: got.eq(demand) };
    }),
    allocated: sum(allocation.amounts),
    fairShare: allocation.level,
  };
}

/**
 * Progressive filling on validated input. Users in increasing demand per unit of weight (ties
 * by index, so the result never depends on sort stability): while the remaining capacity
 * spread over the remaining weight covers the next user's demand, that user is satisfied and
 * leaves; otherwise the level is reached and every remaining user gets weight × level.
 */
export function waterFill(
  capacity: Rational,
  demands: readonly Rational[],
  weights: readonly Rational[],
): { amounts: Rational[]; level: Rational | null } {
  const perWeight = demands.map((d, i) => d.div(weights[i] as Rational));
  const order = demands
    .map((_, i) => i)
    .sort((a, b) => (perWeight[a] as Rational).cmp(perWeight[b] as Rational) || a - b);
  const amounts = demands.map(() => Rational.ZERO);
  let remaining = capacity;
  let weightLeft = sum(weights);
  for (const [k, i] of order.entries()) {
    const demand = demands[i] as Rational;
    const weight = weights[i] as Rational;
    // Satisfied iff demand/weight ≤ remaining/weightLeft, compared without a division.
    if (demand.mul(weightLeft).le(remaining.mul(weight))) {
      amounts[i] = demand;
      remaining = remaining.sub(demand);
      weightLeft = weightLeft.sub(weight);
      continue;
    }
    const level = remaining.div(weightLeft);
    for (const j of order.slice(k)) amounts[j] = (weights[j] as Rational).mul(level);
    return { amounts, level };
  }
  return { amounts, level: null };
}
