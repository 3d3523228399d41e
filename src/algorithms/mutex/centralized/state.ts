// A mutex/centralized node's state (centralized.ts explains the protocol). Durable: the
// coordinator's book, the client's request number, served count and whether it is inside
// (so a restart knows the crash ended a critical section), and — with --failover — whom it
// follows and the epochs. The election and the failure detector are volatile.

import type { NodeId } from '../../../core/process.js';
import type { DetectorState } from '../failure-detector.js';
import type { MutexNodeState } from '../workload.js';
import type { ClientPhase } from './messages.js';

/** Node 1 coordinates at first and never asks for the critical section itself. */
export const ORIGINAL_COORDINATOR: NodeId = 1;

export function isRequester(id: NodeId): boolean {
  return id !== ORIGINAL_COORDINATOR;
}

export interface Ticket {
  readonly node: NodeId;
  readonly req: number;
}

export interface CoordinatorBook {
  holder: Ticket | null;
  /** Waiting requests in arrival order (FIFO). */
  queue: Ticket[];
  /** Highest request number each client has finished or abandoned, by node id. */
  done: Record<string, number>;
}

export interface CentralizedState extends MutexNodeState {
  /** Whether this node is acting as the coordinator now. */
  role: 'coordinator' | 'client';
  phase: ClientPhase;
  /** Durable: a node restarted with it set crashed inside, which ended that critical section. */
  inCS: boolean;
  /** Durable. */
  served: number;
  /** The client's current request number (durable, grows by one per request). */
  req: number;
  /** Durable. */
  book: CoordinatorBook;
  /** The coordinator this node follows, and its epoch (durable; fixed at 1 without failover). */
  coord: NodeId;
  epoch: number;
  /** The highest epoch seen in any message (durable): a new coordinator's epoch exceeds it. */
  epochSeen: number;
  /** Incarnations started so far (durable): a restarted node only coordinates by election. */
  starts: number;
  /** Failover only (volatile): where this node is in an election, if anywhere. */
  election: 'none' | 'electing' | 'awaiting-victory' | 'rebuilding';
  /** Failover only (volatile): watches the coordinator's heartbeats. */
  detector: DetectorState | null;
}

export const CENTRALIZED_DURABLE = [
  'inCS',
  'served',
  'req',
  'book',
  'coord',
  'epoch',
  'epochSeen',
  'starts',
] as const satisfies readonly (keyof CentralizedState)[];

export function initCentralizedState(_c: unknown, id: NodeId): CentralizedState {
  return {
    role: id === ORIGINAL_COORDINATOR ? 'coordinator' : 'client',
    phase: 'idle',
    inCS: false,
    served: 0,
    req: 0,
    book: { holder: null, queue: [], done: {} },
    coord: ORIGINAL_COORDINATOR,
    epoch: 1,
    epochSeen: 1,
    starts: 0,
    election: 'none',
    detector: null,
  };
}

/** Our own bookkeeping: the phase and `inCS` agree, and no exit comes without a request. */
export function clientConsistent(s: CentralizedState): boolean {
  return s.inCS === (s.phase === 'inside') && s.served <= s.req;
}

/** A coordinator that is not rebuilding never leaves the lock free while someone waits. */
export function bookSettled(s: CentralizedState): boolean {
  return (
    s.role !== 'coordinator' ||
    s.election === 'rebuilding' ||
    s.book.holder !== null ||
    s.book.queue.length === 0
  );
}

/** Each ticket is queued at most once (requests and reports check before they push). */
export function queueUnique(book: CoordinatorBook): boolean {
  const keys = new Set(book.queue.map((t) => `${t.node}:${t.req}`));
  return keys.size === book.queue.length;
}
