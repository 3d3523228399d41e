// What every job owner does — a monolithic scheduler, an Omega scheduler, a Mesos framework:
// take its jobs as they arrive and keep their unplaced tasks in one queue, highest priority
// first and oldest first within a priority (Borg's pending queue, EuroSys 2015 §3.2).

import { assert } from '../../../core/assert.js';
import type { Env } from '../../../core/process.js';
import type { SchedulingOutput } from './outputs.js';
import type { Job, TaskRef } from './workload.js';

export interface OwnerState {
  /** How many of this owner's jobs have arrived (an index into its job list). */
  arrived: number;
  /** Unplaced task attempts, in queue order. */
  pending: TaskRef[];
  /** Tasks run to completion, as `job.index`. */
  done: string[];
}

export function initOwnerState(): OwnerState {
  return { arrived: 0, pending: [], done: [] };
}

/** The owner's view of a job by id (its own jobs only). */
export type JobTable = ReadonlyMap<number, Job>;

function before(jobs: JobTable, a: TaskRef, b: TaskRef): number {
  const ja = jobs.get(a.job) as Job;
  const jb = jobs.get(b.job) as Job;
  return jb.priority - ja.priority || a.job - b.job || a.index - b.index;
}

/** Puts a task attempt back in the queue at its place. */
export function enqueue(s: OwnerState, jobs: JobTable, t: TaskRef): void {
  assert(jobs.has(t.job), 'an owner queues only its own jobs');
  let i = s.pending.length;
  while (i > 0 && before(jobs, t, s.pending[i - 1] as TaskRef) < 0) i--;
  s.pending.splice(i, 0, { job: t.job, index: t.index, attempt: t.attempt });
}

/** The arrive timer: queue every job due by now and arm the timer for the next one. */
export function ownerArrive(
  env: Env<never, SchedulingOutput>,
  s: OwnerState,
  mine: readonly Job[],
  jobs: JobTable,
): void {
  const now = env.now();
  while (s.arrived < mine.length && (mine[s.arrived] as Job).arrivalMs <= now) {
    const job = mine[s.arrived] as Job;
    s.arrived++;
    env.output({ type: 'arrive', job: job.id, kind: job.kind, tasks: job.tasks });
    for (let index = 0; index < job.tasks; index++)
      enqueue(s, jobs, { job: job.id, index, attempt: 0 });
  }
  const next = mine[s.arrived];
  if (next !== undefined) env.setTimer('arrive', next.arrivalMs - now);
}

/** Takes the pending tasks of `job` out of the queue. */
export function takeJob(s: OwnerState, job: number): TaskRef[] {
  const taken = s.pending.filter((t) => t.job === job);
  s.pending = s.pending.filter((t) => t.job !== job);
  return taken;
}

export function markDone(s: OwnerState, t: TaskRef): void {
  const key = `${t.job}.${t.index}`;
  if (!s.done.includes(key)) s.done.push(key);
}

/**
 * An attempt given up on ran to its end after all (its report outlived a lapse or a
 * partition): the task is done, and a retry still queued is dropped. One already placed
 * again runs on (it cannot be told apart from a fresh run): its end is a second completion.
 */
export function settleLate(s: OwnerState, jobs: JobTable, t: TaskRef): void {
  if (!jobs.has(t.job)) return; // Not one of this owner's tasks: a peer's error.
  s.pending = s.pending.filter((q) => q.job !== t.job || q.index !== t.index);
  markDone(s, t);
  assert(!s.pending.some((q) => q.job === t.job && q.index === t.index), 'no retry left');
}
