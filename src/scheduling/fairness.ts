// The fairness properties of an allocation, as predicates over its result alone (no call back
// into the allocator), so a test — or a scheduler comparison — can check any allocation
// against them. Each returns the violations it finds as readable sentences (empty: holds).
// Definitions after Ghodsi et al. (NSDI 2011, §3) for several resources, and Bertsekas &
// Gallager §6.5.2 for one; weighted forms scale each user's entitlement by its weight.
// Users value a bundle of resources by the tasks it runs (Leontief preferences).

import type { DrfAllocation } from './drf.js';
import type { MaxMinAllocation } from './max-min.js';
import { Rational, sum } from './rational.js';

/** Tasks of `task` that `bundle` runs: min over the needed resources of bundle / need. */
export function usefulTasks(task: readonly Rational[], bundle: readonly Rational[]): Rational {
  let best: Rational | undefined;
  for (const [r, need] of task.entries()) {
    if (need.isZero()) continue;
    const n = (bundle[r] ?? Rational.ZERO).div(need);
    best = best === undefined ? n : best.min(n);
  }
  return best ?? Rational.ZERO;
}

const scale = (v: readonly Rational[], k: Rational) => v.map((x) => x.mul(k));

/** No resource is allocated beyond its capacity, and nobody gets a negative amount. */
export function feasibilityViolations(a: DrfAllocation): string[] {
  const out: string[] = [];
  for (const [r, c] of a.capacity.entries()) {
    const used = sum(a.users.map((u) => u.allocation[r] as Rational));
    if (used.gt(c)) out.push(`resource ${r + 1}: ${used} allocated of ${c}`);
  }
  for (const [i, u] of a.users.entries())
    if (u.tasks.isNegative()) out.push(`user ${i + 1} runs ${u.tasks} tasks`);
  return out;
}

/**
 * Pareto efficiency: no user can run more without another running less. With allocations
 * that are whole bundles (tasks × task), a user can grow only with more of every resource it
 * needs, so it must need one that is used up — otherwise the slack would run more of it.
 */
export function paretoViolations(a: DrfAllocation): string[] {
  const out: string[] = [];
  const free = a.capacity.map((c, r) => c.sub(a.used[r] as Rational));
  for (const [i, u] of a.users.entries()) {
    const more = usefulTasks(u.task, free);
    if (more.gt(Rational.ZERO)) out.push(`user ${i + 1} could run ${more} more tasks in slack`);
  }
  return out;
}

/**
 * Sharing incentive: each user runs at least as many tasks as it would on its own slice of
 * the cluster (weight / total weight of every resource), i.e. sharing never hurts it.
 */
export function sharingIncentiveViolations(a: DrfAllocation): string[] {
  const total = sum(a.users.map((u) => u.weight));
  return a.users.flatMap((u, i) => {
    const alone = usefulTasks(u.task, scale(a.capacity, u.weight.div(total)));
    return u.tasks.lt(alone) ? [`user ${i + 1} runs ${u.tasks} < ${alone} on its own slice`] : [];
  });
}

/**
 * Envy-freeness: no user would rather have another's allocation (scaled by their weights'
 * ratio in the weighted case): it runs no more of its tasks with it.
 */
export function envyViolations(a: DrfAllocation): string[] {
  const out: string[] = [];
  for (const [i, u] of a.users.entries()) {
    for (const [j, v] of a.users.entries()) {
      if (i === j) continue;
      const theirs = usefulTasks(u.task, scale(v.allocation, u.weight.div(v.weight)));
      if (theirs.gt(u.tasks))
        out.push(`user ${i + 1} envies user ${j + 1}: ${theirs} > ${u.tasks} tasks`);
    }
  }
  return out;
}

/**
 * Max-min fairness of a one-resource allocation, by its characterization: feasible, nobody
 * above its demand, and every unsatisfied user is at a bottleneck — the capacity is used up
 * and no user has more per unit of weight than it does. Then no user's allocation can grow
 * without shrinking one that is at most as large (per unit of weight). Also checks Pareto
 * efficiency and sharing incentive. Envy-freeness is the bottleneck inequality itself here:
 * an unsatisfied user envies exactly those with more per unit of weight (a satisfied one
 * envies nobody).
 */
export function maxMinViolations(a: MaxMinAllocation): string[] {
  const out: string[] = [];
  const allocated = sum(a.users.map((u) => u.allocation));
  if (allocated.gt(a.capacity)) out.push(`${allocated} allocated of ${a.capacity}`);
  const demanded = sum(a.users.map((u) => u.demand));
  if (!allocated.eq(demanded.min(a.capacity)))
    out.push(`not Pareto efficient: ${allocated} allocated, min(capacity, demand) is larger`);
  const norm = a.users.map((u) => u.allocation.div(u.weight));
  const totalWeight = sum(a.users.map((u) => u.weight));
  for (const [i, u] of a.users.entries()) {
    const x = norm[i] as Rational;
    if (u.allocation.gt(u.demand)) out.push(`user ${i + 1} gets ${u.allocation} > demand`);
    if (u.allocation.isNegative()) out.push(`user ${i + 1} gets ${u.allocation}`);
    const entitled = u.demand.min(a.capacity.mul(u.weight).div(totalWeight));
    if (u.allocation.lt(entitled)) out.push(`user ${i + 1} gets less than its share`);
    if (u.allocation.ge(u.demand)) continue;
    const richer = norm.findIndex((y) => y.gt(x));
    if (richer >= 0)
      out.push(`user ${i + 1} could grow at user ${richer + 1}'s expense (not max-min)`);
  }
  return out;
}
