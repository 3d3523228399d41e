// A ring-election node's state (ring.ts explains the protocol). Only `term` is durable: a
// restarted node forgets whom it followed and which hops it was waiting on, and the next
// suspicion period starts an election, which is the algorithm's own recovery.

import type { NodeId } from '../../../core/process.js';
import type { ElectionNodeState } from '../workload.js';
import type { Circulating } from './messages.js';

/** A hop waiting for its acknowledgement (its timer is `ack:<seq>`). */
export interface Hop {
  readonly seq: number;
  readonly to: NodeId;
  readonly message: Circulating;
}

export interface RingState extends ElectionNodeState {
  role: 'leader' | 'follower' | 'participant';
  leader: NodeId | null;
  /** The highest election number seen; durable. */
  term: number;
  /** Successors taken for crashed, ascending (cleared when they speak). */
  skipped: NodeId[];
  /** Chang–Roberts: this node has put itself forward in the current election. */
  participant: boolean;
  /** The circulating messages this node has handled (the last 32): each is forwarded once,
   *  so copies die out, and one that comes round again has lost its originator. */
  seen: string[];
  hops: Hop[];
  /** The last hop sequence number used (per incarnation). */
  seq: number;
  lastHeardMs: number;
  /** The hop whose acknowledgement timer is firing, during that step only (see ring.ts). */
  expiredHop: number | null;
}

export function initRingState(): RingState {
  return {
    role: 'follower',
    leader: null,
    term: 0,
    skipped: [],
    participant: false,
    seen: [],
    hops: [],
    seq: 0,
    lastHeardMs: 0,
    expiredHop: null,
  };
}

/** How many circulating message keys a node remembers. */
export const SEEN_LIMIT = 32;
