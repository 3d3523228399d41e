// A scheduling/monolithic node's state: the scheduler's part (node 1) or a machine's part
// (the others); one shape, each role using its own fields. The scheduler's books — its
// queue, what it placed where, what it believes is free, the machines' sessions — are
// durable, as Borg's Borgmaster keeps them in its Paxos store (EuroSys 2015 §3.1): a
// restarted scheduler carries on from them. Its decision in progress and its lease
// renewal times are volatile (members.ts says why that is safe).

import type { NodeId } from '../../../core/process.js';
import type { ClusterConfig } from '../shared/config.js';
import {
  initMachineState,
  type MachineState,
  type SchedulingNodeState,
} from '../shared/machine.js';
import { initMembers, type Member } from '../shared/members.js';
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
  /** The machine's session it was launched into. */
  readonly session: number;
  /** The machine answered its Launch (accepted): no more retransmissions. */
  readonly confirmed: boolean;
  /** When its Launch was last sent (scheduler's clock): retransmitted RETRY_MS later. */
  readonly sentMs: number;
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
  /** Scheduler: each machine's session and whether it is up (members.ts). */
  members: Member[];
  /** Scheduler: when it last renewed each up machine's lease (volatile). */
  renewedMs: Record<number, number>;
}

/** Where the scheduler keeps its books, and what they are (shared/books.ts). */
export const BOOKS_KEY = 'scheduling/monolithic/books';
export const BOOKS = ['owner', 'placed', 'free', 'members'] as const;

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
    members: scheduler ? initMembers(machines) : [],
    renewedMs: {},
  };
}
