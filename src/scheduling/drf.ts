// Dominant Resource Fairness (Ghodsi, Zaharia, Hindman, Konwinski, Shenker, Stoica, NSDI 2011)
// in its continuous form: progressive filling over several divisible resources (§4, §5).
// Each user runs tasks that all need the same vector of resources (Leontief preferences: a
// user values an allocation by the number of whole-task bundles it holds). A user's dominant
// share is its largest share of any one resource; DRF is max-min fairness on dominant shares
// (weighted DRF, §4.3: on dominant share per unit of weight).
//
// Progressive filling raises every active user's dominant share per unit of weight at the
// same rate (so user i runs tasks at rate w_i / σ_i, σ_i being its task's dominant share)
// until a resource saturates; every user that needs a saturated resource stops there, the
// others keep growing. Each round saturates at least one resource and stops every user that
// needs it, so there are at most min(users, resources) rounds. Exact on rationals; fractional
// task counts are the continuous model's (the discrete form is drf-discrete.ts). Users have an
// unbounded number of tasks, as in the paper's analysis (§5). Pure: no I/O.

import { assert } from '../core/assert.js';
import { DimensionMismatchError, EmptyTaskError } from './errors.js';
import { type Quantity, toCapacities, toTask, toWeights } from './quantity.js';
import { Rational, sum } from './rational.js';

export interface DrfInput {
  /** Capacity of each resource (> 0), e.g. [9, 18] for 9 CPUs and 18 GB. */
  readonly capacity: readonly Quantity[];
  /** Each user's per-task demand vector, one amount per resource, e.g. [[1, 4], [3, 1]]. */
  readonly demands: readonly (readonly Quantity[])[];
  /** Each user's weight (> 0; all 1 when absent). */
  readonly weights?: readonly Quantity[];
}

export interface DrfUser {
  readonly task: readonly Rational[];
  readonly weight: Rational;
  /** Tasks run: fractional in the continuous form, whole in the discrete one. */
  readonly tasks: Rational;
  /** tasks × task, per resource. */
  readonly allocation: readonly Rational[];
  /** The resource of which the user's task needs the largest share (lowest index on ties). */
  readonly dominantResource: number;
  readonly dominantShare: Rational;
}

export interface DrfAllocation {
  readonly capacity: readonly Rational[];
  readonly users: readonly DrfUser[];
  /** Sum of the allocations, per resource. */
  readonly used: readonly Rational[];
}

/** Validated DRF input: exact vectors and each task's dominant share. */
export interface DrfProblem {
  readonly capacity: readonly Rational[];
  readonly tasks: readonly (readonly Rational[])[];
  readonly weights: readonly Rational[];
  /** σ_i: the task's largest share of any resource (> 0). */
  readonly taskShare: readonly Rational[];
  readonly dominantResource: readonly number[];
}

/** Checks and converts DRF input; typed errors (errors.ts) for anything unallocatable. */
export function drfProblem(input: DrfInput): DrfProblem {
  const capacity = toCapacities(input.capacity);
  if (input.demands.length === 0) throw new DimensionMismatchError('users', 1, 0);
  const tasks = input.demands.map((task, i) => toTask(i, task, capacity));
  const weights = toWeights(input.weights, tasks.length);
  const dominantResource = tasks.map((task) => dominantOf(task, capacity));
  const taskShare = tasks.map((task, i) => {
    const r = dominantResource[i] as number;
    const share = (task[r] as Rational).div(capacity[r] as Rational);
    if (share.isZero()) throw new EmptyTaskError(i);
    return share;
  });
  return { capacity, tasks, weights, taskShare, dominantResource };
}

/** The index of the largest share of `amounts` in `capacity` (lowest index on ties). */
export function dominantOf(amounts: readonly Rational[], capacity: readonly Rational[]): number {
  let best = 0;
  for (let r = 1; r < amounts.length; r++) {
    const share = (amounts[r] as Rational).div(capacity[r] as Rational);
    if (share.gt((amounts[best] as Rational).div(capacity[best] as Rational))) best = r;
  }
  return best;
}

/** Continuous (weighted) DRF by progressive filling. */
export function drf(input: DrfInput): DrfAllocation {
  const p = drfProblem(input);
  // Tasks per unit of level: a user at level λ has dominant share w_i λ, so w_i λ / σ_i tasks.
  const rate = p.weights.map((w, i) => w.div(p.taskShare[i] as Rational));
  const tasks = p.tasks.map(() => Rational.ZERO);
  const used = p.capacity.map(() => Rational.ZERO);
  let active = p.tasks.map((_, i) => i);
  while (active.length > 0) {
    const consumption = p.capacity.map((_, r) =>
      sum(active.map((i) => (rate[i] as Rational).mul((p.tasks[i] as Rational[])[r] as Rational))),
    );
    const step = nextSaturation(p.capacity, used, consumption);
    for (const i of active) tasks[i] = (tasks[i] as Rational).add((rate[i] as Rational).mul(step));
    for (const [r, c] of consumption.entries()) used[r] = (used[r] as Rational).add(c.mul(step));
    const saturated = p.capacity.map((c, r) => (used[r] as Rational).eq(c));
    assert(
      saturated.some((s) => s),
      'the level rose until a resource saturated',
    );
    const before = active.length;
    active = active.filter(
      (i) => !(p.tasks[i] as Rational[]).some((d, r) => saturated[r] && !d.isZero()),
    );
    assert(active.length < before, 'a saturated resource stops every user that needs it');
  }
  return allocationOf(p, tasks);
}

/** How far the level can rise before the first resource in use runs out. */
function nextSaturation(
  capacity: readonly Rational[],
  used: readonly Rational[],
  consumption: readonly Rational[],
): Rational {
  let step: Rational | undefined;
  for (const [r, c] of consumption.entries()) {
    if (c.isZero()) continue;
    const room = (capacity[r] as Rational).sub(used[r] as Rational).div(c);
    assert(!room.isNegative(), 'no resource is used beyond its capacity');
    step = step === undefined ? room : step.min(room);
  }
  assert(step !== undefined, 'every active user needs some resource (EmptyTaskError)');
  return step;
}

/** The allocation that running `tasks[i]` tasks of each user gives. */
export function allocationOf(p: DrfProblem, tasks: readonly Rational[]): DrfAllocation {
  const users = p.tasks.map((task, i): DrfUser => {
    const t = tasks[i] as Rational;
    return {
      task,
      weight: p.weights[i] as Rational,
      tasks: t,
      allocation: task.map((d) => d.mul(t)),
      dominantResource: p.dominantResource[i] as number,
      dominantShare: (p.taskShare[i] as Rational).mul(t),
    };
  });
  const used = p.capacity.map((_, r) => sum(users.map((u) => u.allocation[r] as Rational)));
  for (const [r, c] of p.capacity.entries())
    assert((used[r] as Rational).le(c), `resource ${r + 1} is not allocated beyond capacity`);
  return { capacity: p.capacity, users, used };
}
