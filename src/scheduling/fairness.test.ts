// Property tests (fast-check) on random demands, capacities and weights, all exact: max-min
// fairness meets its characterization and resists lying; continuous DRF is Pareto efficient,
// gives sharing incentive, is envy-free, strategy-proof and bottleneck-fair (Ghodsi et al.,
// NSDI 2011, §5); discrete DRF stays within one task of equal dominant shares and, in 'skip'
// mode, leaves no task that would fit. Quantities are small fractions so that equalities
// (saturation, ties) are common and the edge cases get exercised.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { drf } from './drf.js';
import { drfDiscrete } from './drf-discrete.js';
import {
  envyViolations,
  feasibilityViolations,
  maxMinViolations,
  paretoViolations,
  sharingIncentiveViolations,
  usefulTasks,
} from './fairness.js';
import { maxMinFair } from './max-min.js';
import { Rational } from './rational.js';

const RUNS = { numRuns: 300 };

/** k/d with small d: exact quantities with frequent ties. */
const fraction = (min: number, max: number) =>
  fc
    .tuple(fc.integer({ min, max }), fc.constantFrom(1, 2, 3, 4, 5, 10))
    .map(([k, d]) => Rational.of(BigInt(k), BigInt(d)));
const positive = fraction(1, 40);
const weightsOf = (n: number) => fc.option(fc.array(positive, { minLength: n, maxLength: n }));

const maxMinInput = fc.integer({ min: 1, max: 7 }).chain((n) =>
  fc.record({
    capacity: positive,
    demands: fc.array(fraction(0, 40), { minLength: n, maxLength: n }),
    weights: weightsOf(n),
  }),
);

/** A task for `capacity`: each amount a tenth-multiple of the resource, never all zero. */
const taskFor = (capacity: readonly Rational[]) =>
  fc
    .array(fc.integer({ min: 0, max: 10 }), {
      minLength: capacity.length,
      maxLength: capacity.length,
    })
    .map((ks) => (ks.every((k) => k === 0) ? [1, ...ks.slice(1)] : ks))
    .map((ks) => ks.map((k, r) => (capacity[r] as Rational).mul(Rational.of(BigInt(k), 10n))));

const drfInput = fc
  .tuple(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 4 }))
  .chain(([n, m]) => fc.array(positive, { minLength: m, maxLength: m }).map((c) => [n, c] as const))
  .chain(([n, capacity]) =>
    fc.record({
      capacity: fc.constant(capacity),
      demands: fc.array(taskFor(capacity), { minLength: n, maxLength: n }),
      weights: weightsOf(n),
    }),
  );

/** Drops an absent weights field (exactOptionalPropertyTypes: no `weights: undefined`). */
function input<T extends { weights: Rational[] | null }>(
  x: T,
): Omit<T, 'weights'> & {
  weights?: Rational[];
} {
  const { weights, ...rest } = x;
  return weights === null ? rest : { ...rest, weights };
}

describe('max-min fairness on random demands', () => {
  it('no user can grow without shrinking one that has at most as much (per weight)', () => {
    fc.assert(
      fc.property(maxMinInput, (x) => {
        expect(maxMinViolations(maxMinFair(input(x)))).toEqual([]);
      }),
      RUNS,
    );
  });

  it('is strategy-proof: asking for a different amount never gets a user more it can use', () => {
    fc.assert(
      fc.property(maxMinInput, fc.nat(), fraction(0, 80), (x, who, lie) => {
        const i = who % x.demands.length;
        const truth = maxMinFair(input(x)).users[i]?.allocation as Rational;
        const demands = x.demands.map((d, j) => (j === i ? lie : d));
        const lied = maxMinFair(input({ ...x, demands })).users[i]?.allocation as Rational;
        expect(lied.min(x.demands[i] as Rational).le(truth)).toBe(true);
      }),
      RUNS,
    );
  });
});

describe('continuous DRF on random demands', () => {
  it('is feasible, Pareto efficient, gives sharing incentive and is envy-free', () => {
    fc.assert(
      fc.property(drfInput, (x) => {
        const a = drf(input(x));
        expect(feasibilityViolations(a)).toEqual([]);
        expect(paretoViolations(a)).toEqual([]);
        expect(sharingIncentiveViolations(a)).toEqual([]);
        expect(envyViolations(a)).toEqual([]);
      }),
      RUNS,
    );
  });

  it('is strategy-proof: misreporting a task never runs more of the true tasks', () => {
    const lying = drfInput.chain((x) =>
      fc.tuple(fc.constant(x), fc.nat({ max: x.demands.length - 1 }), taskFor(x.capacity)),
    );
    fc.assert(
      fc.property(lying, ([x, i, lie]) => {
        const truth = drf(input(x)).users[i]?.tasks as Rational;
        const demands = x.demands.map((d, j) => (j === i ? lie : d));
        const got = drf(input({ ...x, demands })).users[i]?.allocation as Rational[];
        const useful = usefulTasks(x.demands[i] as Rational[], got);
        expect(useful.le(truth), `${useful} > ${truth}`).toBe(true);
      }),
      RUNS,
    );
  });

  it('is bottleneck-fair: when one resource dominates every task, it is shared max-min', () => {
    // Every user's share of resource 1 is at least its share of any other resource.
    const bottlenecked = drfInput.map((x) => ({
      ...x,
      demands: x.demands.map((task) => {
        const top = task.map((d, r) => d.div(x.capacity[r] as Rational)).reduce((a, b) => a.max(b));
        return [top.mul(x.capacity[0] as Rational), ...task.slice(1)];
      }),
    }));
    fc.assert(
      fc.property(bottlenecked, (x) => {
        const a = drf(input(x));
        const c = x.capacity[0] as Rational;
        // Unbounded demand for the bottleneck: asking for all of it is the same.
        const m = maxMinFair(
          input({ capacity: c, demands: x.demands.map(() => c), weights: x.weights }),
        );
        const got = a.users.map((u) => (u.allocation[0] as Rational).toString());
        expect(got).toEqual(m.users.map((u) => u.allocation.toString()));
      }),
      RUNS,
    );
  });
});

describe('discrete DRF (Algorithm 1) on random demands', () => {
  it('stays within one task of equal dominant shares per weight', () => {
    fc.assert(
      fc.property(drfInput, (x) => {
        const a = drfDiscrete(input(x));
        expect(feasibilityViolations(a)).toEqual([]);
        for (const u of a.users) {
          if (u.tasks.isZero()) continue;
          const oneLess = u.dominantShare.sub(u.dominantShare.div(u.tasks)).div(u.weight);
          for (const v of a.users) expect(oneLess.le(v.dominantShare.div(v.weight))).toBe(true);
        }
      }),
      RUNS,
    );
  });

  it("in 'skip' mode leaves no room for any user's next task", () => {
    fc.assert(
      fc.property(drfInput, (x) => {
        const a = drfDiscrete(input(x), { whenFull: 'skip' });
        const free = a.capacity.map((c, r) => c.sub(a.used[r] as Rational));
        for (const u of a.users) expect(usefulTasks(u.task, free).lt(Rational.ONE)).toBe(true);
        // Never fewer tasks than stopping at the first task that does not fit.
        const stop = drfDiscrete(input(x));
        const count = (y: typeof a) => y.users.reduce((s, u) => s + Number(u.tasks.num), 0);
        expect(count(a)).toBeGreaterThanOrEqual(count(stop));
      }),
      RUNS,
    );
  });
});
