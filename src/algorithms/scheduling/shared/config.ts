// The fixed per-run facts every simulated scheduler's handlers read: the job stream, which
// nodes are machines, their capacity. Nodes 1..control run the schedulers (or the master and
// frameworks); the rest are machines.

import type { RunContext } from '../../../core/algorithm.js';
import type { NodeId } from '../../../core/process.js';
import type { Shape } from './placement.js';
import { type Job, jobStream, ownerOf, type SchedulingWorkloadOptions } from './workload.js';

export interface ClusterConfig {
  readonly jobs: readonly Job[];
  readonly jobById: ReadonlyMap<number, Job>;
  readonly machines: readonly NodeId[];
  readonly capacity: Shape;
  /** Job owners (schedulers or frameworks). */
  readonly owners: number;
}

export function clusterConfig(
  ctx: RunContext<SchedulingWorkloadOptions>,
  control: number,
  owners: number,
): ClusterConfig {
  const o = ctx.options;
  const jobs = jobStream(ctx.seed, o);
  return {
    jobs,
    jobById: new Map(jobs.map((j) => [j.id, j])),
    machines: ctx.nodes.filter((id) => id > control),
    capacity: { cpu: o.machineCpu, mem: o.machineMem },
    owners,
  };
}

/** The jobs owner `owner` takes, in arrival order. */
export function jobsOf(c: ClusterConfig, owner: number): Job[] {
  return c.jobs.filter((j) => ownerOf(j, c.owners) === owner);
}
