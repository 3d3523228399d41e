// A scheduling/shared-state node's state: a scheduler's (nodes 1..schedulers) or a
// machine's (the rest). A scheduler's own books — its queue, its open commits and running
// tasks, the machines' sessions — are durable (each Omega scheduler owns its jobs' state);
// its copy of the cell state is not: the machines' heartbeats and Usage messages rebuild it.

import type { NodeId } from '../../../core/process.js';
import type { ClusterConfig } from '../shared/config.js';
import {
  initMachineState,
  type MachineState,
  type SchedulingNodeState,
} from '../shared/machine.js';
import { initMembers, type Member } from '../shared/members.js';
import type { Usage } from '../shared/messages.js';
import { initOwnerState, type OwnerState } from '../shared/owner.js';

/** A task attempt this scheduler committed to a machine. */
export interface Claim {
  readonly machine: NodeId;
  readonly attempt: number;
  readonly cpu: number;
  readonly mem: number;
  /** Once started: the machine's version that included it (−1 while unanswered). */
  readonly version: number;
  /** Once started: the machine's incarnation that ran it (0 while unanswered). */
  readonly incarnation: number;
  /** The machine version the commit was made against (coarse-grained), or −1. */
  readonly seen: number;
  /** The machine's session it was committed into. */
  readonly session: number;
  /** When its Launch was last sent (this scheduler's clock): sent again RETRY_MS later. */
  readonly sentMs: number;
}

export interface SharedStateState extends SchedulingNodeState {
  machine: MachineState | null;
  owner: OwnerState | null;
  /** Scheduler: its copy of the cell state — each machine's usage, newest version seen. */
  view: Usage[];
  /** Scheduler: commits sent and not yet answered, by `job.index` (counted as used). */
  claims: Record<string, Claim>;
  /** Scheduler: its tasks that started and have not ended, by `job.index`. */
  running: Record<string, Claim>;
  /** Scheduler: the job being decided on, or null. */
  deciding: number | null;
  /** Scheduler: the cell state as it was when the decision began (what it decides on). */
  snapshot: Usage[] | null;
  /** Scheduler: each machine's session with this scheduler, and whether it is up. */
  members: Member[];
  /** Scheduler: when it last renewed each up machine's lease (volatile). */
  renewedMs: Record<number, number>;
}

/** Where a scheduler keeps its books, and what they are (shared/books.ts). */
export const BOOKS_KEY = 'scheduling/shared-state/books';
export const BOOKS = ['owner', 'claims', 'running', 'members'] as const;

export function initSharedStateState(
  c: { readonly cluster: ClusterConfig; readonly schedulers: readonly NodeId[] },
  id: NodeId,
): SharedStateState {
  const { capacity, machines } = c.cluster;
  const scheduler = c.schedulers.includes(id);
  return {
    machine: scheduler ? null : initMachineState(capacity.cpu, capacity.mem),
    owner: scheduler ? initOwnerState() : null,
    view: scheduler
      ? machines.map((m) => ({ machine: m, incarnation: 0, version: 0, cpu: 0, mem: 0 }))
      : [],
    claims: {},
    running: {},
    deciding: null,
    snapshot: null,
    members: scheduler ? initMembers(machines) : [],
    renewedMs: {},
  };
}
