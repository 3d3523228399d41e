// Partition detection from a failure detector's output: a node can reach itself and every
// peer it does not suspect; it is on a majority side when those are more than half of the
// cluster. Two sides of a clean partition cannot both see a majority once their detectors
// have settled (two majorities of the same nodes intersect), which is what lets the minority
// side know to stop serving writes or leading (the notes' split-brain rule).
//
// Fault model: only as right as the detector's suspicions. While suspicions are still
// forming (right after a cut) a minority node may believe it sees a majority, and a false
// suspicion may make a majority node believe it is in the minority.

import type { NodeId } from '../../core/process.js';
import { isMajority } from '../../core/quorum.js';

export interface PartitionView {
  /** This node and every peer it does not suspect, ascending. */
  readonly reachable: readonly NodeId[];
  /** Whether `reachable` is more than half of the cluster. */
  readonly majority: boolean;
}

export function partitionView(
  nodes: readonly NodeId[],
  self: NodeId,
  suspected: readonly NodeId[],
): PartitionView {
  const reachable = nodes.filter((p) => p === self || !suspected.includes(p));
  return { reachable, majority: isMajority(reachable.length, nodes.length) };
}
