// Quorums for ZooKeeper's election (note 004): by default a majority of the voters; with
// weights (ZooKeeper's QuorumHierarchical idea, flattened), a set of voters is a quorum when
// its weight is more than half of the total — the notes' fix for a 50/50 split (4 voters
// weighted 3,1,1,1: {1} ∪ anyone outvotes the other side). Observers carry no weight.

import type { NodeId } from '../../../core/process.js';
import { isMajority } from '../../../core/quorum.js';

export interface QuorumSpec {
  /** Weight of each voter by id; observers and unknown ids weigh 0. */
  readonly weights: ReadonlyMap<NodeId, number>;
}

export function quorumSpec(
  nodes: readonly NodeId[],
  weights: readonly number[],
  observers: readonly NodeId[],
): QuorumSpec {
  const map = new Map<NodeId, number>();
  for (const id of nodes) {
    if (observers.includes(id)) continue;
    map.set(id, weights.length === 0 ? 1 : (weights[id - 1] ?? 0));
  }
  return { weights: map };
}

export function isVoter(q: QuorumSpec, id: NodeId): boolean {
  return (q.weights.get(id) ?? 0) > 0;
}

/** Whether `ids` (duplicates ignored) weigh more than half of all voting weight. */
export function isQuorum(q: QuorumSpec, ids: Iterable<NodeId>): boolean {
  let total = 0;
  for (const w of q.weights.values()) total += w;
  let have = 0;
  for (const id of new Set(ids)) have += q.weights.get(id) ?? 0;
  return isMajority(have, total);
}
