// A locks/znode-queue node's state: node 1 is the coordinator (the ZooKeeper ensemble, here
// one node with durable state), nodes 2..n are clients. Durable at the coordinator: the
// sessions, the entries, the watches and the sequence counter (as ZooKeeper's replicated
// tree; a restarted coordinator gives every session a fresh timeout, as a new ZooKeeper
// leader does). Durable at a client: its session counter (each incarnation opens a new
// session) and served count.

import type { NodeId } from '../../../core/process.js';
import type { MutexNodeState } from '../../mutex/workload.js';

/** Node 1: the coordinator (ZooKeeper, or etcd). */
export const COORDINATOR = 1;

export interface Session {
  readonly client: NodeId;
  readonly session: number;
  /** Coordinator clock. */
  heardAtMs: number;
  /** The highest request number an entry was made for: older Creates are stale copies. */
  lastReq: number;
}

/** An ephemeral sequential entry, `/lock/<seq>`, owned by a session. */
export interface Entry {
  readonly seq: number;
  readonly client: NodeId;
  readonly session: number;
  readonly req: number;
}

export interface Watch {
  /** The entry watched. */
  readonly watched: number;
  readonly watcher: NodeId;
}

export type ClientPhase =
  | 'idle'
  | 'creating'
  | 'checking'
  | 'watching'
  /** Our entry is the lowest; waiting for a Pong to confirm our session before holding. */
  | 'confirming'
  | 'inside'
  | 'deleting';

export interface ZnodeQueueState extends MutexNodeState {
  role: 'coordinator' | 'client';
  // ---- coordinator (durable)
  sessions: Session[];
  entries: Entry[];
  watches: Watch[];
  nextSeq: number;
  /** Highest session number of each client that expired (it never comes back). */
  expired: Record<string, number>;
  // ---- client
  /** Durable: the current session's number. */
  session: number;
  /** Until when (client clock) the session surely lives at the coordinator (≤ its opening: unconfirmed). */
  validUntilMs: number;
  phase: ClientPhase;
  req: number;
  seq: number;
  /** The entry our watch is on (0: none). */
  pred: number;
  inCS: boolean;
  /** Durable. */
  served: number;
}

export const COORDINATOR_DURABLE = [
  'sessions',
  'entries',
  'watches',
  'nextSeq',
  'expired',
  'session',
  'served',
] as const satisfies readonly (keyof ZnodeQueueState)[];

export function isClient(id: NodeId): boolean {
  return id !== COORDINATOR;
}

export function initZnodeQueueState(_c: unknown, id: NodeId): ZnodeQueueState {
  return {
    role: id === COORDINATOR ? 'coordinator' : 'client',
    sessions: [],
    entries: [],
    watches: [],
    nextSeq: 1,
    expired: {},
    session: 0,
    validUntilMs: -1,
    phase: 'idle',
    req: 0,
    seq: 0,
    pred: 0,
    inCS: false,
    served: 0,
  };
}
