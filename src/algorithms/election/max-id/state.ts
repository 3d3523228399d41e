// A max-id node's state (max-id.ts explains the protocol). Nothing is durable: the
// algorithm is one round by design, and its fault model admits no crash.

import type { NodeId } from '../../../core/process.js';
import type { ElectionNodeState } from '../workload.js';

export interface MaxIdState extends ElectionNodeState {
  /** `out`: dropped out on seeing a larger id; decided after the round. */
  role: 'candidate' | 'out' | 'leader' | 'follower';
  leader: NodeId | null;
  /** 1 once decided (there is one round), 0 before. */
  term: number;
  /** The largest id seen so far (our own included). */
  best: NodeId;
}

export function initMaxIdState(_c: unknown, id: NodeId): MaxIdState {
  return { role: 'candidate', leader: null, term: 0, best: id };
}
