// The cluster and the job stream every simulated scheduler runs (issue 20): machines of one
// size, and a Google-trace-like mix of many short, small batch jobs and fewer long-running
// service jobs with larger tasks and a higher priority (Reiss et al., "Heterogeneity and
// dynamicity of clouds at scale", SoCC 2012: most jobs are short batch jobs, most resources
// go to long service jobs). The stream is drawn from the run's seed alone, so monolithic,
// two-level and shared-state runs with the same seed and options schedule the same jobs.
//
// Resources are integers (millicores and MB) so every comparison is exact and cheap; the
// exact-rational allocators of src/scheduling/ are for one-shot allocations, not per step.

import type { OptionSpecs, OptionsOf } from '../../../core/algorithm.js';
import { Prng } from '../../../core/prng.js';

export const schedulingWorkloadOptionSpecs = {
  machines: { kind: 'int', default: 8, min: 1, max: 256, description: 'machines in the cluster' },
  jobs: { kind: 'int', default: 60, min: 1, max: 2_000, description: 'jobs in the stream' },
  arrivalMs: {
    kind: 'int',
    default: 100,
    min: 1,
    max: 60_000,
    description: 'mean time between job arrivals (ms)',
  },
  servicePercent: {
    kind: 'int',
    default: 20,
    min: 0,
    max: 100,
    description: 'share of jobs that are long-running service jobs (the rest are batch)',
  },
  serviceTaskPercent: {
    kind: 'int',
    default: 25,
    min: 1,
    max: 100,
    description: "a service task's CPU and memory, in percent of one machine",
  },
  machineCpu: {
    kind: 'int',
    default: 4_000,
    min: 1_000,
    max: 1_000_000,
    description: "each machine's CPU capacity in millicores",
  },
  machineMem: {
    kind: 'int',
    default: 8_192,
    min: 2_048,
    max: 1_000_000,
    description: "each machine's memory in MB",
  },
  batchDecisionMs: {
    kind: 'int',
    default: 5,
    min: 0,
    max: 60_000,
    description: 'time a scheduler spends deciding where a batch job goes',
  },
  serviceDecisionMs: {
    kind: 'int',
    default: 5,
    min: 0,
    max: 60_000,
    description: 'time a scheduler spends deciding where a service job goes',
  },
  taskDecisionMs: {
    kind: 'int',
    default: 1,
    min: 0,
    max: 10_000,
    description: 'extra decision time per task placed',
  },
} as const satisfies OptionSpecs;

export type SchedulingWorkloadOptions = OptionsOf<typeof schedulingWorkloadOptionSpecs>;

export type JobKind = 'batch' | 'service';

/** A job: `tasks` identical tasks of one shape (as in Borg, a job's tasks share a shape). */
export interface Job {
  readonly id: number;
  readonly arrivalMs: number;
  readonly kind: JobKind;
  /** Higher runs first and may preempt lower (service 1, batch 0). */
  readonly priority: number;
  readonly tasks: number;
  readonly cpu: number;
  readonly mem: number;
  readonly durationMs: number;
}

/** One run of one task: a retried or preempted task runs again with the next attempt. */
export interface TaskRef {
  readonly job: number;
  readonly index: number;
  readonly attempt: number;
}

/** What a machine needs to run a task. `owner` is the scheduler or framework (0-based). */
export interface TaskSpec extends TaskRef {
  readonly owner: number;
  readonly kind: JobKind;
  readonly cpu: number;
  readonly mem: number;
  readonly durationMs: number;
}

export const taskKey = (t: TaskRef): string => `${t.job}.${t.index}.${t.attempt}`;
export const sameTask = (a: TaskRef, b: TaskRef): boolean => a.job === b.job && a.index === b.index;

/** The job stream of a run: the same for every architecture given the seed and options. */
export function jobStream(seed: number, o: SchedulingWorkloadOptions): Job[] {
  const rng = new Prng(seed, 'scheduling/jobs');
  const jobs: Job[] = [];
  let atMs = 0;
  for (let id = 0; id < o.jobs; id++) {
    atMs += rng.range(Math.ceil(o.arrivalMs / 2), Math.floor((3 * o.arrivalMs) / 2));
    const service = rng.chance(o.servicePercent, 100);
    if (service) {
      const cpu = Math.floor((o.machineCpu * o.serviceTaskPercent) / 100);
      const mem = Math.floor((o.machineMem * o.serviceTaskPercent) / 100);
      const tasks = rng.range(1, 4);
      const durationMs = rng.range(3_000, 8_000);
      jobs.push({ id, arrivalMs: atMs, kind: 'service', priority: 1, tasks, cpu, mem, durationMs });
    } else {
      const tasks = rng.range(1, 8);
      const cpu = rng.range(250, 1_000);
      const mem = rng.range(256, 2_048);
      const durationMs = rng.range(200, 2_000);
      jobs.push({ id, arrivalMs: atMs, kind: 'batch', priority: 0, tasks, cpu, mem, durationMs });
    }
  }
  return jobs;
}

/**
 * Which of `owners` schedulers (or frameworks) owns a job: with one, all; with more, the
 * first takes the service jobs and the others share the batch jobs round-robin — Omega's
 * split of a service scheduler from batch schedulers (Schwarzkopf et al., EuroSys 2013 §5).
 */
export function ownerOf(job: Job, owners: number): number {
  if (owners <= 1) return 0;
  if (job.kind === 'service') return 0;
  return 1 + (job.id % (owners - 1));
}

/** How long a scheduler thinks about a job before committing `tasks` of its tasks. */
export function decisionMs(job: Job, tasks: number, o: SchedulingWorkloadOptions): number {
  const base = job.kind === 'service' ? o.serviceDecisionMs : o.batchDecisionMs;
  return base + tasks * o.taskDecisionMs;
}

/** Whether a job's task fits an empty machine (jobs that never fit are not owed a place). */
export function fitsAnyMachine(job: Job, o: SchedulingWorkloadOptions): boolean {
  return job.cpu <= o.machineCpu && job.mem <= o.machineMem;
}

/** The spec of attempt `attempt` of task `index` of `job`. */
export function taskOf(job: Job, index: number, attempt: number, owner: number): TaskSpec {
  return {
    job: job.id,
    index,
    attempt,
    owner,
    kind: job.kind,
    cpu: job.cpu,
    mem: job.mem,
    durationMs: job.durationMs,
  };
}
