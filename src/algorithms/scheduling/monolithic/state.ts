// A scheduling/monolithic node's state: the scheduler's part (node 1) or a machine's part
// (the others); one shape, each role using its own fields. Nothing is durable: the fault
// model has no crashes (index.ts).

import type { NodeId } from '../../../core/process.js';
import type { ClusterConfig } from '../shared/config.js';
import {
  initMachineState,
  type MachineState,
  type SchedulingNodeState,
} from '../shared/machine.js';
import { initOwnerState, type OwnerState } from '../shared/owner.js';
import type { Free } from '../shared/placement.js';

/** Node 1 schedules; nodes 2..n are machines. */
export const SCHEDULER = 1;

/** A task attempt the scheduler has sent to a machine and not yet seen end. */
export interface Placed {
  readonly machine: NodeId;
  readonly attempt: number;
  readonly cpu: number;
  readonly mem: number;
  readonly priority: number;
  /**
   * Preempted: its resources already count as free, but it is queued again only once its
   * machine confirms it stopped — never running in two places at once.
   */
  readonly evicting: boolean;
}

export interface MonolithicState extends SchedulingNodeState {
  machine: MachineState | null;
  owner: OwnerState | null;
  /** Scheduler: placed tasks by `job.index` — its view of every machine is built on these. */
  placed: Record<string, Placed>;
  /** Scheduler: what it believes each machine has free (capacity − placed), by machine. */
  free: Free[];
  /** Scheduler: the job it is deciding on (the decide timer runs), or null when idle. */
  deciding: number | null;
}

export function initMonolithicState(
  c: { readonly cluster: ClusterConfig },
  id: NodeId,
): MonolithicState {
  const { capacity, machines } = c.cluster;
  const scheduler = id === SCHEDULER;
  return {
    machine: scheduler ? null : initMachineState(capacity.cpu, capacity.mem),
    owner: scheduler ? initOwnerState() : null,
    placed: {},
    free: scheduler ? machines.map((m) => ({ machine: m, ...capacity })) : [],
    deciding: null,
  };
}
