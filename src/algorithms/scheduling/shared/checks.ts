// The checks every simulated scheduler is judged by. Safety, after every step: no machine
// is over-committed, every running task fits its machine and is counted in its usage, no
// task runs in two places at once (a retried or re-offered task must not double-start), and
// priorities are respected: only lower-priority tasks are preempted.
// Liveness, once faults heal: every job has arrived and every task of every job that fits
// an empty machine has been started and has run to its end.
//
// A crashed machine is not counted: its tasks died with it (its state is gone until it
// restarts, empty). A paused machine is: its tasks still run while it cannot act, which is
// why the lease arithmetic (lease.ts) bounds pauses — and `pause-beyond-lease` fails here.

import type { ClusterView, Invariant, Liveness } from '../../../core/algorithm.js';
import type { SchedulingNodeState } from './machine.js';
import type { SchedulingOutput } from './outputs.js';
import { fitsAnyMachine, jobStream, type SchedulingWorkloadOptions } from './workload.js';

type View = ClusterView<SchedulingNodeState, SchedulingOutput>;

export function machineCapacity(): Invariant<SchedulingNodeState, SchedulingOutput> {
  return {
    name: 'no machine over-committed; every placed task fits',
    check(view: View) {
      for (const n of view.nodes) {
        const m = n.state?.machine;
        if (m === undefined || m === null) continue;
        let cpu = 0;
        let mem = 0;
        for (const t of m.running) {
          cpu += t.cpu;
          mem += t.mem;
        }
        if (cpu !== m.usedCpu || mem !== m.usedMem)
          return `machine ${n.id} counts ${m.usedCpu}/${m.usedMem} but runs ${cpu}/${mem}`;
        if (cpu > m.cpu || mem > m.mem)
          return `machine ${n.id} runs ${cpu} mCPU / ${mem} MB of ${m.cpu} / ${m.mem}`;
      }
      return undefined;
    },
  };
}

export function runsOnce(): Invariant<SchedulingNodeState, SchedulingOutput> {
  return {
    name: 'no task runs twice at once',
    check(view: View) {
      const where = new Map<string, number>();
      for (const n of view.nodes) {
        for (const t of n.state?.machine?.running ?? []) {
          const key = `${t.job}.${t.index}`;
          const other = where.get(key);
          if (other !== undefined)
            return `task ${key} runs on machines ${other} and ${n.id} at once`;
          where.set(key, n.id);
        }
      }
      return undefined;
    },
  };
}

/**
 * Borg §2.5: preemption makes room for higher-priority work, so a task of the stream's top
 * priority is never preempted (tasks killed by a lapsed lease are `lost`, not preempted).
 */
export function preemptsOnlyLower(
  seed: number,
  o: SchedulingWorkloadOptions,
): Invariant<SchedulingNodeState, SchedulingOutput> {
  const priority = new Map(jobStream(seed, o).map((j) => [j.id, j.priority]));
  const top = Math.max(0, ...priority.values());
  let seen = 0;
  return {
    name: 'preemption evicts only lower-priority tasks',
    check(view: View) {
      for (; seen < view.outputs.length; seen++) {
        const e = (view.outputs[seen] as (typeof view.outputs)[number]).output;
        if (e.type !== 'end' || !e.preempted || e.lost) continue;
        if ((priority.get(e.job) ?? top) >= top)
          return `task ${e.job}.${e.index} of the top priority was preempted on machine ${e.machine}`;
      }
      return undefined;
    },
  };
}

export function schedulingInvariants(
  seed: number,
  o: SchedulingWorkloadOptions,
): Invariant<SchedulingNodeState, SchedulingOutput>[] {
  return [machineCapacity(), runsOnce(), preemptsOnlyLower(seed, o)];
}

export function everyJobPlaced(
  seed: number,
  o: SchedulingWorkloadOptions,
): Liveness<SchedulingNodeState, SchedulingOutput> {
  return {
    name: 'every job that fits is placed and runs to completion',
    check(view: View) {
      const done = new Set<string>();
      let arrived = 0;
      for (const { output: e } of view.outputs) {
        if (e.type === 'arrive') arrived++;
        else if (e.type === 'end' && !e.preempted) done.add(`${e.job}.${e.index}`);
      }
      const jobs = jobStream(seed, o);
      if (arrived < jobs.length) return `${arrived} of ${jobs.length} jobs arrived`;
      for (const job of jobs) {
        if (!fitsAnyMachine(job, o)) continue;
        for (let i = 0; i < job.tasks; i++)
          if (!done.has(`${job.id}.${i}`)) return `task ${i} of job ${job.id} never completed`;
      }
      return undefined;
    },
  };
}
