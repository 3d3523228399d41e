// A Bully node's state (bully.ts explains the protocol). Only `term` is durable: a restarted
// node forgets whom it followed and runs an election, which is the algorithm's own rule.

import type { NodeId } from '../../../core/process.js';
import type { ElectionNodeState } from '../workload.js';

export type BullyRole = 'leader' | 'follower' | 'candidate' | 'awaiting-victory' | 'claiming';

export interface BullyState extends ElectionNodeState {
  /** `claiming`: step-down mode, Victory sent, waiting for a majority to acknowledge it. */
  role: BullyRole;
  leader: NodeId | null;
  /** The highest term (Victory number) seen; durable. */
  term: number;
  /** Step-down mode: peers that acknowledged us since the last heartbeat, ascending. */
  acks: NodeId[];
  /** Local time the leader was last heard from (for a leader: a majority last acknowledged). */
  lastHeardMs: number;
}

export function initBullyState(): BullyState {
  return { role: 'follower', leader: null, term: 0, acks: [], lastHeardMs: 0 };
}

/** Whether this node is leading or claiming to (it owns the `beat` timer then). */
export function isLeading(s: BullyState): boolean {
  return s.role === 'leader' || s.role === 'claiming';
}
