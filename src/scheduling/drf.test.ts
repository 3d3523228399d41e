// DRF on the worked examples of Ghodsi et al. (NSDI 2011): the §4 example (9 CPUs, 18 GB; user
// A's tasks ⟨1 CPU, 4 GB⟩, user B's ⟨3 CPUs, 1 GB⟩) in the continuous form and, step by step,
// Figure 3's run of Algorithm 1; weighted DRF (§4.3) and progressive filling past a saturated
// resource worked by hand; the fairness predicates catching allocations that are not fair;
// and bad input refused with typed errors.

import { describe, expect, it } from 'vitest';
import { allocationOf, drf, drfProblem } from './drf.js';
import { drfDiscrete } from './drf-discrete.js';
import {
  DimensionMismatchError,
  EmptyTaskError,
  InvalidQuantityError,
  TaskTooLargeError,
  TooManyTasksError,
  ZeroCapacityError,
} from './errors.js';
import {
  envyViolations,
  feasibilityViolations,
  paretoViolations,
  sharingIncentiveViolations,
} from './fairness.js';
import { Rational } from './rational.js';

const PAPER = {
  capacity: [9, 18],
  demands: [
    [1, 4],
    [3, 1],
  ],
};
const str = (xs: readonly Rational[]) => xs.map(String);

function allFair(a: Parameters<typeof paretoViolations>[0]): string[] {
  return [
    ...feasibilityViolations(a),
    ...paretoViolations(a),
    ...sharingIncentiveViolations(a),
    ...envyViolations(a),
  ];
}

describe('DRF: the paper’s example (§4)', () => {
  it('gives A 3 tasks ⟨3 CPU, 12 GB⟩ and B 2 tasks ⟨6 CPU, 2 GB⟩, dominant shares 2/3', () => {
    const a = drf(PAPER);
    const [A, B] = a.users;
    expect(A?.tasks.toString()).toBe('3');
    expect(str(A?.allocation ?? [])).toEqual(['3', '12']);
    expect(A?.dominantResource).toBe(1); // memory: 4/18 > 1/9
    expect(B?.tasks.toString()).toBe('2');
    expect(str(B?.allocation ?? [])).toEqual(['6', '2']);
    expect(B?.dominantResource).toBe(0); // CPU: 3/9 > 1/18
    expect(str(a.users.map((u) => u.dominantShare))).toEqual(['2/3', '2/3']);
    expect(str(a.used)).toEqual(['9', '14']); // CPU saturated, 4 GB idle
    expect(allFair(a)).toEqual([]);
  });

  it('Algorithm 1 gives the same, through Figure 3’s schedule B, A, A, B, A', () => {
    // Figure 3 lists B first; Algorithm 1 breaks the tie at 0 by user order, so B is user 1.
    const a = drfDiscrete({
      capacity: [9, 18],
      demands: [
        [3, 1],
        [1, 4],
      ],
    });
    expect(a.schedule.map((i) => 'BA'[i])).toEqual(['B', 'A', 'A', 'B', 'A']);
    // Each row of Figure 3: A's and B's dominant shares, then the CPU and RAM in use.
    const rows = [
      ['0', '1/3', '1/3', '1/18'],
      ['2/9', '1/3', '4/9', '5/18'],
      ['4/9', '1/3', '5/9', '1/2'],
      ['4/9', '2/3', '8/9', '5/9'],
      ['2/3', '2/3', '1', '7/9'],
    ];
    const counts = [0, 0];
    a.schedule.forEach((user, step) => {
      counts[user] = (counts[user] ?? 0) + 1;
      const p = drfProblem({
        capacity: [9, 18],
        demands: [
          [3, 1],
          [1, 4],
        ],
      });
      const now = allocationOf(
        p,
        counts.map((n) => Rational.of(BigInt(n))),
      );
      const [B, A] = now.users;
      const shares = [A?.dominantShare, B?.dominantShare].map(String);
      const used = now.used.map((u, r) => u.div(p.capacity[r] as Rational).toString());
      expect([...shares, ...used]).toEqual(rows[step]);
    });
    expect(str(a.users.map((u) => u.tasks))).toEqual(['2', '3']);
  });
});

describe('DRF: worked by hand', () => {
  it('weighted DRF (§4.3): A with weight 2 gets twice B’s dominant share', () => {
    // Level λ: A runs 9λ tasks (2/(2/9)), B 3λ; memory runs out first (39λ = 18).
    const a = drf({ ...PAPER, weights: [2, 1] });
    expect(str(a.users.map((u) => u.tasks))).toEqual(['54/13', '18/13']);
    expect(str(a.users.map((u) => u.dominantShare))).toEqual(['12/13', '6/13']);
    expect(str(a.used)).toEqual(['108/13', '18']);
    expect(allFair(a)).toEqual([]);
  });

  it('users that need no saturated resource keep filling', () => {
    // Memory runs out at dominant share 1/2 and stops B and C; A needs no memory and grows
    // on until the CPU is used up.
    const a = drf({
      capacity: [10, 10],
      demands: [
        [2, 0],
        [1, 2],
        [0, 1],
      ],
    });
    expect(str(a.users.map((u) => u.tasks))).toEqual(['15/4', '5/2', '5']);
    expect(str(a.users.map((u) => u.dominantShare))).toEqual(['3/4', '1/2', '1/2']);
    expect(str(a.used)).toEqual(['10', '10']);
    expect(allFair(a)).toEqual([]);
  });

  it('one resource: DRF is max-min fairness (equal shares when nobody is capped)', () => {
    const a = drf({ capacity: [12], demands: [[1], [2], [3]] });
    expect(str(a.users.map((u) => u.allocation[0] as Rational))).toEqual(['4', '4', '4']);
  });

  it('Algorithm 1 stops when the neediest user’s task does not fit; skip keeps going', () => {
    // A's second task needs memory that is gone; B needs only CPU, of which 3 are left.
    const input = {
      capacity: [10, 10],
      demands: [
        [1, 6],
        [1, 0],
      ],
    };
    const stop = drfDiscrete(input);
    expect(str(stop.users.map((u) => u.tasks))).toEqual(['1', '6']);
    const skip = drfDiscrete(input, { whenFull: 'skip' });
    expect(str(skip.users.map((u) => u.tasks))).toEqual(['1', '9']);
    expect(paretoViolations(skip)).toEqual([]);
  });
});

describe('the fairness predicates catch unfair allocations', () => {
  const p = drfProblem(PAPER);
  const given = (a: number, b: number) =>
    allocationOf(p, [Rational.of(BigInt(a)), Rational.of(BigInt(b))]);

  it('one task each wastes the cluster: not Pareto efficient', () => {
    expect(paretoViolations(given(1, 1))).toHaveLength(2);
  });

  it('four tasks for A, one for B: B is below its slice and envies A', () => {
    const a = given(4, 1);
    expect(feasibilityViolations(a)).toEqual([]);
    // B's own half of the cluster (4.5 CPUs, 9 GB) runs 1.5 of its tasks.
    expect(sharingIncentiveViolations(a)).toEqual(['user 2 runs 1 < 3/2 on its own slice']);
    // With A's ⟨4 CPU, 16 GB⟩ B would run 4/3 tasks.
    expect(envyViolations(a)).toEqual(['user 2 envies user 1: 4/3 > 1 tasks']);
  });
});

describe('DRF: bad input', () => {
  it.each([
    ['zero capacity', { capacity: [9, 0], demands: [[1, 0]] }, ZeroCapacityError],
    ['a NaN demand', { capacity: [9, 18], demands: [[Number.NaN, 1]] }, InvalidQuantityError],
    ['a negative demand', { capacity: [9, 18], demands: [[1, -4]] }, InvalidQuantityError],
    [
      'a task larger than the cluster',
      { capacity: [9, 18], demands: [[10, 1]] },
      TaskTooLargeError,
    ],
    ['a task with too few amounts', { capacity: [9, 18], demands: [[1]] }, DimensionMismatchError],
    ['a task that needs nothing', { capacity: [9, 18], demands: [[0, 0]] }, EmptyTaskError],
    ['no resources', { capacity: [], demands: [[]] }, DimensionMismatchError],
    ['no users', { capacity: [1], demands: [] }, DimensionMismatchError],
    ['a weight per user missing', { ...PAPER, weights: [1] }, DimensionMismatchError],
  ])('%s is refused with its typed error (both forms)', (_, input, kind) => {
    expect(() => drf(input)).toThrow(kind);
    expect(() => drfDiscrete(input)).toThrow(kind);
  });

  it('the message locates the task that can never run', () => {
    expect(() =>
      drf({
        capacity: [9, 18],
        demands: [
          [1, 4],
          [3, 19],
        ],
      }),
    ).toThrow("user 2's task needs 19 of resource 2, more than the cluster's 18");
  });

  it('discrete DRF refuses to place more tasks than its bound', () => {
    const input = { capacity: [1000], demands: [[1], [1]] };
    expect(() => drfDiscrete(input, { maxTasks: 100 })).toThrow(TooManyTasksError);
    expect(drfDiscrete(input, { maxTasks: 1000 }).schedule).toHaveLength(1000);
  });
});
