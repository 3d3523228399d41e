// A scheduling/two-level node's state: the master's (node 1), a framework's (nodes
// 2..frameworks+1) or a machine's (the rest). As in Mesos, the master keeps nothing durable
// but an epoch counter (so offer ids never repeat): a restarted master rebuilds what runs
// where from the machines re-registering and the frameworks reconciling (recovery.ts). A
// framework's books — its queue, its tasks, its Hungry numbering — are durable (Mesos
// frameworks keep theirs in ZooKeeper or a replicated log).

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

export const MASTER = 1;

export interface Offered {
  readonly framework: NodeId;
  readonly fragments: readonly Free[];
  readonly sentMs: number;
}

export interface Launched {
  readonly framework: NodeId;
  readonly machine: NodeId;
  readonly attempt: number;
  readonly cpu: number;
  readonly mem: number;
  /** The machine's session it was launched into. */
  readonly session: number;
  /** The machine answered its Launch: no more retransmissions. */
  readonly confirmed: boolean;
  /** When its Launch was last sent (master's clock). */
  readonly sentMs: number;
}

export interface MasterState {
  /** Per machine: capacity − launched − offered. */
  free: Free[];
  offers: Record<number, Offered>;
  nextOffer: number;
  /** Per framework: its last Hungry (highest seq). */
  hungry: Record<number, { seq: number; pending: number }>;
  /** Per framework: resources launched for it or offered to it (DRF's allocation). */
  alloc: Record<number, { cpu: number; mem: number }>;
  /** Launched tasks by `job.index`, until they end. */
  tasks: Record<string, Launched>;
  /** Per framework, per machine: not offered again before this time (a decline's filter). */
  filters: Record<number, Record<number, number>>;
  /** Each machine's session with the master, and whether it is up (members.ts). */
  members: Member[];
  /** When the master last renewed each up machine's lease. */
  renewedMs: Record<number, number>;
  /** When this master incarnation started (its clock): reconciliation waits DOWN_AFTER_MS. */
  startedMs: number;
  /** Recently ended tasks by `job.index`: how each attempt ended, for reconciliation. */
  ended: Record<string, { attempt: number; done: boolean }>;
  /** Attempts declared lost to a framework by `job.index`: never launched afterwards. */
  lost: Record<string, number>;
}

export interface FrameworkState {
  owner: OwnerState;
  /** Offers held, by id. */
  offers: Record<number, readonly Free[]>;
  /** Tasks accepted onto offers, by `job.index` → attempt, until they end or are lost. */
  launched: Record<string, number>;
  deciding: boolean;
  hungrySeq: number;
  /** Whether the last Hungry said it had pending tasks. */
  hungrySent: boolean;
  /** When each launched task's Accept was sent (volatile): reconciled only once it is old. */
  acceptedMs: Record<string, number>;
}

export interface TwoLevelState extends SchedulingNodeState {
  machine: MachineState | null;
  master: MasterState | null;
  framework: FrameworkState | null;
}

export function initTwoLevelState(
  c: { readonly cluster: ClusterConfig; readonly frameworks: readonly NodeId[] },
  id: NodeId,
): TwoLevelState {
  const { capacity, machines } = c.cluster;
  const master: MasterState = {
    free: machines.map((m) => ({ machine: m, ...capacity })),
    offers: {},
    nextOffer: 1,
    hungry: {},
    alloc: Object.fromEntries(c.frameworks.map((f) => [f, { cpu: 0, mem: 0 }])),
    tasks: {},
    filters: {},
    members: initMembers(machines),
    renewedMs: {},
    startedMs: 0,
    ended: {},
    lost: {},
  };
  const framework: FrameworkState = {
    owner: initOwnerState(),
    offers: {},
    launched: {},
    deciding: false,
    hungrySeq: 0,
    hungrySent: false,
    acceptedMs: {},
  };
  return {
    machine:
      id === MASTER || c.frameworks.includes(id)
        ? null
        : initMachineState(capacity.cpu, capacity.mem),
    master: id === MASTER ? master : null,
    framework: c.frameworks.includes(id) ? framework : null,
  };
}

/** Where a framework keeps its books, and what they are (shared/books.ts). */
export const FRAMEWORK_BOOKS_KEY = 'scheduling/two-level/framework';
export const FRAMEWORK_BOOKS = ['owner', 'launched', 'hungrySeq'] as const;
