// A quorum-replication node's state (quorum.ts explains the protocol). Every node is a
// replica, a coordinator and the host of one client. The store, the hints, the clock
// counter and the client's sequence number are durable: a restarted replica keeps what it
// acknowledged, and a restarted coordinator never reuses a counter (clocks stay unique) nor
// its client a sequence number (written values stay unique, so histories stay checkable).

import type { NodeId } from '../../../core/process.js';
import type { Version } from './versions.js';

/** Versions a stand-in replica keeps for a preferred replica it could not reach. */
export interface Hint {
  /** Renewed whenever the hint changes, so an old HandoffAck cannot drop new versions. */
  id: number;
  owner: NodeId;
  key: string;
  siblings: Version[];
}

/** The operation this node coordinates for its client (one at a time). */
export interface Pending {
  readonly kind: 'put' | 'get';
  readonly req: number;
  readonly key: string;
  /** The client's seq for the history (0: none). */
  readonly seq: number;
  /** What a put writes. */
  readonly version: Version | null;
  /** Nodes asked, in ring order, and for each whom it stands in for (itself if preferred). */
  asked: [node: NodeId, owner: NodeId][];
  /** Replies so far (a put's acks carry no versions). */
  replies: [node: NodeId, siblings: Version[]][];
  /** A get: the merge of the replies when it completed (read repair works from it). */
  merged: Version[];
}

export interface QuorumClient {
  /** 'work': the workload; 'final': reading every key once; 'done'. */
  phase: 'work' | 'final' | 'done';
  /** Operations the workload started in this incarnation. */
  started: number;
  /** Next key index of the final reads. */
  finalKey: number;
  /** Whether the `next` timer now ends the pause before an operation. */
  pausing: boolean;
  /** The versions last read or written per key: the context of the client's next put. */
  context: Record<string, Version[]>;
}

export interface QuorumStats {
  /** Operations given up for want of R or W replies. */
  refused: number;
  /** Reads that returned more than one sibling. */
  siblingReads: number;
  repairs: number;
  handoffs: number;
}

export interface QuorumState {
  /** Versions per key (durable). */
  store: Record<string, Version[]>;
  /** Hinted versions held for other replicas (durable). */
  hints: Hint[];
  /** Vector-clock counter of this node as coordinator, also request and hint ids (durable). */
  counter: number;
  /** The client's last sequence number (durable). */
  seq: number;
  op: Pending | null;
  /** The last completed get, for read repair of replies that arrive after it completed. */
  lastGet: Pending | null;
  client: QuorumClient;
  stats: QuorumStats;
}

export function initQuorumState(): QuorumState {
  return {
    store: {},
    hints: [],
    counter: 0,
    seq: 0,
    op: null,
    lastGet: null,
    client: { phase: 'work', started: 0, finalKey: 0, pausing: false, context: {} },
    stats: { refused: 0, siblingReads: 0, repairs: 0, handoffs: 0 },
  };
}
