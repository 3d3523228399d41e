// Dominant Resource Fairness task by task: Algorithm 1 of Ghodsi et al. (NSDI 2011, §4.1),
// weighted as in §4.3. Repeatedly pick the user with the lowest dominant share (per unit of
// weight; ties to the lowest index) and launch one of its tasks if it fits in what is left.
// When it does not fit, the paper's algorithm stops ("the cluster is full"); with
// `whenFull: 'skip'` that user is set aside and the others keep launching tasks, which is
// what a cluster manager such as Mesos does with a task that does not fit.
//
// Each launch uses a positive amount of some resource, so the loop ends; `maxTasks` bounds
// it (and the schedule it records) when tasks are tiny relative to the capacity. Exact on
// rationals; task counts are whole. Pure: no I/O.

import { assert } from '../core/assert.js';
import { allocationOf, type DrfAllocation, type DrfInput, drfProblem } from './drf.js';
import { TooManyTasksError } from './errors.js';
import { Rational } from './rational.js';

export const DEFAULT_MAX_TASKS = 100_000;

export interface DiscreteDrfOptions {
  /** 'stop' (the paper's Algorithm 1, the default) or 'skip' the user whose task won't fit. */
  readonly whenFull?: 'stop' | 'skip';
  /** Refuse (TooManyTasksError) to place more tasks than this. */
  readonly maxTasks?: number;
}

export interface DiscreteDrfAllocation extends DrfAllocation {
  /** The user each task went to, in launch order (Figure 3's "schedule" column). */
  readonly schedule: readonly number[];
}

/** Whether `task` fits in what `used` leaves of `capacity`. */
function fits(
  task: readonly Rational[],
  used: readonly Rational[],
  capacity: readonly Rational[],
): boolean {
  return task.every((d, r) => (used[r] as Rational).add(d).le(capacity[r] as Rational));
}

/** Discrete (weighted) DRF, one task at a time. */
export function drfDiscrete(
  input: DrfInput,
  options: DiscreteDrfOptions = {},
): DiscreteDrfAllocation {
  const p = drfProblem(input);
  const limit = options.maxTasks ?? DEFAULT_MAX_TASKS;
  const counts = p.tasks.map(() => 0);
  // Dominant share per unit of weight: the key Algorithm 1 picks the lowest of.
  const level = p.tasks.map(() => Rational.ZERO);
  const used = p.capacity.map(() => Rational.ZERO);
  const setAside = new Set<number>();
  const schedule: number[] = [];
  for (;;) {
    let pick = -1;
    for (const [i, l] of level.entries())
      if (!setAside.has(i) && (pick < 0 || l.lt(level[pick] as Rational))) pick = i;
    if (pick < 0) break;
    const task = p.tasks[pick] as Rational[];
    if (!fits(task, used, p.capacity)) {
      if (options.whenFull !== 'skip') break;
      setAside.add(pick);
      continue;
    }
    if (schedule.length >= limit) throw new TooManyTasksError(limit);
    for (const [r, d] of task.entries()) used[r] = (used[r] as Rational).add(d);
    counts[pick] = (counts[pick] as number) + 1;
    const share = (p.taskShare[pick] as Rational).mul(Rational.of(BigInt(counts[pick] as number)));
    level[pick] = share.div(p.weights[pick] as Rational);
    schedule.push(pick);
  }
  const allocation = allocationOf(
    p,
    counts.map((n) => Rational.of(BigInt(n))),
  );
  assert(allocation.used.every((u, r) => u.eq(used[r] as Rational)));
  return { ...allocation, schedule };
}
